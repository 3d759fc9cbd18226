/* AVX2 GEMM microkernel: a 6×16 register block (12 ymm accumulators, two B vectors,
 * one broadcast A value — 15 of the 16 ymm registers), built with -mavx2 -mfma and only
 * called after vb_omp_isa_select() has seen those features on the running CPU.
 * Same scheme as kernel_avx512.c: per step of K, load Bp(p, 0:16), broadcast A(i, p)
 * for each row and FMA; edge tiles get their own instantiation. */
#include <immintrin.h>
#include "omp_gemm.h"

enum { MR = 6, NR = 16, VL = 8 };

/* Lanes [0, n) of one vector as an AVX2 store mask (all bits set = lane written). */
static inline __m256i lanes(int n)
{
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), idx);
}

/* The tile with compile-time shape: mr rows, nv vectors (nv = 0: two full vectors,
 * read without masks — the common case, kept free of mask overhead). */
static inline __attribute__((always_inline)) void
tile(const int mr, const int nv_, int64_t kc, const float *ap, const float *bp, int64_t ldb,
     float *c, int64_t ldc, int nr, const vb_omp_store *st)
{
    const int nv = nv_ ? nv_ : 2;
    const __m256i mask[2] = { lanes(nr), lanes(nr - VL) };
    __m256 acc[MR][2];
#pragma GCC unroll 6
    for (int i = 0; i < mr; i++)
        acc[i][0] = acc[i][1] = _mm256_setzero_ps();

    for (int64_t p = 0; p < kc; p++) {
        __m256 b0, b1;
        if (nv_ == 0) {
            b0 = _mm256_loadu_ps(bp + p * ldb);
            b1 = _mm256_loadu_ps(bp + p * ldb + VL);
        } else {
            b0 = _mm256_maskload_ps(bp + p * ldb, mask[0]);
            b1 = nv > 1 ? _mm256_maskload_ps(bp + p * ldb + VL, mask[1]) : b0;
        }
#pragma GCC unroll 6
        for (int i = 0; i < mr; i++) {
            const __m256 ai = _mm256_broadcast_ss(ap + p * MR + i);
            acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
            if (nv > 1)
                acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
        }
    }

    const __m256 alpha = _mm256_set1_ps(st->alpha), beta = _mm256_set1_ps(st->beta);
#pragma GCC unroll 6
    for (int i = 0; i < mr; i++) {
        for (int v = 0; v < nv; v++) {
            float *cv = c + i * ldc + v * VL;
            __m256 r = _mm256_mul_ps(alpha, acc[i][v]);
            if (st->beta != 0.0f)
                r = _mm256_fmadd_ps(beta, _mm256_maskload_ps(cv, mask[v]), r);
            if (st->bias)
                r = _mm256_add_ps(r, _mm256_maskload_ps(st->bias + v * VL, mask[v]));
            _mm256_maskstore_ps(cv, mask[v], r);
        }
    }
}

/* One row count, all widths: full, two vectors with a masked edge, one vector. */
#define TILE_CASE(MR_)                                                                    \
    case MR_:                                                                             \
        if (nr == NR)                                                                     \
            tile(MR_, 0, kc, ap, bp, ldb, c, ldc, nr, st);                                \
        else if (nr > VL)                                                                 \
            tile(MR_, 2, kc, ap, bp, ldb, c, ldc, nr, st);                                \
        else                                                                              \
            tile(MR_, 1, kc, ap, bp, ldb, c, ldc, nr, st);                                \
        break;

VB_OMP_KERNEL(kernel, VB_OMP_ROWS_6)

const vb_omp_isa vb_omp_isa_avx2 = { "avx2", MR, NR, 1, vb_omp_pack_a, vb_omp_pack_b,
                                     kernel, NULL, NULL };
