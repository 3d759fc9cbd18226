/* Layer norm over the last axis (ops.h: vb_layernorm_desc).
 *   x, y (rows, cols)   gamma, beta (cols)   mean, rstd (rows), saved for backward
 *   μ = mean(x_r),  σ² = mean((x_r − μ)²) (biased),  rstd = 1/sqrt(σ² + eps)
 *   y = (x − μ) · rstd · gamma + beta */
#include <math.h>
#include "ref.h"

int vb_ref_layernorm_fwd(vb_backend_ctx *ctx, const vb_layernorm_desc *d, const float *x,
                         const float *gamma, const float *beta, float *y, float *mean,
                         float *rstd)
{
    if (!d || !x || !gamma || !beta || !y || !mean || !rstd)
        return VB_EINVAL;
    for (int64_t r = 0; r < d->rows; r++) {
        const float *xr = x + r * d->cols;
        float *yr = y + r * d->cols;
        double mu = 0.0, var = 0.0;
        for (int64_t j = 0; j < d->cols; j++)
            mu += xr[j];
        mu /= (double)d->cols;
        for (int64_t j = 0; j < d->cols; j++)
            var += (xr[j] - mu) * (xr[j] - mu);
        var /= (double)d->cols;
        double rs = 1.0 / sqrt(var + d->eps);
        for (int64_t j = 0; j < d->cols; j++)
            yr[j] = (float)((xr[j] - mu) * rs * gamma[j] + beta[j]);
        mean[r] = (float)mu;
        rstd[r] = (float)rs;
    }
    return VB_OK;
}

/* With x̂ = (x − μ)·rstd and ĝ = dy·gamma, per row (means over cols):
 *   dx     += rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂))
 *   dgamma += Σ_rows dy · x̂
 *   dbeta  += Σ_rows dy */
int vb_ref_layernorm_bwd(vb_backend_ctx *ctx, const vb_layernorm_desc *d, const float *x,
                         const float *gamma, const float *mean, const float *rstd,
                         const float *dy, float *dx, float *dgamma, float *dbeta)
{
    if (!d || !x || !gamma || !mean || !rstd || !dy)
        return VB_EINVAL;
    for (int64_t r = 0; r < d->rows; r++) {
        const float *xr = x + r * d->cols, *dyr = dy + r * d->cols;
        double mu = mean[r], rs = rstd[r];
        if (dx) {
            double mean_g = 0.0, mean_gx = 0.0;
            for (int64_t j = 0; j < d->cols; j++) {
                double g = (double)dyr[j] * gamma[j], xhat = (xr[j] - mu) * rs;
                mean_g += g;
                mean_gx += g * xhat;
            }
            mean_g /= (double)d->cols;
            mean_gx /= (double)d->cols;
            for (int64_t j = 0; j < d->cols; j++) {
                double g = (double)dyr[j] * gamma[j], xhat = (xr[j] - mu) * rs;
                dx[r * d->cols + j] += (float)(rs * (g - mean_g - xhat * mean_gx));
            }
        }
    }
    /* Parameter gradients: one sum over rows per column. */
    for (int64_t j = 0; (dgamma || dbeta) && j < d->cols; j++) {
        double sg = 0.0, sb = 0.0;
        for (int64_t r = 0; r < d->rows; r++) {
            double dyv = dy[r * d->cols + j];
            sg += dyv * (x[r * d->cols + j] - (double)mean[r]) * rstd[r];
            sb += dyv;
        }
        if (dgamma)
            dgamma[j] += (float)sg;
        if (dbeta)
            dbeta[j] += (float)sb;
    }
    return VB_OK;
}
