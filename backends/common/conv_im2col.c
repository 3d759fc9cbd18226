/* 2-D convolution (NHWC input, HWIO filter) as data movement around the context's GEMM.
 *
 * im2col lays the receptive field of every output pixel out as one row, in the filter's
 * (kh, kw, c) order, so the filter (kh, kw, c, oc) read as a (K, OC) matrix with
 * K = kh·kw·c multiplies it directly:
 *   col (N·OH·OW, K)                     row (n, i, j) = x[n, i·sh + p − pt, j·sw + q − pl, :]
 *   forward       y    = col · W + bias   (N·OH·OW, OC)
 *   backward data dcol = dy · Wᵀ,  then dx += col2im(dcol)
 *   backward wts  dW  += colᵀ · dy,       dbias += Σ_rows dy
 * The samples go through in chunks so that col stays a bounded scratch buffer, in cache,
 * whatever the batch size. */
#include "internal.h"

/* Floats of col per chunk: 4 MiB, which stays in the last-level cache between im2col
 * writing it and the GEMM reading it. With 16 MiB chunks col went out to memory and back:
 * omp, keras_cct's 3x3 64->128 convolution at batch 128 (2 threads, medians of 5
 * interleaved runs): forward 16.8 -> 12.9 ms, backward data 13.1 -> 12.5, weights the
 * same; 1 MiB chunks were slower than 4 (smaller GEMMs, B packed more often). */
#define COL_CHUNK_FLOATS ((int64_t)1 << 20)

static int64_t patch_len(const vb_conv2d_desc *d) { return d->kh * d->kw * d->c; }

static int64_t samples_per_chunk(const vb_conv2d_desc *d)
{
    const int64_t per_sample = d->oh * d->ow * patch_len(d);
    const int64_t s = per_sample > 0 ? COL_CHUNK_FLOATS / per_sample : d->n;
    return s < 1 ? 1 : (s > d->n ? d->n : s);
}

/* The col (or dcol) scratch matrix of one chunk of samples. */
static float *col_scratch(vb_backend_ctx *ctx, const vb_conv2d_desc *d, int64_t chunk)
{
    return vbc_scratch(ctx, VBC_SCRATCH_COL,
                       (size_t)(chunk * d->oh * d->ow * patch_len(d)) * sizeof(float));
}

static int bad_desc(const vb_conv2d_desc *d)
{
    return d->n < 1 || d->c < 1 || d->oc < 1 || d->kh < 1 || d->kw < 1 ||
           d->stride_h < 1 || d->stride_w < 1 || d->oh < 1 || d->ow < 1;
}

/* One row of col: the receptive field of output pixel (i, j) of the sample xs (H, W, C).
 * Tap q of a tap row reads input column j·sw + q − pl, so the kw taps of a row lie side
 * by side in x: each tap row is one copy of its taps inside the image (kw·C floats when
 * none is in the padding), and zeros for the rest. One copy per tap, as before, made
 * keras_cct's first convolution (C = 3: 12-byte copies) spend 3/4 of its time here. */
static void im2col_row(const vb_conv2d_desc *d, const float *xs, int64_t i, int64_t j,
                       float *row)
{
    const int64_t C = d->c, taps = d->kw * C;
    const int64_t w0 = j * d->stride_w - d->pad_left; /* input column of tap 0 */
    const int64_t q0 = w0 < 0 ? -w0 : 0;              /* taps [q0, q1) inside the image */
    const int64_t q1 = d->w - w0 < d->kw ? d->w - w0 : d->kw;
    for (int64_t p = 0; p < d->kh; p++, row += taps) {
        const int64_t hi = i * d->stride_h + p - d->pad_top;
        if (hi < 0 || hi >= d->h || q1 <= q0) {
            memset(row, 0, (size_t)taps * sizeof(float));
            continue;
        }
        if (q0 > 0)
            memset(row, 0, (size_t)(q0 * C) * sizeof(float));
        memcpy(row + q0 * C, xs + (hi * d->w + w0 + q0) * C,
               (size_t)((q1 - q0) * C) * sizeof(float));
        if (q1 < d->kw)
            memset(row + q1 * C, 0, (size_t)((d->kw - q1) * C) * sizeof(float));
    }
}

/* col (ns·OH·OW, K) from x (ns, H, W, C); taps in the padding read 0.
 * Output rows are independent, so the threads split them. */
static void im2col(vb_backend_ctx *ctx, const vb_conv2d_desc *d, int64_t ns, const float *x,
                   float *col)
{
    const int64_t K = patch_len(d);
#pragma omp parallel for collapse(2) num_threads(vbc_threads(ctx)) \
    if (ns * d->oh * d->ow * K >= VBC_PAR_MIN)
    for (int64_t n = 0; n < ns; n++)
        for (int64_t i = 0; i < d->oh; i++)
            for (int64_t j = 0; j < d->ow; j++)
                im2col_row(d, x + n * d->h * d->w * d->c, i, j,
                           col + ((n * d->oh + i) * d->ow + j) * K);
}

/* The output index (row or column) whose window reads input index t + pad − tap through
 * that tap, or −1 when none does: t = i·stride, i in [0, out). Stride 1 — every
 * convolution of the shipped models — skips the two divisions per tap. */
static inline int64_t tap_output(int64_t t, int64_t stride, int64_t out)
{
    if (t < 0)
        return -1;
    if (stride == 1)
        return t < out ? t : -1;
    return t % stride == 0 && t / stride < out ? t / stride : -1;
}

/* dx (ns, H, W, C) += col2im(dcol). Written as a gather: every input pixel sums the
 * (output pixel, tap) entries that read it, so threads own disjoint rows of dx and
 * overlapping windows need no atomics. Input row hi was read by output row i through tap p
 * when hi = i·sh + p − pt (tap_output). Cloned for AVX-512: the baseline's 4-float adds
 * made this a sixth of keras_cct's backward data convolution. */
VBC_CLONES
static void col2im_add(vb_backend_ctx *ctx, const vb_conv2d_desc *d, int64_t ns,
                       const float *dcol, float *dx)
{
    const int64_t C = d->c, K = patch_len(d);
#pragma omp parallel for collapse(2) num_threads(vbc_threads(ctx)) \
    if (ns * d->h * d->w * K >= VBC_PAR_MIN)
    for (int64_t n = 0; n < ns; n++)
        for (int64_t hi = 0; hi < d->h; hi++)
            for (int64_t p = 0; p < d->kh; p++) {
                const int64_t i = tap_output(hi + d->pad_top - p, d->stride_h, d->oh);
                if (i < 0)
                    continue;
                for (int64_t wi = 0; wi < d->w; wi++)
                    for (int64_t q = 0; q < d->kw; q++) {
                        const int64_t j = tap_output(wi + d->pad_left - q, d->stride_w, d->ow);
                        if (j < 0)
                            continue;
                        const float *restrict src =
                            dcol + ((n * d->oh + i) * d->ow + j) * K + (p * d->kw + q) * C;
                        float *restrict dst = dx + ((n * d->h + hi) * d->w + wi) * C;
#pragma omp simd
                        for (int64_t ch = 0; ch < C; ch++)
                            dst[ch] += src[ch];
                    }
            }
}

/* A plain (batch 1) GEMM: C (m×n) = alpha·op(A)·op(B) + beta·C [+ bias]. */
static int gemm1(vb_backend_ctx *ctx, int64_t m, int64_t n, int64_t k, int trans_a,
                 const float *a, int64_t lda, int trans_b, const float *b, int64_t ldb,
                 float beta, const float *bias, float *c, int64_t ldc)
{
    const vb_gemm_desc g = {
        .batch = 1, .m = m, .n = n, .k = k, .trans_a = trans_a, .trans_b = trans_b,
        .lda = lda, .ldb = ldb, .ldc = ldc, .alpha = 1.0f, .beta = beta,
        .has_bias = bias != NULL, .act = VB_ACT_NONE,
    };
    return vb_common(ctx)->gemm(ctx, &g, a, b, bias, c);
}

int vb_common_conv2d_fwd(vb_backend_ctx *ctx, const vb_conv2d_desc *d, const float *x,
                         const float *w, const float *bias, float *y)
{
    if (!d || !x || !w || !y || bad_desc(d) || (d->has_bias && !bias))
        return VB_EINVAL;
    const int64_t K = patch_len(d), pix = d->oh * d->ow, chunk = samples_per_chunk(d);
    float *col = col_scratch(ctx, d, chunk);
    if (!col)
        return VB_ENOMEM;
    for (int64_t n0 = 0; n0 < d->n; n0 += chunk) {
        const int64_t ns = d->n - n0 < chunk ? d->n - n0 : chunk;
        im2col(ctx, d, ns, x + n0 * d->h * d->w * d->c, col);
        /* y (ns·OH·OW, OC) = col (ns·OH·OW, K) · W (K, OC) + bias */
        int err = gemm1(ctx, ns * pix, d->oc, K, 0, col, K, 0, w, d->oc, 0.0f,
                        d->has_bias ? bias : NULL, y + n0 * pix * d->oc, d->oc);
        if (err)
            return err;
    }
    return VB_OK;
}

int vb_common_conv2d_bwd_data(vb_backend_ctx *ctx, const vb_conv2d_desc *d, const float *dy,
                              const float *w, float *dx)
{
    if (!d || !dy || !w || bad_desc(d))
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
    const int64_t K = patch_len(d), pix = d->oh * d->ow, chunk = samples_per_chunk(d);
    float *dcol = col_scratch(ctx, d, chunk);
    if (!dcol)
        return VB_ENOMEM;
    for (int64_t n0 = 0; n0 < d->n; n0 += chunk) {
        const int64_t ns = d->n - n0 < chunk ? d->n - n0 : chunk;
        /* dcol (ns·OH·OW, K) = dy (ns·OH·OW, OC) · Wᵀ, W stored (K, OC) */
        int err = gemm1(ctx, ns * pix, K, d->oc, 0, dy + n0 * pix * d->oc, d->oc, 1, w,
                        d->oc, 0.0f, NULL, dcol, K);
        if (err)
            return err;
        col2im_add(ctx, d, ns, dcol, dx + n0 * d->h * d->w * d->c);
    }
    return VB_OK;
}

int vb_common_conv2d_bwd_weights(vb_backend_ctx *ctx, const vb_conv2d_desc *d, const float *x,
                                 const float *dy, float *dw, float *dbias)
{
    if (!d || !x || !dy || bad_desc(d))
        return VB_EINVAL;
    const int64_t K = patch_len(d), pix = d->oh * d->ow, chunk = samples_per_chunk(d);
    if (dw) {
        float *col = col_scratch(ctx, d, chunk);
        if (!col)
            return VB_ENOMEM;
        for (int64_t n0 = 0; n0 < d->n; n0 += chunk) {
            const int64_t ns = d->n - n0 < chunk ? d->n - n0 : chunk;
            im2col(ctx, d, ns, x + n0 * d->h * d->w * d->c, col);
            /* dW (K, OC) += colᵀ · dy, col stored (ns·OH·OW, K) */
            int err = gemm1(ctx, K, d->oc, ns * pix, 1, col, K, 0, dy + n0 * pix * d->oc,
                            d->oc, 1.0f, NULL, dw, d->oc);
            if (err)
                return err;
        }
    }
    if (dbias)
        return vbc_colsum_add(ctx, d->n * pix, d->oc, dy, dbias);
    return VB_OK;
}
