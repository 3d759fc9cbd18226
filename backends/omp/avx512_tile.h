/* What the AVX-512 microkernels (f32 and bf16) share: edge masks and the store of a tile
 * of up to 12×32 f32 accumulators. Static inline, so each kernel's translation unit
 * compiles it with that kernel's own target flags. */
#ifndef VB_OMP_AVX512_TILE_H
#define VB_OMP_AVX512_TILE_H

#include <immintrin.h>
#include "omp_gemm.h"

enum { VB_ZMM_MR = 12, VB_ZMM_VL = 16 }; /* rows of a tile; floats per vector */

/* Lanes [0, n) of one vector, n clamped to [0, VB_ZMM_VL]. */
static inline __mmask16 vb_zmm_lanes(int n)
{
    return n >= VB_ZMM_VL ? (__mmask16)0xFFFF : n <= 0 ? 0 : (__mmask16)((1u << n) - 1);
}

/* C = alpha·acc + beta·C (C not read when beta == 0) [+ bias], rows [0, mr), nv vectors
 * of which only columns [0, nr) are written. A vector wholly inside nr moves unmasked:
 * on Zen 4 a masked load or store of C, even with every lane set, costs two to four
 * times a plain one, which showed in short-K products (keras_cct's first convolution,
 * K = 27) where the store is a large part of a tile's work. */
static inline __attribute__((always_inline)) void
vb_zmm_store(const int mr, const int nv, __m512 acc[][2], float *c, int64_t ldc, int nr,
             const vb_omp_store *st)
{
    const __mmask16 mask[2] = { vb_zmm_lanes(nr), vb_zmm_lanes(nr - VB_ZMM_VL) };
    const __m512 alpha = _mm512_set1_ps(st->alpha), beta = _mm512_set1_ps(st->beta);
#pragma GCC unroll 12
    for (int i = 0; i < mr; i++) {
        for (int v = 0; v < nv; v++) {
            float *cv = c + i * ldc + v * VB_ZMM_VL;
            const int whole = nr >= (v + 1) * VB_ZMM_VL;
            __m512 r = _mm512_mul_ps(alpha, acc[i][v]);
            if (st->beta != 0.0f)
                r = _mm512_fmadd_ps(
                    beta, whole ? _mm512_loadu_ps(cv) : _mm512_maskz_loadu_ps(mask[v], cv), r);
            if (st->bias) {
                const float *bv = st->bias + v * VB_ZMM_VL;
                r = _mm512_add_ps(
                    r, whole ? _mm512_loadu_ps(bv) : _mm512_maskz_loadu_ps(mask[v], bv));
            }
            if (whole)
                _mm512_storeu_ps(cv, r);
            else
                _mm512_mask_storeu_ps(cv, mask[v], r);
        }
    }
}

#endif
