/* 2-D convolution, NHWC input, HWIO filter (ops.h: vb_conv2d_desc).
 *   x (n, h, w, c)   w (kh, kw, c, oc)   bias (oc)   y (n, oh, ow, oc)
 *   y[n,i,j,o] = bias[o] + Σ_{p,q,ci} x[n, i·sh + p − pad_top, j·sw + q − pad_left, ci] · w[p,q,ci,o]
 * Input positions outside the image read 0 (padding may be asymmetric). Every output and
 * gradient element is a gathered sum in double, rounded once. */
#include "ref.h"

static int64_t x_index(const vb_conv2d_desc *d, int64_t n, int64_t hi, int64_t wi, int64_t ci)
{
    return ((n * d->h + hi) * d->w + wi) * d->c + ci;
}

static int64_t y_index(const vb_conv2d_desc *d, int64_t n, int64_t i, int64_t j, int64_t o)
{
    return ((n * d->oh + i) * d->ow + j) * d->oc + o;
}

static int64_t w_index(const vb_conv2d_desc *d, int64_t p, int64_t q, int64_t ci, int64_t o)
{
    return ((p * d->kw + q) * d->c + ci) * d->oc + o;
}

/* The output position i whose filter tap `tap` reads input position `in`
 * (in = i·stride + tap − pad), or −1 when there is none. */
static int64_t output_reading(int64_t in, int64_t tap, int64_t stride, int64_t pad,
                              int64_t out_size)
{
    int64_t num = in + pad - tap;
    if (num < 0 || num % stride != 0 || num / stride >= out_size)
        return -1;
    return num / stride;
}

int vb_ref_conv2d_fwd(vb_backend_ctx *ctx, const vb_conv2d_desc *d, const float *x,
                      const float *w, const float *bias, float *y)
{
    if (!d || !x || !w || !y || (d->has_bias && !bias))
        return VB_EINVAL;
    for (int64_t n = 0; n < d->n; n++)
        for (int64_t i = 0; i < d->oh; i++)
            for (int64_t j = 0; j < d->ow; j++)
                for (int64_t o = 0; o < d->oc; o++) {
                    double acc = d->has_bias ? bias[o] : 0.0;
                    for (int64_t p = 0; p < d->kh; p++) {
                        int64_t hi = i * d->stride_h + p - d->pad_top;
                        if (hi < 0 || hi >= d->h)
                            continue;
                        for (int64_t q = 0; q < d->kw; q++) {
                            int64_t wi = j * d->stride_w + q - d->pad_left;
                            if (wi < 0 || wi >= d->w)
                                continue;
                            for (int64_t ci = 0; ci < d->c; ci++)
                                acc += (double)x[x_index(d, n, hi, wi, ci)] *
                                       w[w_index(d, p, q, ci, o)];
                        }
                    }
                    y[y_index(d, n, i, j, o)] = (float)acc;
                }
    return VB_OK;
}

/* dx[n,hi,wi,ci] += Σ_{p,q,o} dy[n,i,j,o] · w[p,q,ci,o]
 *                   over the (i, j) with hi = i·sh + p − pad_top, wi = j·sw + q − pad_left. */
int vb_ref_conv2d_bwd_data(vb_backend_ctx *ctx, const vb_conv2d_desc *d, const float *dy,
                           const float *w, float *dx)
{
    if (!d || !dy || !w)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
    for (int64_t n = 0; n < d->n; n++)
        for (int64_t hi = 0; hi < d->h; hi++)
            for (int64_t wi = 0; wi < d->w; wi++)
                for (int64_t ci = 0; ci < d->c; ci++) {
                    double acc = 0.0;
                    for (int64_t p = 0; p < d->kh; p++) {
                        int64_t i = output_reading(hi, p, d->stride_h, d->pad_top, d->oh);
                        if (i < 0)
                            continue;
                        for (int64_t q = 0; q < d->kw; q++) {
                            int64_t j = output_reading(wi, q, d->stride_w, d->pad_left, d->ow);
                            if (j < 0)
                                continue;
                            for (int64_t o = 0; o < d->oc; o++)
                                acc += (double)dy[y_index(d, n, i, j, o)] *
                                       w[w_index(d, p, q, ci, o)];
                        }
                    }
                    dx[x_index(d, n, hi, wi, ci)] += (float)acc;
                }
    return VB_OK;
}

/* dw[p,q,ci,o] += Σ_{n,i,j} x[n, i·sh + p − pad_top, j·sw + q − pad_left, ci] · dy[n,i,j,o]
 * dbias[o]     += Σ_{n,i,j} dy[n,i,j,o] */
int vb_ref_conv2d_bwd_weights(vb_backend_ctx *ctx, const vb_conv2d_desc *d, const float *x,
                              const float *dy, float *dw, float *dbias)
{
    if (!d || !x || !dy)
        return VB_EINVAL;
    if (dw)
        for (int64_t p = 0; p < d->kh; p++)
            for (int64_t q = 0; q < d->kw; q++)
                for (int64_t ci = 0; ci < d->c; ci++)
                    for (int64_t o = 0; o < d->oc; o++) {
                        double acc = 0.0;
                        for (int64_t n = 0; n < d->n; n++)
                            for (int64_t i = 0; i < d->oh; i++) {
                                int64_t hi = i * d->stride_h + p - d->pad_top;
                                if (hi < 0 || hi >= d->h)
                                    continue;
                                for (int64_t j = 0; j < d->ow; j++) {
                                    int64_t wi = j * d->stride_w + q - d->pad_left;
                                    if (wi < 0 || wi >= d->w)
                                        continue;
                                    acc += (double)x[x_index(d, n, hi, wi, ci)] *
                                           dy[y_index(d, n, i, j, o)];
                                }
                            }
                        dw[w_index(d, p, q, ci, o)] += (float)acc;
                    }
    if (dbias)
        for (int64_t o = 0; o < d->oc; o++) {
            double acc = 0.0;
            for (int64_t n = 0; n < d->n; n++)
                for (int64_t i = 0; i < d->oh; i++)
                    for (int64_t j = 0; j < d->ow; j++)
                        acc += dy[y_index(d, n, i, j, o)];
            dbias[o] += (float)acc;
        }
    return VB_OK;
}
