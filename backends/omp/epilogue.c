/* GEMM's activation epilogue, applied tile by tile right after the kernel stored it,
 * while the tile is still in L1 (the bias is already added by the kernel). */
#include <math.h>
#include "omp_gemm.h"

/* Exact GELU, 0.5·x·(1 + erf(x/√2)), as ops.h asks. */
static float gelu(float x)
{
    return 0.5f * x * (1.0f + erff(x * (float)M_SQRT1_2));
}

/* Tanh GELU, 0.5·x·(1 + tanh(u)) with u = √(2/π)·(x + 0.044715·x³), written as
 * x·σ(2u) = x/(1 + exp(−2u)) so the negative tail does not cancel (ops.h). */
static float gelu_tanh(float x)
{
    const float two_k = 1.5957691216f; /* 2·√(2/π) */
    return x / (1.0f + expf(-two_k * (x + 0.044715f * x * x * x)));
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
        else if (act == VB_ACT_GELU_TANH)
            for (int j = 0; j < nr; j++)
                row[j] = gelu_tanh(row[j]);
    }
}
