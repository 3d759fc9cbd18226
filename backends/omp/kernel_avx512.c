/* AVX-512 GEMM microkernel: a 12×32 register block (24 zmm accumulators, two B
 * vectors, one broadcast A value), built with -mavx512f -mfma and only called after
 * vb_omp_isa_select() has seen those features on the running CPU.
 *
 * Per step p of K: load the two vectors Bp(p, 0:32), then for each row i broadcast
 * A(i, p) and fuse-multiply-add into that row's accumulators: 24 FMAs for 2 loads +
 * 12 broadcasts, enough independent chains to hide the FMA latency. Edge tiles get
 * their own instantiation (rows 1..12, one or two vectors wide), so no FMA is spent
 * on padding rows. */
#include "avx512_tile.h"

enum { MR = VB_ZMM_MR, NR = 32, VL = VB_ZMM_VL };

/* The tile with compile-time shape: mr rows, nv vectors (nv = 0: two full vectors,
 * read without masks — the common case, kept free of mask overhead). */
static inline __attribute__((always_inline)) void
tile(const int mr, const int nv_, int64_t kc, const float *ap, int64_t ars, int64_t aps,
     const float *bp, int64_t ldb, float *c, int64_t ldc, int nr, const vb_omp_store *st)
{
    const int nv = nv_ ? nv_ : 2;
    const __mmask16 mask[2] = { vb_zmm_lanes(nr), vb_zmm_lanes(nr - VL) };
    __m512 acc[MR][2];
#pragma GCC unroll 12
    for (int i = 0; i < mr; i++)
        acc[i][0] = acc[i][1] = _mm512_setzero_ps();

    for (int64_t p = 0; p < kc; p++) {
        __m512 b0, b1;
        if (nv_ == 0) {
            b0 = _mm512_loadu_ps(bp + p * ldb);
            b1 = _mm512_loadu_ps(bp + p * ldb + VL);
        } else {
            b0 = _mm512_maskz_loadu_ps(mask[0], bp + p * ldb);
            b1 = nv > 1 ? _mm512_maskz_loadu_ps(mask[1], bp + p * ldb + VL) : b0;
        }
#pragma GCC unroll 12
        for (int i = 0; i < mr; i++) {
            const __m512 ai = _mm512_set1_ps(ap[p * aps + i * ars]);
            acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
            if (nv > 1)
                acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
        }
    }

    vb_zmm_store(mr, nv, acc, c, ldc, nr, st);
}

/* One row count, all widths: full, two vectors with a masked edge, one vector. A is
 * read at ap[p·aps + i·ars]: a packed panel (aps = MR, ars = 1) or rows in place
 * (aps = 1, ars = lda). */
#define TILE_WIDTHS(MR_, ARS, APS)                                                         \
    case MR_:                                                                             \
        if (nr == NR)                                                                     \
            tile(MR_, 0, kc, ap, ARS, APS, bp, ldb, c, ldc, nr, st);                      \
        else if (nr > VL)                                                                 \
            tile(MR_, 2, kc, ap, ARS, APS, bp, ldb, c, ldc, nr, st);                      \
        else                                                                              \
            tile(MR_, 1, kc, ap, ARS, APS, bp, ldb, c, ldc, nr, st);                      \
        break;

#define TILE_CASE(MR_) TILE_WIDTHS(MR_, 1, MR)
VB_OMP_KERNEL(kernel, VB_OMP_ROWS_12)

#define ROWS_CASE(MR_) TILE_WIDTHS(MR_, lda, 1)
VB_OMP_KERNEL_ROWS(kernel_rows, VB_OMP_ROWS_12, float)

const vb_omp_isa vb_omp_isa_avx512 = { "avx512", MR, NR, 1, vb_omp_pack_a, vb_omp_pack_b,
                                       kernel, kernel_rows, NULL };
