/* CCT sequence pooling (ops.h: vb_seqpool_desc).
 *   x (batch, tokens, dim)   g (dim)   g_bias (1)   attn (batch, tokens)   y (batch, dim)
 *   s[b,t] = x[b,t,:]·g + g_bias;   a[b,:] = softmax_t(s[b,:]);   y[b,:] = Σ_t a[b,t] · x[b,t,:] */
#include <math.h>
#include <stdlib.h>
#include "ref.h"

int vb_ref_seqpool_fwd(vb_backend_ctx *ctx, const vb_seqpool_desc *d, const float *x,
                       const float *g, const float *g_bias, float *y, float *attn)
{
    if (!d || !x || !g || !g_bias || !y || !attn)
        return VB_EINVAL;
    const int64_t T = d->tokens, C = d->dim;
    for (int64_t b = 0; b < d->batch; b++) {
        const float *xb = x + b * T * C;
        float *ab = attn + b * T;
        /* scores into attn, then softmax over tokens in place */
        double mx = -INFINITY, sum = 0.0;
        for (int64_t t = 0; t < T; t++) {
            double s = g_bias[0];
            for (int64_t c = 0; c < C; c++)
                s += (double)xb[t * C + c] * g[c];
            ab[t] = (float)s;
            mx = fmax(mx, s);
        }
        for (int64_t t = 0; t < T; t++)
            sum += exp(ab[t] - mx);
        for (int64_t t = 0; t < T; t++)
            ab[t] = (float)(exp(ab[t] - mx) / sum);
        for (int64_t c = 0; c < C; c++) {
            double acc = 0.0;
            for (int64_t t = 0; t < T; t++)
                acc += (double)ab[t] * xb[t * C + c];
            y[b * C + c] = (float)acc;
        }
    }
    return VB_OK;
}

/* Per batch b, with da_t = dy·x_t (gradient of the weights a_t):
 *   ds_t     = a_t · (da_t − Σ_u a_u da_u)           (softmax backward)
 *   dx_t    += a_t · dy + ds_t · g                    (through the pooling and the scores)
 *   dg      += Σ_{b,t} ds_t · x_t
 *   dg_bias += Σ_{b,t} ds_t                           (0 up to rounding: softmax ignores shifts) */
int vb_ref_seqpool_bwd(vb_backend_ctx *ctx, const vb_seqpool_desc *d, const float *x,
                       const float *g, const float *attn, const float *dy, float *dx,
                       float *dg, float *dg_bias)
{
    if (!d || !x || !g || !attn || !dy)
        return VB_EINVAL;
    const int64_t B = d->batch, T = d->tokens, C = d->dim;
    double *ds = malloc((size_t)(B * T) * sizeof(double)); /* (batch, tokens) */
    if (!ds)
        return VB_ENOMEM;

    for (int64_t b = 0; b < B; b++) {
        const float *ab = attn + b * T, *dyb = dy + b * C;
        double ada = 0.0; /* Σ_u a_u da_u */
        for (int64_t t = 0; t < T; t++) {
            double da = 0.0;
            for (int64_t c = 0; c < C; c++)
                da += (double)dyb[c] * x[(b * T + t) * C + c];
            ds[b * T + t] = da;
            ada += ab[t] * da;
        }
        for (int64_t t = 0; t < T; t++)
            ds[b * T + t] = ab[t] * (ds[b * T + t] - ada);
    }

    if (dx)
        for (int64_t bt = 0; bt < B * T; bt++)
            for (int64_t c = 0; c < C; c++)
                dx[bt * C + c] += (float)((double)attn[bt] * dy[(bt / T) * C + c] + ds[bt] * g[c]);
    if (dg)
        for (int64_t c = 0; c < C; c++) {
            double acc = 0.0;
            for (int64_t bt = 0; bt < B * T; bt++)
                acc += ds[bt] * x[bt * C + c];
            dg[c] += (float)acc;
        }
    if (dg_bias) {
        double acc = 0.0;
        for (int64_t bt = 0; bt < B * T; bt++)
            acc += ds[bt];
        dg_bias[0] += (float)acc;
    }
    free(ds);
    return VB_OK;
}
