/* GEMM's activation epilogue, applied tile by tile right after the kernel stored it,
 * while the tile is still in L1 (the bias is already added by the kernel). */
#include <math.h>
#include "omp_gemm.h"

/* Exact GELU, 0.5·x·(1 + erf(x/√2)), as ops.h asks. */
static float gelu(float x)
{
    return 0.5f * x * (1.0f + erff(x * (float)M_SQRT1_2));
}

void vb_omp_tile_act(vb_act act, float *c, int64_t ldc, int mr, int nr)
{
    for (int i = 0; i < mr; i++) {
        float *row = c + i * ldc;
        if (act == VB_ACT_RELU)
            for (int j = 0; j < nr; j++)
                row[j] = row[j] > 0.0f ? row[j] : 0.0f;
        else if (act == VB_ACT_GELU)
            for (int j = 0; j < nr; j++)
                row[j] = gelu(row[j]);
    }
}
