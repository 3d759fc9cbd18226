/* Inverted dropout and stochastic depth. Masks come from vb_keep(seed, index, rate), the
 * seed in the descriptor, so they match the reference bit for bit and backward regenerates
 * them instead of storing. */
#include "internal.h"

VBC_CLONES
void vbc_dropout_row(uint64_t seed, float rate, uint64_t first, int64_t n, const float *x,
                     float *y)
{
#pragma omp simd
    for (int64_t j = 0; j < n; j++)
        y[j] = vbc_dropout(seed, first + (uint64_t)j, rate, x[j]);
}

/* y_i = x_i · keep_i / (1 − rate),  keep_i = vb_keep(seed, first + i, rate) */
VBC_CLONES
int vb_common_dropout_fwd(vb_backend_ctx *ctx, const vb_dropout_desc *d, const float *x,
                          float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
    const uint64_t seed = d->seed;
#pragma omp parallel for simd num_threads(vbc_threads(ctx)) if (d->n >= VBC_PAR_MIN)
    for (int64_t i = 0; i < d->n; i++)
        y[i] = vbc_dropout(seed, (uint64_t)(d->first + i), d->rate, x[i]);
    return VB_OK;
}

/* dx_i += dy_i · keep_i / (1 − rate) */
VBC_CLONES
int vb_common_dropout_bwd(vb_backend_ctx *ctx, const vb_dropout_desc *d, const float *dy,
                          float *dx)
{
    if (!d || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
    const uint64_t seed = d->seed;
#pragma omp parallel for simd num_threads(vbc_threads(ctx)) if (d->n >= VBC_PAR_MIN)
    for (int64_t i = 0; i < d->n; i++)
        dx[i] += vbc_dropout(seed, (uint64_t)(d->first + i), d->rate, dy[i]);
    return VB_OK;
}

/* x, y (batch, per_sample): y[b,:] = x[b,:] · keep_b / (1 − rate), one draw per sample. */
int vb_common_drop_path_fwd(vb_backend_ctx *ctx, const vb_drop_path_desc *d, const float *x,
                            float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
    const int64_t ps = d->per_sample;
    const uint64_t seed = d->seed;
#pragma omp parallel for num_threads(vbc_threads(ctx)) if (d->batch * ps >= VBC_PAR_MIN)
    for (int64_t b = 0; b < d->batch; b++) {
        const float *xb = x + b * ps;
        float *yb = y + b * ps; /* may be xb */
        if (!vb_keep(seed, (uint64_t)(d->first_sample + b), d->rate)) {
            memset(yb, 0, (size_t)ps * sizeof(float)); /* 0 even where x is NaN */
            continue;
        }
        const float keep_prob = 1.0f - d->rate;
#pragma omp simd
        for (int64_t i = 0; i < ps; i++)
            yb[i] = xb[i] / keep_prob;
    }
    return VB_OK;
}

/* dx[b,:] += dy[b,:] · keep_b / (1 − rate) */
int vb_common_drop_path_bwd(vb_backend_ctx *ctx, const vb_drop_path_desc *d, const float *dy,
                            float *dx)
{
    if (!d || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
    const int64_t ps = d->per_sample;
    const uint64_t seed = d->seed;
#pragma omp parallel for num_threads(vbc_threads(ctx)) if (d->batch * ps >= VBC_PAR_MIN)
    for (int64_t b = 0; b < d->batch; b++) {
        if (!vb_keep(seed, (uint64_t)(d->first_sample + b), d->rate))
            continue;
        const float keep_prob = 1.0f - d->rate;
        const float *restrict g = dy + b * ps;
        float *restrict dxb = dx + b * ps;
#pragma omp simd
        for (int64_t i = 0; i < ps; i++)
            dxb[i] += g[i] / keep_prob;
    }
    return VB_OK;
}
