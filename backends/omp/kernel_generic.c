/* Portable GEMM microkernel, the last resort on an x86-64 without AVX2 (or any other
 * CPU): a 4×16 block in plain C, left to the compiler's auto-vectoriser. */
#include "omp_gemm.h"

enum { MR = 4, NR = 16 };

static void kernel(int64_t kc, const void *ap_, const void *bp_, int64_t ldb, float *c,
                   int64_t ldc, int mr, int nr, const vb_omp_store *st)
{
    const float *ap = ap_, *bp = bp_;
    float acc[MR][NR] = { { 0 } };
    for (int64_t p = 0; p < kc; p++)
        for (int i = 0; i < mr; i++) {
            const float ai = ap[p * MR + i];
            for (int j = 0; j < nr; j++)
                acc[i][j] += ai * bp[p * ldb + j];
        }
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < nr; j++) {
            float *cij = c + i * ldc + j;
            float r = st->alpha * acc[i][j];
            if (st->beta != 0.0f)
                r += st->beta * *cij;
            if (st->bias)
                r += st->bias[j];
            *cij = r;
        }
}

const vb_omp_isa vb_omp_isa_generic = { "generic", MR, NR, 1, vb_omp_pack_a, vb_omp_pack_b,
                                        kernel, NULL, NULL };
