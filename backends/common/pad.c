/* Zero padding, NHWC: x (n, h, w, c) → y (n, h + top + bottom, w + left + right, c).
 * Both directions work one padded image row at a time: rows are independent. */
#include "internal.h"

int vb_common_pad_fwd(vb_backend_ctx *ctx, const vb_pad_desc *d, const float *x, float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
    const int64_t ph = d->h + d->top + d->bottom, pw = d->w + d->left + d->right;
    const int64_t c = d->c, row = pw * c; /* floats in one padded row */
#pragma omp parallel for collapse(2) num_threads(vbc_threads(ctx)) \
    if (d->n * ph * row >= VBC_PAR_MIN)
    for (int64_t n = 0; n < d->n; n++)
        for (int64_t i = 0; i < ph; i++) {
            float *yr = y + (n * ph + i) * row;
            const int64_t xi = i - d->top;
            if (xi < 0 || xi >= d->h) {
                memset(yr, 0, (size_t)row * sizeof(float));
                continue;
            }
            memset(yr, 0, (size_t)(d->left * c) * sizeof(float));
            memcpy(yr + d->left * c, x + (n * d->h + xi) * d->w * c,
                   (size_t)(d->w * c) * sizeof(float));
            memset(yr + (d->left + d->w) * c, 0, (size_t)(d->right * c) * sizeof(float));
        }
    return VB_OK;
}

/* dx[n, i, j, :] += dy[n, i + top, j + left, :] */
int vb_common_pad_bwd(vb_backend_ctx *ctx, const vb_pad_desc *d, const float *dy, float *dx)
{
    if (!d || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
    const int64_t ph = d->h + d->top + d->bottom, pw = d->w + d->left + d->right;
    const int64_t row = d->w * d->c; /* floats of one unpadded row */
#pragma omp parallel for collapse(2) num_threads(vbc_threads(ctx)) \
    if (d->n * d->h * row >= VBC_PAR_MIN)
    for (int64_t n = 0; n < d->n; n++)
        for (int64_t i = 0; i < d->h; i++) {
            const float *restrict src = dy + ((n * ph + i + d->top) * pw + d->left) * d->c;
            float *restrict dst = dx + (n * d->h + i) * row;
#pragma omp simd
            for (int64_t j = 0; j < row; j++)
                dst[j] += src[j];
        }
    return VB_OK;
}
