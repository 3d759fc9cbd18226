/* Residual or broadcast add (ops.h: vb_add_desc): y[i] = a[i] + b[i mod nb],
 * a and y (n), b (nb) with nb dividing n (nb == n: plain residual add). */
#include "ref.h"

int vb_ref_add_fwd(vb_backend_ctx *ctx, const vb_add_desc *d, const float *a, const float *b,
                   float *y)
{
    if (!d || !a || !b || !y)
        return VB_EINVAL;
    for (int64_t i = 0; i < d->n; i++)
        y[i] = a[i] + b[i % d->nb];
    return VB_OK;
}

/* da[i] += dy[i];   db[j] += Σ_r dy[r·nb + j]  (b was added to every nb-long slice) */
int vb_ref_add_bwd(vb_backend_ctx *ctx, const vb_add_desc *d, const float *dy, float *da,
                   float *db)
{
    if (!d || !dy)
        return VB_EINVAL;
    if (da)
        for (int64_t i = 0; i < d->n; i++)
            da[i] += dy[i];
    if (db)
        for (int64_t j = 0; j < d->nb; j++) {
            double acc = 0.0;
            for (int64_t i = j; i < d->n; i += d->nb)
                acc += dy[i];
            db[j] += (float)acc;
        }
    return VB_OK;
}
