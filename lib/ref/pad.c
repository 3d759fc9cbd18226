/* Zero padding, NHWC (ops.h: vb_pad_desc).
 *   x (n, h, w, c) → y (n, top + h + bottom, left + w + right, c), zeros around x. */
#include <string.h>
#include "ref.h"

/* Offset in y of pixel (n, hi, 0) of x, i.e. the start of x's row hi inside y. */
static int64_t y_row(const vb_pad_desc *d, int64_t n, int64_t hi)
{
    int64_t ph = d->top + d->h + d->bottom, pw = d->left + d->w + d->right;
    return ((n * ph + d->top + hi) * pw + d->left) * d->c;
}

int vb_ref_pad_fwd(vb_backend_ctx *ctx, const vb_pad_desc *d, const float *x, float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
    int64_t ny = d->n * (d->top + d->h + d->bottom) * (d->left + d->w + d->right) * d->c;
    memset(y, 0, (size_t)ny * sizeof(float));
    int64_t row = d->w * d->c; /* one image row of x, contiguous in both tensors */
    for (int64_t n = 0; n < d->n; n++)
        for (int64_t hi = 0; hi < d->h; hi++)
            memcpy(y + y_row(d, n, hi), x + (n * d->h + hi) * row, (size_t)row * sizeof(float));
    return VB_OK;
}

/* dx[n,hi,wi,c] += dy[n, hi + top, wi + left, c]: the border's gradient is dropped. */
int vb_ref_pad_bwd(vb_backend_ctx *ctx, const vb_pad_desc *d, const float *dy, float *dx)
{
    if (!d || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
    int64_t row = d->w * d->c;
    for (int64_t n = 0; n < d->n; n++)
        for (int64_t hi = 0; hi < d->h; hi++) {
            const float *src = dy + y_row(d, n, hi);
            float *dst = dx + (n * d->h + hi) * row;
            for (int64_t k = 0; k < row; k++)
                dst[k] += src[k];
        }
    return VB_OK;
}
