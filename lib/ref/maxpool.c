/* Max pooling, NHWC, per channel (ops.h: vb_pool_desc).
 *   x (n, h, w, c) → y (n, oh, ow, c),  y[n,i,j,ch] = max over the window's in-image positions
 *   window of (i, j): rows i·sh − pad_top + [0, kh), cols j·sw − pad_left + [0, kw)
 * Padded positions never win (they act as −∞). A NaN in a window wins, so NaN propagates. */
#include <math.h>
#include "ref.h"

static int64_t x_index(const vb_pool_desc *d, int64_t n, int64_t hi, int64_t wi, int64_t ch)
{
    return ((n * d->h + hi) * d->w + wi) * d->c + ch;
}

/* Whether value a displaces the current best: strictly greater (ties keep the first),
 * or the first NaN. */
static int beats(float a, float best)
{
    return a > best || (isnan(a) && !isnan(best));
}

/* Index into x of the first maximum of window (n, i, j, ch) in row-major window order,
 * or −1 when the window lies entirely in the padding. */
static int64_t window_argmax(const vb_pool_desc *d, const float *x, int64_t n, int64_t i,
                             int64_t j, int64_t ch)
{
    int64_t best = -1;
    for (int64_t p = 0; p < d->kh; p++) {
        int64_t hi = i * d->stride_h + p - d->pad_top;
        if (hi < 0 || hi >= d->h)
            continue;
        for (int64_t q = 0; q < d->kw; q++) {
            int64_t wi = j * d->stride_w + q - d->pad_left;
            if (wi < 0 || wi >= d->w)
                continue;
            int64_t at = x_index(d, n, hi, wi, ch);
            if (best < 0 || beats(x[at], x[best]))
                best = at;
        }
    }
    return best;
}

int vb_ref_maxpool_fwd(vb_backend_ctx *ctx, const vb_pool_desc *d, const float *x, float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
    for (int64_t n = 0; n < d->n; n++)
        for (int64_t i = 0; i < d->oh; i++)
            for (int64_t j = 0; j < d->ow; j++)
                for (int64_t ch = 0; ch < d->c; ch++) {
                    int64_t at = window_argmax(d, x, n, i, j, ch);
                    y[((n * d->oh + i) * d->ow + j) * d->c + ch] = at < 0 ? -INFINITY : x[at];
                }
    return VB_OK;
}

/* dx[argmax of window (n,i,j,ch)] += dy[n,i,j,ch]. The argmax is recomputed from x, so
 * y is not needed here (it is the forward's output for backends that match on it). */
int vb_ref_maxpool_bwd(vb_backend_ctx *ctx, const vb_pool_desc *d, const float *x,
                       const float *y, const float *dy, float *dx)
{
    if (!d || !x || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
    for (int64_t n = 0; n < d->n; n++)
        for (int64_t i = 0; i < d->oh; i++)
            for (int64_t j = 0; j < d->ow; j++)
                for (int64_t ch = 0; ch < d->c; ch++) {
                    int64_t at = window_argmax(d, x, n, i, j, ch);
                    if (at >= 0)
                        dx[at] += dy[((n * d->oh + i) * d->ow + j) * d->c + ch];
                }
    return VB_OK;
}
