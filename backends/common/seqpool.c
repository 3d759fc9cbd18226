/* CCT sequence pooling: x (batch, tokens, dim), g (dim), g_bias (1), attn (batch, tokens)
 * saved for backward, y (batch, dim):
 *   s[b,t] = x[b,t,:]·g + g_bias;  a[b,:] = softmax_t(s[b,:]);  y[b,:] = Σ_t a[b,t]·x[b,t,:]
 * Samples are independent, so the threads split the batch. */
#include "internal.h"

static float dot(const float *restrict a, const float *restrict b, int64_t n)
{
    float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
    for (int64_t i = 0; i < n; i++)
        acc += a[i] * b[i];
    return acc;
}

/* y += alpha · x over n values */
static void axpy(float alpha, const float *restrict x, float *restrict y, int64_t n)
{
#pragma omp simd
    for (int64_t i = 0; i < n; i++)
        y[i] += alpha * x[i];
}

int vb_common_seqpool_fwd(vb_backend_ctx *ctx, const vb_seqpool_desc *d, const float *x,
                          const float *g, const float *g_bias, float *y, float *attn)
{
    if (!d || !x || !g || !g_bias || !y || !attn)
        return VB_EINVAL;
    const int64_t T = d->tokens, C = d->dim;
#pragma omp parallel for num_threads(vbc_threads(ctx)) if (d->batch * T * C >= VBC_PAR_MIN)
    for (int64_t b = 0; b < d->batch; b++) {
        const float *xb = x + b * T * C;
        float *ab = attn + b * T, *yb = y + b * C;
        for (int64_t t = 0; t < T; t++)
            ab[t] = dot(xb + t * C, g, C) + g_bias[0];
        vbc_softmax_row(ab, ab, T);
        memset(yb, 0, (size_t)C * sizeof(float));
        for (int64_t t = 0; t < T; t++)
            axpy(ab[t], xb + t * C, yb, C);
    }
    return VB_OK;
}

/* Per sample, with da_t = dy·x_t the gradient of weight a_t:
 *   ds_t = a_t · (da_t − Σ_u a_u da_u)     (softmax backward)
 *   dx_t += a_t·dy + ds_t·g;   dg += Σ ds_t·x_t;   dg_bias += Σ ds_t
 * ds runs in double: Σ_t ds_t is 0 up to rounding (softmax ignores a shift), so dg_bias is
 * all cancellation and float would leave mostly noise. The op is small; double is cheap. */
static double dot_d(const float *restrict a, const float *restrict b, int64_t n)
{
    double acc = 0.0;
#pragma omp simd reduction(+ : acc)
    for (int64_t i = 0; i < n; i++)
        acc += (double)a[i] * b[i];
    return acc;
}

int vb_common_seqpool_bwd(vb_backend_ctx *ctx, const vb_seqpool_desc *d, const float *x,
                          const float *g, const float *attn, const float *dy, float *dx,
                          float *dg, float *dg_bias)
{
    if (!d || !x || !g || !attn || !dy)
        return VB_EINVAL;
    const int64_t T = d->tokens, C = d->dim;
    vbc_partials part; /* (threads, C + 1): dg's partial row, then dg_bias's */
    if (vbc_partials_begin(ctx, &part, C + 1))
        return VB_ENOMEM;
#pragma omp parallel num_threads(part.threads) if (d->batch * T * C >= VBC_PAR_MIN)
    {
        double *restrict pg = vbc_partials_mine(&part);
#pragma omp for
        for (int64_t b = 0; b < d->batch; b++) {
            const float *xb = x + b * T * C, *ab = attn + b * T, *dyb = dy + b * C;
            double ada = 0.0; /* Σ_u a_u da_u */
            for (int64_t t = 0; t < T; t++)
                ada += ab[t] * dot_d(dyb, xb + t * C, C);
            for (int64_t t = 0; t < T; t++) {
                const float *restrict xt = xb + t * C;
                const double ds = ab[t] * (dot_d(dyb, xt, C) - ada);
                if (dx) {
                    float *restrict dxt = dx + (b * T + t) * C;
#pragma omp simd
                    for (int64_t c = 0; c < C; c++)
                        dxt[c] = (float)(dxt[c] + ab[t] * dyb[c] + ds * g[c]);
                }
#pragma omp simd
                for (int64_t c = 0; c < C; c++)
                    pg[c] += ds * xt[c];
                pg[C] += ds;
            }
        }
    }
    if (dg)
        vbc_partials_end(&part, 0, C, dg);
    if (dg_bias)
        vbc_partials_end(&part, C, 1, dg_bias);
    return VB_OK;
}
