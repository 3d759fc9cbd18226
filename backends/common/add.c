/* Residual and broadcast add: y = a + b[i mod nb], a and y (n), b (nb), nb divides n. */
#include "internal.h"

int vb_common_add_fwd(vb_backend_ctx *ctx, const vb_add_desc *d, const float *a,
                      const float *b, float *y)
{
    if (!d || !a || !b || !y || d->nb <= 0 || d->n % d->nb)
        return VB_EINVAL;
    /* seen as (rows, nb) with b added to every row; a residual add is one long row, so
     * split that one by elements instead */
    if (d->nb == d->n) {
#pragma omp parallel for simd num_threads(vbc_threads(ctx)) if (d->n >= VBC_PAR_MIN)
        for (int64_t i = 0; i < d->n; i++)
            y[i] = a[i] + b[i];
        return VB_OK;
    }
    const int64_t rows = d->n / d->nb, cols = d->nb;
#pragma omp parallel for num_threads(vbc_threads(ctx)) if (d->n >= VBC_PAR_MIN)
    for (int64_t r = 0; r < rows; r++) {
        const float *ar = a + r * cols;
        float *yr = y + r * cols; /* may be ar: the add runs in place */
#pragma omp simd
        for (int64_t j = 0; j < cols; j++)
            yr[j] = ar[j] + b[j];
    }
    return VB_OK;
}

/* da += dy;  db[j] += Σ_r dy[r·nb + j] */
int vb_common_add_bwd(vb_backend_ctx *ctx, const vb_add_desc *d, const float *dy, float *da,
                      float *db)
{
    if (!d || !dy || d->nb <= 0 || d->n % d->nb)
        return VB_EINVAL;
    if (da) {
#pragma omp parallel for simd num_threads(vbc_threads(ctx)) if (d->n >= VBC_PAR_MIN)
        for (int64_t i = 0; i < d->n; i++)
            da[i] += dy[i];
    }
    if (db)
        return vbc_colsum_add(ctx, d->n / d->nb, d->nb, dy, db);
    return VB_OK;
}
