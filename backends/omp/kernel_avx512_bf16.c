/* AVX512-BF16 GEMM microkernel: a 12×32 register block like the f32 AVX-512 kernel (24
 * zmm f32 accumulators, two B vectors, one broadcast A word), built with -mavx512f
 * -mavx512bf16 and only called on a context whose precision is bf16, which init grants
 * only on a CPU with AVX512-BF16.
 *
 * Per word g of the panels (steps 2g and 2g + 1 of K, bf16 pairs, gemm_pack_bf16.c): load
 * the two vectors of 16 B pairs Bp(g, 0:32), then for each row i broadcast the pair
 * Ap(i, g) and VDPBF16PS it into that row's accumulators, which adds both products in
 * f32: 24 dot products (48 multiply-adds per lane) for 2 loads + 12 broadcasts. B is
 * always packed and zero-padded to 32 columns, so loads need no masks; edge tiles get
 * their own instantiation (rows 1..12, one or two vectors wide), and the store is the
 * f32 kernel's (avx512_tile.h). */
#include "avx512_tile.h"

enum { MR = VB_ZMM_MR, NR = 32, VL = VB_ZMM_VL };

/* The tile with compile-time shape: mr rows, nv vectors of 16 columns. A's word (i, g)
 * is ap[g·aps + i·ars]: a packed panel (aps = MR, ars = 1) or rows (aps = 1, ars = the
 * row length in words, vb_omp_pack_a_rows_bf16). */
static inline __attribute__((always_inline)) void
tile(const int mr, const int nv, int64_t kc, const uint32_t *ap, int64_t ars, int64_t aps,
     const uint32_t *bp, int64_t ldb, float *c, int64_t ldc, int nr, const vb_omp_store *st)
{
    __m512 acc[MR][2];
#pragma GCC unroll 12
    for (int i = 0; i < mr; i++)
        acc[i][0] = acc[i][1] = _mm512_setzero_ps();

    for (int64_t g = 0; g < (kc + 1) / 2; g++) {
        const __m512bh b0 = (__m512bh)_mm512_loadu_si512(bp + g * ldb);
        const __m512bh b1 = nv > 1 ? (__m512bh)_mm512_loadu_si512(bp + g * ldb + VL) : b0;
#pragma GCC unroll 12
        for (int i = 0; i < mr; i++) {
            const __m512bh ai = (__m512bh)_mm512_set1_epi32((int)ap[g * aps + i * ars]);
            acc[i][0] = _mm512_dpbf16_ps(acc[i][0], ai, b0);
            if (nv > 1)
                acc[i][1] = _mm512_dpbf16_ps(acc[i][1], ai, b1);
        }
    }

    vb_zmm_store(mr, nv, acc, c, ldc, nr, st);
}

/* One row count, both widths: two vectors (the last maybe masked at the store), one. */
#define TILE_WIDTHS(MR_, ARS, APS)                                                         \
    case MR_:                                                                             \
        if (nr > VL)                                                                      \
            tile(MR_, 2, kc, ap, ARS, APS, bp, ldb, c, ldc, nr, st);                      \
        else                                                                              \
            tile(MR_, 1, kc, ap, ARS, APS, bp, ldb, c, ldc, nr, st);                      \
        break;

#define TILE_CASE(MR_) TILE_WIDTHS(MR_, 1, MR)
VB_OMP_KERNEL(kernel, VB_OMP_ROWS_12)

#define ROWS_CASE(MR_) TILE_WIDTHS(MR_, lda, 1)
VB_OMP_KERNEL_ROWS(kernel_rows, VB_OMP_ROWS_12, uint32_t)

const vb_omp_isa vb_omp_isa_bf16 = { "bf16", MR, NR, 2, vb_omp_pack_a_bf16, vb_omp_pack_b_bf16,
                                     kernel, kernel_rows, vb_omp_pack_a_rows_bf16 };
