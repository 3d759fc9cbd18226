/* Softmax over the last axis of x, y (rows, cols), and the row kernel that attention,
 * sequence pooling and cross-entropy share. */
#include "internal.h"

/* y_j = exp(x_j − max x) / Σ_l exp(x_l − max x); shifting by the max keeps exp ≤ 1.
 * Three vector passes: max, exp and sum, scale. */
VBC_CLONES
void vbc_softmax_row(const float *x, float *y, int64_t n)
{
    float mx = -INFINITY;
#pragma omp simd reduction(max : mx)
    for (int64_t j = 0; j < n; j++)
        mx = x[j] > mx ? x[j] : mx;
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (int64_t j = 0; j < n; j++) {
        y[j] = vbc_expf(x[j] - mx);
        sum += y[j];
    }
    const float inv = 1.0f / sum;
#pragma omp simd
    for (int64_t j = 0; j < n; j++)
        y[j] *= inv;
}

int vb_common_softmax_fwd(vb_backend_ctx *ctx, const vb_softmax_desc *d, const float *x,
                          float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
#pragma omp parallel for num_threads(vbc_threads(ctx)) if (d->rows * d->cols >= VBC_PAR_MIN)
    for (int64_t r = 0; r < d->rows; r++)
        vbc_softmax_row(x + r * d->cols, y + r * d->cols, d->cols);
    return VB_OK;
}

/* dx_j += y_j · (dy_j − Σ_l y_l dy_l) */
int vb_common_softmax_bwd(vb_backend_ctx *ctx, const vb_softmax_desc *d, const float *y,
                          const float *dy, float *dx)
{
    if (!d || !y || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
    const int64_t cols = d->cols;
#pragma omp parallel for num_threads(vbc_threads(ctx)) if (d->rows * cols >= VBC_PAR_MIN)
    for (int64_t r = 0; r < d->rows; r++) {
        const float *restrict yr = y + r * cols, *restrict dyr = dy + r * cols;
        float *restrict dxr = dx + r * cols;
        float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
        for (int64_t j = 0; j < cols; j++)
            dot += yr[j] * dyr[j];
#pragma omp simd
        for (int64_t j = 0; j < cols; j++)
            dxr[j] += yr[j] * (dyr[j] - dot);
    }
    return VB_OK;
}
