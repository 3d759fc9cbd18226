/* Layer norm over the last axis: x, y (rows, cols), gamma, beta (cols), and per row the
 * saved mean and rstd = 1/sqrt(var + eps) (biased variance). Rows are independent, so
 * the threads split them; the per-row sums run as vector reductions. */
#include "internal.h"

/* One row: yr = (xr − μ)·rstd·gamma + beta over cols values; returns μ and rstd.
 * The row statistics and the centring run in double: rows whose mean is large next to
 * their spread (a residual stream far from 0) would otherwise lose digits to the
 * rounding of μ. It costs little; the row is in L1 either way. Cloned for AVX-512, where
 * a vector holds 8 doubles (the baseline's SSE2 holds 2: 3x onednn's time at keras_cct's
 * shape). */
VBC_CLONES
static void normalize_row(const float *restrict xr, int64_t cols, float eps,
                          const float *restrict gamma, const float *restrict beta,
                          float *restrict yr, float *mean, float *rstd)
{
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (int64_t j = 0; j < cols; j++)
        sum += xr[j];
    const double mu = sum / (double)cols;
    double var = 0.0; /* two passes: no cancellation */
#pragma omp simd reduction(+ : var)
    for (int64_t j = 0; j < cols; j++)
        var += (xr[j] - mu) * (xr[j] - mu);
    const double rs = 1.0 / sqrt(var / (double)cols + eps);
#pragma omp simd
    for (int64_t j = 0; j < cols; j++)
        yr[j] = (float)((xr[j] - mu) * rs) * gamma[j] + beta[j];
    *mean = (float)mu;
    *rstd = (float)rs;
}

int vb_common_layernorm_fwd(vb_backend_ctx *ctx, const vb_layernorm_desc *d, const float *x,
                            const float *gamma, const float *beta, float *y, float *mean,
                            float *rstd)
{
    if (!d || !x || !gamma || !beta || !y || !mean || !rstd)
        return VB_EINVAL;
    const int64_t cols = d->cols;
#pragma omp parallel for num_threads(vbc_threads(ctx)) if (d->rows * cols >= VBC_PAR_MIN)
    for (int64_t r = 0; r < d->rows; r++)
        normalize_row(x + r * cols, cols, d->eps, gamma, beta, y + r * cols, mean + r,
                      rstd + r);
    return VB_OK;
}

/* With x̂ = (x − μ)·rstd and ĝ = dy·gamma, per row (means over cols):
 *   dx     += rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂))
 *   dgamma += Σ_rows dy · x̂,   dbeta += Σ_rows dy   (per-thread partials, then summed)
 * The partials are double: cloned for AVX-512, as the forward row is. */
VBC_CLONES
int vb_common_layernorm_bwd(vb_backend_ctx *ctx, const vb_layernorm_desc *d, const float *x,
                            const float *gamma, const float *mean, const float *rstd,
                            const float *dy, float *dx, float *dgamma, float *dbeta)
{
    if (!d || !x || !gamma || !mean || !rstd || !dy)
        return VB_EINVAL;
    const int64_t cols = d->cols;
    const int want_params = dgamma || dbeta;
    vbc_partials part; /* (threads, 2·cols): dgamma's partial row, then dbeta's */
    if (vbc_partials_begin(ctx, &part, 2 * cols))
        return VB_ENOMEM;
#pragma omp parallel num_threads(part.threads) if (d->rows * cols >= VBC_PAR_MIN)
    {
        double *restrict pg = vbc_partials_mine(&part), *restrict pb = pg + cols;
#pragma omp for
        for (int64_t r = 0; r < d->rows; r++) {
            const float *restrict xr = x + r * cols, *restrict dyr = dy + r * cols;
            const float mu = mean[r], rs = rstd[r];
            if (dx) {
                float sum_g = 0.0f, sum_gx = 0.0f;
#pragma omp simd reduction(+ : sum_g, sum_gx)
                for (int64_t j = 0; j < cols; j++) {
                    const float g = dyr[j] * gamma[j];
                    sum_g += g;
                    sum_gx += g * (xr[j] - mu) * rs;
                }
                const float mean_g = sum_g / (float)cols, mean_gx = sum_gx / (float)cols;
                float *restrict dxr = dx + r * cols;
#pragma omp simd
                for (int64_t j = 0; j < cols; j++) {
                    const float xhat = (xr[j] - mu) * rs;
                    dxr[j] += rs * (dyr[j] * gamma[j] - mean_g - xhat * mean_gx);
                }
            }
            if (want_params) {
#pragma omp simd
                for (int64_t j = 0; j < cols; j++) {
                    pg[j] += dyr[j] * (xr[j] - mu) * rs;
                    pb[j] += dyr[j];
                }
            }
        }
    }
    if (dgamma)
        vbc_partials_end(&part, 0, cols, dgamma);
    if (dbeta)
        vbc_partials_end(&part, cols, cols, dbeta);
    return VB_OK;
}
