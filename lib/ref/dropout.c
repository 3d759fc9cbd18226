/* Inverted dropout and stochastic depth (ops.h: vb_dropout_desc, vb_drop_path_desc).
 * Masks come from vb_keep(seed, index, rate) with the descriptor's seed, regenerated in
 * backward, never stored.
 * The formulas are evaluated literally, x · keep / (1 − rate), so a dropped NaN stays NaN. */
#include "vitbench/rng.h"
#include "ref.h"

/* Dropout: y_i = x_i · keep_i / (1 − rate),  keep_i = vb_keep(seed, first + i, rate). */
int vb_ref_dropout_fwd(vb_backend_ctx *ctx, const vb_dropout_desc *d, const float *x,
                       float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
    for (int64_t i = 0; i < d->n; i++)
        y[i] = x[i] * (float)vb_keep(d->seed, (uint64_t)(d->first + i), d->rate) /
               (1.0f - d->rate);
    return VB_OK;
}

/* dx_i += dy_i · keep_i / (1 − rate) */
int vb_ref_dropout_bwd(vb_backend_ctx *ctx, const vb_dropout_desc *d, const float *dy,
                       float *dx)
{
    if (!d || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
    for (int64_t i = 0; i < d->n; i++)
        dx[i] += dy[i] * (float)vb_keep(d->seed, (uint64_t)(d->first + i), d->rate) /
                 (1.0f - d->rate);
    return VB_OK;
}

/* Drop path: x (batch, per_sample), y[b,:] = x[b,:] · keep_b / (1 − rate),
 * keep_b = vb_keep(seed, first_sample + b, rate): one decision per sample, for the whole
 * residual branch. */
int vb_ref_drop_path_fwd(vb_backend_ctx *ctx, const vb_drop_path_desc *d, const float *x,
                         float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
    for (int64_t b = 0; b < d->batch; b++) {
        float keep = (float)vb_keep(d->seed, (uint64_t)(d->first_sample + b), d->rate);
        for (int64_t i = b * d->per_sample; i < (b + 1) * d->per_sample; i++)
            y[i] = x[i] * keep / (1.0f - d->rate);
    }
    return VB_OK;
}

/* dx[b,:] += dy[b,:] · keep_b / (1 − rate) */
int vb_ref_drop_path_bwd(vb_backend_ctx *ctx, const vb_drop_path_desc *d, const float *dy,
                         float *dx)
{
    if (!d || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
    for (int64_t b = 0; b < d->batch; b++) {
        float keep = (float)vb_keep(d->seed, (uint64_t)(d->first_sample + b), d->rate);
        for (int64_t i = b * d->per_sample; i < (b + 1) * d->per_sample; i++)
            dx[i] += dy[i] * keep / (1.0f - d->rate);
    }
    return VB_OK;
}
