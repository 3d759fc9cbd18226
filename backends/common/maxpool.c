/* Max pooling, NHWC, per channel: x (n, h, w, c) → y (n, oh, ow, c).
 * The window of output (i, j) covers input rows i·sh − pad_top + [0, kh) and columns
 * j·sw − pad_left + [0, kw); only its in-image positions take part, so padding never wins.
 * The winner is the first maximum in row-major window order, or the first NaN (NaN
 * propagates, as in the reference). Channels are innermost, so every step of the window
 * walk is a vector operation over contiguous channels. */
#include "internal.h"

/* Channels handled together in backward: the running best values fit on the stack. */
#define CBLOCK 64

/* Whether value a displaces the current best: strictly greater, or the first NaN. */
static inline int beats(float a, float best)
{
    return a > best || (isnan(a) && !isnan(best));
}

/* The in-image part of one window: rows [p0, p1) and columns [q0, q1) of the kernel. */
typedef struct window {
    int64_t hi0, wi0; /* input position of kernel tap (0, 0), may be negative */
    int64_t p0, p1, q0, q1;
} window;

static window window_at(const vb_pool_desc *d, int64_t i, int64_t j)
{
    window win = { .hi0 = i * d->stride_h - d->pad_top, .wi0 = j * d->stride_w - d->pad_left };
    win.p0 = win.hi0 < 0 ? -win.hi0 : 0;
    win.p1 = d->h - win.hi0 < d->kh ? d->h - win.hi0 : d->kh;
    win.q0 = win.wi0 < 0 ? -win.wi0 : 0;
    win.q1 = d->w - win.wi0 < d->kw ? d->w - win.wi0 : d->kw;
    return win;
}

/* The window's maximum for width ≤ 64 channels from xn on (the sample's first pixel, at
 * the block's first channel) into best. With a compile-time width (16 or 64) the running
 * maxima are a fixed-size local the vectoriser keeps in registers across the taps; 64
 * channels are four independent compare-and-select chains, which the core overlaps. */
static inline __attribute__((always_inline)) void
window_max_block(const vb_pool_desc *d, const window *win, const float *xn,
                 float *restrict best, const int width)
{
    float acc[64];
#pragma omp simd
    for (int k = 0; k < width; k++)
        acc[k] = -INFINITY;
    for (int64_t p = win->p0; p < win->p1; p++)
        for (int64_t q = win->q0; q < win->q1; q++) {
            const float *restrict xs = xn + ((win->hi0 + p) * d->w + win->wi0 + q) * d->c;
#pragma omp simd
            for (int k = 0; k < width; k++)
                acc[k] = beats(xs[k], acc[k]) ? xs[k] : acc[k];
        }
#pragma omp simd
    for (int k = 0; k < width; k++)
        best[k] = acc[k];
}

/* One window's maximum over all c channels: best (c) = max over the in-image taps of
 * xn, which points at the sample's first pixel; −∞ for an all-padding window. Blocks of
 * 64, then 16 channels keep their maxima in registers over the taps (walking all channels
 * per tap stored and reloaded them in y every tap: twice onednn's time); the channels
 * after the last 16 go as one block of run-time width. */
VBC_CLONES
static void window_max(const vb_pool_desc *d, const window *win, const float *xn,
                       float *restrict best)
{
    const int64_t c = d->c;
    int64_t ch0 = 0;
    for (; ch0 + 64 <= c; ch0 += 64)
        window_max_block(d, win, xn + ch0, best + ch0, 64);
    for (; ch0 + 16 <= c; ch0 += 16)
        window_max_block(d, win, xn + ch0, best + ch0, 16);
    if (ch0 < c)
        window_max_block(d, win, xn + ch0, best + ch0, (int)(c - ch0));
}

int vb_common_maxpool_fwd(vb_backend_ctx *ctx, const vb_pool_desc *d, const float *x, float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
    const int64_t c = d->c;
#pragma omp parallel for collapse(2) num_threads(vbc_threads(ctx)) \
    if (d->n * d->oh * d->ow * c * 4 >= VBC_PAR_MIN)
    for (int64_t n = 0; n < d->n; n++)
        for (int64_t i = 0; i < d->oh; i++)
            for (int64_t j = 0; j < d->ow; j++) {
                const window win = window_at(d, i, j);
                window_max(d, &win, x + n * d->h * d->w * c,
                           y + ((n * d->oh + i) * d->ow + j) * c);
            }
    return VB_OK;
}

/* One window's gradient for nc ≤ CBLOCK channels: dx[winner] += g, per channel. xn and
 * dxn point at channel c0 of the sample's first pixel, g at the window's dy. */
static inline __attribute__((always_inline)) void
route_window_block(const vb_pool_desc *d, const window *win, const float *xn, const float *g,
                   float *dxn, const int64_t nc)
{
    const int64_t c = d->c;
    float best[CBLOCK];
    int32_t pixel[CBLOCK];
    /* the first in-image tap starts as the winner, even at −∞ */
    const int32_t first = (int32_t)((win->hi0 + win->p0) * d->w + win->wi0 + win->q0);
    for (int64_t ch = 0; ch < nc; ch++) {
        best[ch] = xn[first * c + ch];
        pixel[ch] = first;
    }
    for (int64_t p = win->p0; p < win->p1; p++)
        for (int64_t q = win->q0; q < win->q1; q++) {
            const int32_t at = (int32_t)((win->hi0 + p) * d->w + win->wi0 + q);
            const float *restrict xs = xn + at * c;
#pragma omp simd
            for (int64_t ch = 0; ch < nc; ch++) {
                const int win_here = beats(xs[ch], best[ch]);
                best[ch] = win_here ? xs[ch] : best[ch];
                pixel[ch] = win_here ? at : pixel[ch];
            }
        }
    for (int64_t ch = 0; ch < nc; ch++)
        dxn[pixel[ch] * c + ch] += g[ch];
}

/* A whole block of CBLOCK channels gets its own copy with the width known when compiled,
 * so the running best values and winners stay in registers over the taps (as in forward). */
VBC_CLONES
static void route_window(const vb_pool_desc *d, const window *win, const float *xn,
                         const float *g, float *dxn, int64_t nc)
{
    if (nc == CBLOCK)
        route_window_block(d, win, xn, g, dxn, CBLOCK);
    else
        route_window_block(d, win, xn, g, dxn, nc);
}

/* dx[first argmax of the window] += dy, per channel; the argmax is recomputed from x (y is
 * not needed). Windows overlap when stride < kernel, so the threads split samples and
 * channel blocks, whose dx never overlap, and walk the windows of their block in order.
 * The winner is tracked as its input pixel (row·W + column within the sample), an int as
 * wide as the float it rides with, so the compare-and-select loop vectorises and routing
 * the gradient needs no division. */
int vb_common_maxpool_bwd(vb_backend_ctx *ctx, const vb_pool_desc *d, const float *x,
                          const float *y, const float *dy, float *dx)
{
    if (!d || !x || !dy)
        return VB_EINVAL;
    if (d->h * d->w > INT32_MAX) /* a winner's pixel index is an int32 */
        return VB_EUNSUPPORTED;
    if (!dx)
        return VB_OK;
    const int64_t c = d->c, blocks = (c + CBLOCK - 1) / CBLOCK;
#pragma omp parallel for collapse(2) num_threads(vbc_threads(ctx)) \
    if (d->n * d->oh * d->ow * c * 4 >= VBC_PAR_MIN)
    for (int64_t n = 0; n < d->n; n++)
        for (int64_t cb = 0; cb < blocks; cb++) {
            const int64_t c0 = cb * CBLOCK, nc = c - c0 < CBLOCK ? c - c0 : CBLOCK;
            const float *xn = x + n * d->h * d->w * c + c0;
            float *dxn = dx + n * d->h * d->w * c + c0;
            for (int64_t i = 0; i < d->oh; i++)
                for (int64_t j = 0; j < d->ow; j++) {
                    const window win = window_at(d, i, j);
                    if (win.p0 < win.p1 && win.q0 < win.q1) /* else all padding */
                        route_window(d, &win, xn, dy + ((n * d->oh + i) * d->ow + j) * c + c0,
                                     dxn, nc);
                }
        }
    return VB_OK;
}
