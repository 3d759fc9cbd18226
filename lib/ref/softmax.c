/* Softmax over the last axis (ops.h: vb_softmax_desc): x, y (rows, cols).
 *   y_j = exp(x_j − max x) / Σ_l exp(x_l − max x)   (shifted by the max for stability) */
#include <math.h>
#include "ref.h"

int vb_ref_softmax_fwd(vb_backend_ctx *ctx, const vb_softmax_desc *d, const float *x, float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
    for (int64_t r = 0; r < d->rows; r++) {
        const float *xr = x + r * d->cols;
        float *yr = y + r * d->cols;
        double mx = -INFINITY, sum = 0.0;
        for (int64_t j = 0; j < d->cols; j++)
            mx = fmax(mx, xr[j]);
        for (int64_t j = 0; j < d->cols; j++)
            sum += exp(xr[j] - mx);
        for (int64_t j = 0; j < d->cols; j++)
            yr[j] = (float)(exp(xr[j] - mx) / sum);
    }
    return VB_OK;
}

/* dx_j += y_j · (dy_j − Σ_l y_l dy_l)   (the softmax Jacobian diag(y) − y yᵀ times dy) */
int vb_ref_softmax_bwd(vb_backend_ctx *ctx, const vb_softmax_desc *d, const float *y,
                       const float *dy, float *dx)
{
    if (!d || !y || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
    for (int64_t r = 0; r < d->rows; r++) {
        const float *yr = y + r * d->cols, *dyr = dy + r * d->cols;
        double dot = 0.0;
        for (int64_t j = 0; j < d->cols; j++)
            dot += (double)yr[j] * dyr[j];
        for (int64_t j = 0; j < d->cols; j++)
            dx[r * d->cols + j] += (float)(yr[j] * (dyr[j] - dot));
    }
    return VB_OK;
}
