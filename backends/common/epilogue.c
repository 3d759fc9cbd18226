/* GEMM's epilogue for matrix engines without a fused one: on every row of every batch
 * matrix C_b (m×n, row stride ldc), c += bias (n), then the activation, in place. */
#include "internal.h"

void vb_common_gemm_epilogue(vb_backend_ctx *ctx, const vb_gemm_desc *d, const float *bias,
                             float *c)
{
    const int add_bias = d->has_bias && bias;
    if (!add_bias && d->act == VB_ACT_NONE)
        return;
    const int64_t rows = d->batch * d->m, n = d->n;
#pragma omp parallel for num_threads(vbc_threads(ctx)) if (rows * n >= VBC_PAR_MIN)
    for (int64_t r = 0; r < rows; r++) {
        float *restrict row = c + (r / d->m) * d->stride_c + (r % d->m) * d->ldc;
        if (add_bias) {
#pragma omp simd
            for (int64_t j = 0; j < n; j++)
                row[j] += bias[j];
        }
        if (d->act == VB_ACT_RELU) {
#pragma omp simd
            for (int64_t j = 0; j < n; j++)
                row[j] = vbc_relu(row[j]);
        } else if (d->act == VB_ACT_GELU) {
#pragma omp simd
            for (int64_t j = 0; j < n; j++)
                row[j] = vbc_gelu(row[j]);
        } else if (d->act == VB_ACT_GELU_TANH) {
#pragma omp simd
            for (int64_t j = 0; j < n; j++)
                row[j] = vbc_gelu_tanh(row[j]);
        }
    }
}
