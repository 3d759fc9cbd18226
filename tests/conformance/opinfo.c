/* Everything the harness knows about each op, in one table indexed by VB_OPS:
 *   - its tensors in slot argument order, with sizes from the descriptor, how to fill
 *     them and, for backward ops, which forward tensor each one is (inputs, outputs, the
 *     upstream gradient dy, the gradient it writes) — the same binding serves checking
 *     against the reference and finite differences;
 *   - its FLOP count and its error budget: `ulps` per op below, the per-output growth
 *     factor (`reduce`) in the tensor lists;
 *   - a random valid descriptor (--stress), a short text for the shape, and where a mask
 *     seed goes.
 * The calls of the slots are generated from VB_OPS (the end of this file): every slot
 * argument is a tensor, so tensor i of the list is argument i. An op of VB_OPS without
 * an entry here fails tests/test_conformance. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "conformance.h"
#include "vitbench/desc_check.h"

/* ---- building tensor lists ------------------------------------------------------------ */

static cf_tensor tensor(const char *name, int64_t numel, cf_role role, cf_fill fill,
                        float value)
{
    return (cf_tensor){.name = name, .numel = numel, .role = role, .fill = fill,
                       .value = value, .view_of = -1, .reduce = 1};
}

/* An output that a backward op may take the gradient of (filled like `fill` as dy). */
static cf_tensor output(const char *name, int64_t numel, int64_t reduce, int exact,
                        cf_fill dy_fill, float dy_value)
{
    cf_tensor t = tensor(name, numel, CF_OUT, dy_fill, dy_value);
    t.reduce = reduce;
    t.exact = exact;
    return t;
}

/* A backward op's tensor bound to tensor `src` of its forward list `f`. */
static cf_tensor bound(const char *name, cf_bind bind, int src, const cf_tensor *f)
{
    cf_tensor t = f[src];
    t.name = name;
    t.bind = bind;
    t.src = src;
    t.view_of = -1;
    t.offset = 0;
    t.role = bind == CF_GRAD ? CF_ACC : CF_IN;
    t.reduce = 1;
    t.exact = bind == CF_GRAD ? f[src].fill == CF_FILL_INT : 0;
    return t;
}

static cf_tensor grad(const char *name, int src, const cf_tensor *f, int64_t reduce,
                      int exact)
{
    cf_tensor t = bound(name, CF_GRAD, src, f);
    t.reduce = reduce;
    t.exact = exact;
    return t;
}

static void view(cf_tensor *t, int base, int64_t offset)
{
    t->view_of = base;
    t->offset = offset;
}

/* Elements spanned by `batch` strided matrices of rows × cols with row stride ld. */
static int64_t extent(int64_t batch, int64_t batch_stride, int64_t rows, int64_t ld,
                      int64_t cols)
{
    return (batch - 1) * batch_stride + (rows - 1) * ld + cols;
}

static int64_t max3(int64_t a, int64_t b, int64_t c)
{
    int64_t m = a > b ? a : b;
    return m > c ? m : c;
}

/* ---- random descriptors: a tiny generator over the stress seed ------------------------ */

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform integer in [lo, hi]. */
static int64_t pick(uint64_t *s, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(next(s) % (uint64_t)(hi - lo + 1));
}

/* ---- gemm ---------------------------------------------------------------------------- */

static int gemm_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_gemm_desc *d = &u->gemm;
    float m = cf_int_magnitude(d->k);
    int64_t ra = d->trans_a ? d->k : d->m, ca = d->trans_a ? d->m : d->k;
    int64_t rb = d->trans_b ? d->n : d->k, cb = d->trans_b ? d->k : d->n;
    t[0] = tensor("a", extent(d->batch, d->stride_a, ra, d->lda, ca), CF_IN, CF_FILL_INT, m);
    t[1] = tensor("b", extent(d->batch, d->stride_b, rb, d->ldb, cb), CF_IN, CF_FILL_INT, m);
    t[2] = tensor("bias", d->has_bias ? d->n : 0, CF_IN, CF_FILL_INT, m);
    /* Integer sums are exact in any order; only the GELUs' erf or exp rounds. */
    t[3] = output("c", extent(d->batch, d->stride_c, d->m, d->ldc, d->n), d->k,
                  d->act == VB_ACT_NONE || d->act == VB_ACT_RELU, CF_FILL_INT, m);
    if (d->beta != 0.0f)
        t[3].role = CF_INOUT;
    return 4;
}

static double gemm_flops(const cf_desc *u)
{
    const vb_gemm_desc *d = &u->gemm;
    return 2.0 * d->batch * d->m * d->n * d->k;
}

static void gemm_random(uint64_t *s, cf_desc *u)
{
    vb_gemm_desc *d = &u->gemm;
    *d = (vb_gemm_desc){.batch = pick(s, 1, 3), .m = pick(s, 1, 70), .n = pick(s, 1, 70),
                        .k = pick(s, 1, 300), .trans_a = (int)pick(s, 0, 1),
                        .trans_b = (int)pick(s, 0, 1), .has_bias = (int)pick(s, 0, 1),
                        .act = (vb_act)pick(s, VB_ACT_NONE, VB_ACT_GELU_TANH)};
    d->lda = (d->trans_a ? d->m : d->k) + pick(s, 0, 3);
    d->ldb = (d->trans_b ? d->k : d->n) + pick(s, 0, 3);
    d->ldc = d->n + pick(s, 0, 3);
    /* Batch strides: packed, padded, or 0 (one matrix broadcast over the batch). */
    d->stride_a = pick(s, 0, 2) ? extent(1, 0, d->trans_a ? d->k : d->m, d->lda, 0) + d->lda
                                : 0;
    d->stride_b = pick(s, 0, 2) ? extent(1, 0, d->trans_b ? d->n : d->k, d->ldb, 0) + d->ldb
                                : 0;
    d->stride_c = d->m * d->ldc + pick(s, 0, 5);
    static const float alphas[] = {1.0f, 0.5f, 2.0f}, betas[] = {0.0f, 1.0f};
    d->alpha = alphas[pick(s, 0, 2)];
    d->beta = betas[pick(s, 0, 1)];
}

static void gemm_describe(const cf_desc *u, char *buf, size_t len)
{
    static const char *const acts[] = {"", " relu", " gelu", " gelu_tanh"}; /* vb_act */
    const vb_gemm_desc *d = &u->gemm;
    snprintf(buf, len, "%lldx%lldx%lld%s%s b%lld%s%s", (long long)d->m, (long long)d->n,
             (long long)d->k, d->trans_a ? " tA" : "", d->trans_b ? " tB" : "",
             (long long)d->batch, d->has_bias ? " +bias" : "", acts[d->act]);
}

/* ---- conv2d: x (n,h,w,c) w (kh,kw,c,oc) bias (oc) -> y (n,oh,ow,oc) -------------------- */

static int conv_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_conv2d_desc *d = &u->conv2d_fwd;
    int64_t dot = d->kh * d->kw * d->c, back = d->kh * d->kw * d->oc,
            pixels = d->n * d->oh * d->ow;
    /* One magnitude for the family, so forward and both backward passes stay exact. */
    float m = cf_int_magnitude(max3(dot, back, pixels));
    t[0] = tensor("x", d->n * d->h * d->w * d->c, CF_IN, CF_FILL_INT, m);
    t[1] = tensor("w", d->kh * d->kw * d->c * d->oc, CF_IN, CF_FILL_INT, m);
    t[2] = tensor("bias", d->has_bias ? d->oc : 0, CF_IN, CF_FILL_INT, m);
    t[3] = output("y", pixels * d->oc, dot, 1, CF_FILL_INT, m);
    return 4;
}

static int conv_bwd_data_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_conv2d_desc *d = &u->conv2d_fwd;
    cf_tensor f[CF_MAX_TENSORS];
    conv_tensors(u, f);
    t[0] = bound("dy", CF_DY, 3, f);
    t[1] = bound("w", CF_FWD_IN, 1, f);
    t[2] = grad("dx", 0, f, d->kh * d->kw * d->oc, 1);
    return 3;
}

static int conv_bwd_weights_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_conv2d_desc *d = &u->conv2d_fwd;
    cf_tensor f[CF_MAX_TENSORS];
    conv_tensors(u, f);
    int64_t pixels = d->n * d->oh * d->ow;
    t[0] = bound("x", CF_FWD_IN, 0, f);
    t[1] = bound("dy", CF_DY, 3, f);
    t[2] = grad("dw", 1, f, pixels, 1);
    t[3] = grad("dbias", 2, f, pixels, 1);
    return 4;
}

static double conv_flops(const cf_desc *u)
{
    const vb_conv2d_desc *d = &u->conv2d_fwd;
    return 2.0 * d->n * d->oh * d->ow * d->oc * d->kh * d->kw * d->c;
}

/* Kernel, stride and padding of a window op, with the window fitting the padded input
 * and at least one real pixel in every window (pad < kernel). */
static void random_window(uint64_t *s, int64_t in, int64_t *k, int64_t *stride,
                          int64_t *lo, int64_t *hi, int64_t *out)
{
    *k = pick(s, 1, in < 4 ? in : 4);
    *stride = pick(s, 1, 3);
    *lo = pick(s, 0, *k - 1);
    *hi = pick(s, 0, *k - 1);
    *out = vb_window_out(in, *k, *stride, *lo, *hi);
}

static void conv_random(uint64_t *s, cf_desc *u)
{
    vb_conv2d_desc *d = &u->conv2d_fwd;
    *d = (vb_conv2d_desc){.n = pick(s, 1, 3), .h = pick(s, 1, 12), .w = pick(s, 1, 12),
                          .c = pick(s, 1, 9), .oc = pick(s, 1, 9),
                          .has_bias = (int)pick(s, 0, 1)};
    random_window(s, d->h, &d->kh, &d->stride_h, &d->pad_top, &d->pad_bottom, &d->oh);
    random_window(s, d->w, &d->kw, &d->stride_w, &d->pad_left, &d->pad_right, &d->ow);
}

static void conv_describe(const cf_desc *u, char *buf, size_t len)
{
    const vb_conv2d_desc *d = &u->conv2d_fwd;
    snprintf(buf, len, "%lldx%lldx%lldx%lld->%lld k%lldx%lld s%lld p%lld%lld%lld%lld",
             (long long)d->n, (long long)d->h, (long long)d->w, (long long)d->c,
             (long long)d->oc, (long long)d->kh, (long long)d->kw, (long long)d->stride_h,
             (long long)d->pad_top, (long long)d->pad_bottom, (long long)d->pad_left,
             (long long)d->pad_right);
}

/* ---- maxpool: x (n,h,w,c) -> y (n,oh,ow,c) --------------------------------------------- */

static int pool_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_pool_desc *d = &u->maxpool_fwd;
    t[0] = tensor("x", d->n * d->h * d->w * d->c, CF_IN, CF_FILL_DISTINCT, 1.0f);
    t[1] = output("y", d->n * d->oh * d->ow * d->c, 1, 1, CF_FILL_REAL, 1.0f);
    return 2;
}

static int pool_bwd_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_pool_desc *d = &u->maxpool_fwd;
    cf_tensor f[CF_MAX_TENSORS];
    pool_tensors(u, f);
    /* An input collects dy from every window that overlaps it and picked it. */
    int64_t windows = ((d->kh + d->stride_h - 1) / d->stride_h) *
                      ((d->kw + d->stride_w - 1) / d->stride_w);
    t[0] = bound("x", CF_FWD_IN, 0, f);
    t[1] = bound("y", CF_FWD_OUT, 1, f);
    t[2] = bound("dy", CF_DY, 1, f);
    t[3] = grad("dx", 0, f, windows, windows == 1);
    t[3].sparse = 1; /* only the window maxima receive anything */
    return 4;
}

static void pool_random(uint64_t *s, cf_desc *u)
{
    vb_pool_desc *d = &u->maxpool_fwd;
    *d = (vb_pool_desc){.n = pick(s, 1, 3), .h = pick(s, 1, 12), .w = pick(s, 1, 12),
                        .c = pick(s, 1, 9)};
    random_window(s, d->h, &d->kh, &d->stride_h, &d->pad_top, &d->pad_bottom, &d->oh);
    random_window(s, d->w, &d->kw, &d->stride_w, &d->pad_left, &d->pad_right, &d->ow);
}

static void pool_describe(const cf_desc *u, char *buf, size_t len)
{
    const vb_pool_desc *d = &u->maxpool_fwd;
    snprintf(buf, len, "%lldx%lldx%lldx%lld k%lldx%lld s%lld p%lld%lld%lld%lld",
             (long long)d->n, (long long)d->h, (long long)d->w, (long long)d->c,
             (long long)d->kh, (long long)d->kw, (long long)d->stride_h,
             (long long)d->pad_top, (long long)d->pad_bottom, (long long)d->pad_left,
             (long long)d->pad_right);
}

/* ---- pad: x (n,h,w,c) -> y (n, h+top+bottom, w+left+right, c) ------------------------- */

static int pad_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_pad_desc *d = &u->pad_fwd;
    t[0] = tensor("x", d->n * d->h * d->w * d->c, CF_IN, CF_FILL_REAL, 1.0f);
    t[1] = output("y", d->n * (d->h + d->top + d->bottom) * (d->w + d->left + d->right) * d->c,
                  1, 1, CF_FILL_REAL, 1.0f);
    return 2;
}

static int pad_bwd_tensors(const cf_desc *u, cf_tensor *t)
{
    cf_tensor f[CF_MAX_TENSORS];
    pad_tensors(u, f);
    t[0] = bound("dy", CF_DY, 1, f);
    t[1] = grad("dx", 0, f, 1, 1);
    return 2;
}

static void pad_random(uint64_t *s, cf_desc *u)
{
    u->pad_fwd = (vb_pad_desc){.n = pick(s, 1, 3), .h = pick(s, 1, 10), .w = pick(s, 1, 10),
                               .c = pick(s, 1, 9), .top = pick(s, 0, 2),
                               .bottom = pick(s, 0, 2), .left = pick(s, 0, 2),
                               .right = pick(s, 0, 2)};
}

static void pad_describe(const cf_desc *u, char *buf, size_t len)
{
    const vb_pad_desc *d = &u->pad_fwd;
    snprintf(buf, len, "%lldx%lldx%lldx%lld p%lld%lld%lld%lld", (long long)d->n,
             (long long)d->h, (long long)d->w, (long long)d->c, (long long)d->top,
             (long long)d->bottom, (long long)d->left, (long long)d->right);
}

/* ---- relu, gelu, gelu_tanh: x (n) -> y (n) ---------------------------------------------
 * They share vb_eltwise_desc, so the helpers may read any of their union members. */

static int relu_tensors(const cf_desc *u, cf_tensor *t)
{
    t[0] = tensor("x", u->relu_fwd.n, CF_IN, CF_FILL_AWAY, 1.0f);
    t[1] = output("y", u->relu_fwd.n, 1, 1, CF_FILL_REAL, 1.0f);
    return 2;
}

/* Both GELUs: x over their curved part, [-3, 3]. */
static int gelu_tensors(const cf_desc *u, cf_tensor *t)
{
    t[0] = tensor("x", u->gelu_fwd.n, CF_IN, CF_FILL_REAL, 3.0f);
    t[1] = output("y", u->gelu_fwd.n, 1, 0, CF_FILL_REAL, 1.0f);
    return 2;
}

/* dx += dy · f'(x): exact for ReLU (f' is 0 or 1), rounded for the GELUs. */
static int eltwise_bwd_tensors(const cf_tensor *f, int exact, cf_tensor *t)
{
    t[0] = bound("x", CF_FWD_IN, 0, f);
    t[1] = bound("dy", CF_DY, 1, f);
    t[2] = grad("dx", 0, f, 1, exact);
    return 3;
}

static int relu_bwd_tensors(const cf_desc *u, cf_tensor *t)
{
    cf_tensor f[CF_MAX_TENSORS];
    relu_tensors(u, f);
    return eltwise_bwd_tensors(f, 1, t);
}

static int gelu_bwd_tensors(const cf_desc *u, cf_tensor *t)
{
    cf_tensor f[CF_MAX_TENSORS];
    gelu_tensors(u, f);
    return eltwise_bwd_tensors(f, 0, t);
}

static void eltwise_random(uint64_t *s, cf_desc *u)
{
    u->relu_fwd = (vb_eltwise_desc){.n = pick(s, 1, 5000)};
}

static void eltwise_describe(const cf_desc *u, char *buf, size_t len)
{
    snprintf(buf, len, "n%lld", (long long)u->relu_fwd.n);
}

/* ---- add: a (n) + b (nb, broadcast) -> y (n) ----------------------------------------- */

static int add_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_add_desc *d = &u->add_fwd;
    t[0] = tensor("a", d->n, CF_IN, CF_FILL_REAL, 1.0f);
    t[1] = tensor("b", d->nb, CF_IN, CF_FILL_REAL, 1.0f);
    t[2] = output("y", d->n, 1, 1, CF_FILL_REAL, 1.0f);
    return 3;
}

static int add_bwd_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_add_desc *d = &u->add_fwd;
    cf_tensor f[CF_MAX_TENSORS];
    add_tensors(u, f);
    t[0] = bound("dy", CF_DY, 2, f);
    t[1] = grad("da", 0, f, 1, 1);
    t[2] = grad("db", 1, f, d->n / d->nb, d->n == d->nb);
    return 3;
}

static void add_random(uint64_t *s, cf_desc *u)
{
    int64_t nb = pick(s, 1, 300);
    u->add_fwd = (vb_add_desc){.n = nb * pick(s, 1, 20), .nb = nb};
}

static void add_describe(const cf_desc *u, char *buf, size_t len)
{
    snprintf(buf, len, "n%lld nb%lld", (long long)u->add_fwd.n, (long long)u->add_fwd.nb);
}

/* ---- layernorm: x (rows, cols), gamma, beta (cols) -> y, mean, rstd (rows) ------------ */

static int layernorm_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_layernorm_desc *d = &u->layernorm_fwd;
    t[0] = tensor("x", d->rows * d->cols, CF_IN, CF_FILL_REAL, 1.0f);
    t[1] = tensor("gamma", d->cols, CF_IN, CF_FILL_REAL, 1.0f);
    t[2] = tensor("beta", d->cols, CF_IN, CF_FILL_REAL, 1.0f);
    t[3] = output("y", d->rows * d->cols, d->cols, 0, CF_FILL_REAL, 1.0f);
    t[4] = output("mean", d->rows, d->cols, 0, CF_FILL_REAL, 1.0f);
    t[5] = output("rstd", d->rows, d->cols, 0, CF_FILL_REAL, 1.0f);
    return 6;
}

static int layernorm_bwd_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_layernorm_desc *d = &u->layernorm_fwd;
    cf_tensor f[CF_MAX_TENSORS];
    layernorm_tensors(u, f);
    t[0] = bound("x", CF_FWD_IN, 0, f);
    t[1] = bound("gamma", CF_FWD_IN, 1, f);
    t[2] = bound("mean", CF_FWD_OUT, 4, f);
    t[3] = bound("rstd", CF_FWD_OUT, 5, f);
    t[4] = bound("dy", CF_DY, 3, f);
    t[5] = grad("dx", 0, f, d->cols, 0);      /* two row means of dy·gamma terms */
    t[6] = grad("dgamma", 1, f, d->rows, 0);  /* sums over rows */
    t[7] = grad("dbeta", 2, f, d->rows, 0);
    return 8;
}

static void layernorm_random(uint64_t *s, cf_desc *u)
{
    u->layernorm_fwd = (vb_layernorm_desc){.rows = pick(s, 1, 40), .cols = pick(s, 2, 300),
                                           .eps = pick(s, 0, 1) ? 1e-5f : 1e-6f};
}

static void layernorm_describe(const cf_desc *u, char *buf, size_t len)
{
    snprintf(buf, len, "%lldx%lld", (long long)u->layernorm_fwd.rows,
             (long long)u->layernorm_fwd.cols);
}

/* ---- softmax: x (rows, cols) -> y ---------------------------------------------------- */

static int softmax_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_softmax_desc *d = &u->softmax_fwd;
    t[0] = tensor("x", d->rows * d->cols, CF_IN, CF_FILL_REAL, 4.0f);
    t[1] = output("y", d->rows * d->cols, d->cols, 0, CF_FILL_REAL, 1.0f);
    return 2;
}

static int softmax_bwd_tensors(const cf_desc *u, cf_tensor *t)
{
    cf_tensor f[CF_MAX_TENSORS];
    softmax_tensors(u, f);
    t[0] = bound("y", CF_FWD_OUT, 1, f);
    t[1] = bound("dy", CF_DY, 1, f);
    t[2] = grad("dx", 0, f, u->softmax_fwd.cols, 0);
    return 3;
}

static void softmax_random(uint64_t *s, cf_desc *u)
{
    /* One column is all ones: no signal (two_cols covers the narrowest real case). */
    u->softmax_fwd = (vb_softmax_desc){.rows = pick(s, 1, 40), .cols = pick(s, 2, 300)};
}

static void softmax_describe(const cf_desc *u, char *buf, size_t len)
{
    snprintf(buf, len, "%lldx%lld", (long long)u->softmax_fwd.rows,
             (long long)u->softmax_fwd.cols);
}

/* ---- attention ------------------------------------------------------------------------
 * Forward list: 0 q, 1 k, 2 v (views into qkv when fused), 3 scale (one float, so it can
 * be differentiated like a tensor), 4 o, 5 probs (B, H, T, T), then 6 qkv (the fused
 * buffer, empty unless q, k, v share one; storage only, not an argument). */

enum { ATT_Q, ATT_K, ATT_V, ATT_SCALE, ATT_O, ATT_PROBS, ATT_QKV, ATT_TENSORS };

static int fused_qkv(const vb_attention_desc *d)
{
    int64_t hd = d->heads * d->head_dim;
    return d->q_row_stride == 3 * hd && d->k_row_stride == 3 * hd &&
           d->v_row_stride == 3 * hd;
}

static int attention_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_attention_desc *d = &u->attention_fwd;
    int64_t hd = d->heads * d->head_dim, rows = d->batch * d->tokens;
    int fused = fused_qkv(d);
    static const char *names[3] = {"q", "k", "v"};
    const int64_t strides[3] = {d->q_row_stride, d->k_row_stride, d->v_row_stride};
    t[ATT_QKV] = tensor("qkv", fused ? rows * 3 * hd : 0, CF_IN, CF_FILL_REAL, 1.0f);
    for (int i = 0; i < 3; i++) {
        t[ATT_Q + i] = tensor(names[i], extent(1, 0, rows, strides[i], hd), CF_IN,
                              CF_FILL_REAL, 1.0f);
        if (fused)
            view(&t[ATT_Q + i], ATT_QKV, i * hd);
    }
    t[ATT_SCALE] = tensor("scale", 1, CF_IN, CF_FILL_CONST, 1.0f / sqrtf((float)d->head_dim));
    /* Each output sums head_dim products into a score, then T terms of the softmax and
     * of P·V. */
    t[ATT_O] = output("o", extent(1, 0, rows, d->o_row_stride, hd), d->tokens + d->head_dim,
                      0, CF_FILL_REAL, 1.0f);
    t[ATT_PROBS] = output("probs", d->batch * d->heads * d->tokens * d->tokens,
                          d->tokens + d->head_dim, 0, CF_FILL_REAL, 1.0f);
    return ATT_TENSORS;
}

/* Backward list: 0 q, 1 k, 2 v, 3 scale, 4 probs, 5 dout, 6 dq, 7 dk, 8 dv, 9 dscale,
 * then the storage 10 qkv and 11 dqkv. */
static int attention_bwd_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_attention_desc *d = &u->attention_fwd;
    cf_tensor f[CF_MAX_TENSORS];
    attention_tensors(u, f);
    int64_t hd = d->heads * d->head_dim, reduce = d->tokens + d->head_dim;
    static const char *grads[3] = {"dq", "dk", "dv"};
    enum { QKV = 10, DQKV = 11 };
    t[QKV] = bound("qkv", CF_FWD_IN, ATT_QKV, f);
    t[DQKV] = grad("dqkv", ATT_QKV, f, reduce, 0);
    for (int i = 0; i < 3; i++) {
        t[i] = bound(f[ATT_Q + i].name, CF_FWD_IN, ATT_Q + i, f);
        t[6 + i] = grad(grads[i], ATT_Q + i, f, reduce, 0);
        if (f[ATT_Q + i].view_of >= 0) {
            view(&t[i], QKV, i * hd);
            view(&t[6 + i], DQKV, i * hd);
        }
    }
    t[3] = bound("scale", CF_FWD_IN, ATT_SCALE, f);
    t[4] = bound("probs", CF_FWD_OUT, ATT_PROBS, f);
    t[5] = bound("dout", CF_DY, ATT_O, f);
    /* dscale sums over every score of every head. */
    t[9] = grad("dscale", ATT_SCALE, f, d->batch * d->heads * d->tokens * d->tokens, 0);
    return 12;
}

/* dscale = Σ dS ⊙ Q Kᵀ = ⟨Q, dQ⟩ / scale, dQ = scale · dS K (the reference's change of
 * dq): one dot product, which can cancel to far below its terms. Each term q·dQ carries
 * the bf16 errors of its two factors, and as everywhere (metrics.c) they add in
 * quadrature: |δ dscale|² ≲ (r·u)² Σ (q·dQ)² / scale². */
static double attention_bwd_bf16_size2(const cf_desc *u, const cf_buffers *init,
                                       const cf_buffers *want, int i)
{
    enum { Q = 0, SCALE = 3, DQ = 6, DSCALE = 9 };
    if (i != DSCALE)
        return 0.0;
    const vb_attention_desc *d = &u->attention_fwd;
    const float *q = want->p[Q], *dq = want->p[DQ], *dq0 = init->p[DQ];
    const double scale = *(const float *)want->p[SCALE];
    double sum2 = 0.0;
    for (int64_t r = 0; r < d->batch * d->tokens; r++)
        for (int64_t c = 0; c < d->heads * d->head_dim; c++) {
            const int64_t at = r * d->q_row_stride + c;
            const double term = q[at] * ((double)dq[at] - (isfinite(dq0[at]) ? dq0[at] : 0.0f));
            sum2 += term * term;
        }
    return sum2 / (scale * scale);
}

static double attention_flops(const cf_desc *u)
{
    const vb_attention_desc *d = &u->attention_fwd;
    return 4.0 * d->batch * d->heads * d->tokens * d->tokens * d->head_dim; /* QKᵀ, PV */
}

static double attention_bwd_flops(const cf_desc *u)
{
    return 2.0 * attention_flops(u); /* dP, dV, dQ, dK */
}

static void attention_random(uint64_t *s, cf_desc *u)
{
    vb_attention_desc *d = &u->attention_fwd;
    /* Tokens ≥ 2, or the softmax is constant and dq, dk vanish. Up to 40 tokens and 40
     * wide: one, two and three 16-float vectors of padded rows, and heads on both sides of
     * VBC_BY_HEAD_DIM_MAX (32: backends/common takes narrower heads one at a time). */
    *d = (vb_attention_desc){.batch = pick(s, 1, 2), .tokens = pick(s, 2, 40),
                             .heads = pick(s, 1, 3), .head_dim = pick(s, 1, 40),
                             .dropout = pick(s, 0, 1) ? 0.1f : 0.0f,
                             .first_sample = pick(s, 0, 1) ? pick(s, 1, 1000) : 0};
    int64_t hd = d->heads * d->head_dim;
    if (pick(s, 0, 1)) {
        d->q_row_stride = d->k_row_stride = d->v_row_stride = 3 * hd;
    } else {
        d->q_row_stride = hd + pick(s, 0, 3);
        d->k_row_stride = hd + pick(s, 0, 3);
        d->v_row_stride = hd + pick(s, 0, 3);
    }
    d->o_row_stride = hd + pick(s, 0, 2);
    /* With the diagonal masked, two tokens would each attend to the other alone. */
    d->diag_mask = d->tokens > 2 && pick(s, 0, 1);
}

static void attention_seed(cf_desc *u, uint64_t seed) { u->attention_fwd.seed = seed; }

static void attention_describe(const cf_desc *u, char *buf, size_t len)
{
    const vb_attention_desc *d = &u->attention_fwd;
    snprintf(buf, len, "b%lld t%lld h%lldx%lld%s%s%s from%lld", (long long)d->batch,
             (long long)d->tokens, (long long)d->heads, (long long)d->head_dim,
             fused_qkv(d) ? " qkv" : "", d->diag_mask ? " diag" : "",
             d->dropout > 0 ? " drop" : "", (long long)d->first_sample);
}

/* ---- dropout, drop path: x -> y with a vb_keep mask ----------------------------------- */

static int dropout_tensors(const cf_desc *u, cf_tensor *t)
{
    /* y = x·keep/(1−rate): the scale may be applied as one multiply or a divide. */
    t[0] = tensor("x", u->dropout_fwd.n, CF_IN, CF_FILL_REAL, 1.0f);
    t[1] = output("y", u->dropout_fwd.n, 1, 0, CF_FILL_REAL, 1.0f);
    return 2;
}

static int drop_path_tensors(const cf_desc *u, cf_tensor *t)
{
    int64_t n = u->drop_path_fwd.batch * u->drop_path_fwd.per_sample;
    t[0] = tensor("x", n, CF_IN, CF_FILL_REAL, 1.0f);
    t[1] = output("y", n, 1, 0, CF_FILL_REAL, 1.0f);
    return 2;
}

static int mask_bwd_tensors(const cf_tensor *f, cf_tensor *t)
{
    t[0] = bound("dy", CF_DY, 1, f);
    t[1] = grad("dx", 0, f, 1, 0);
    return 2;
}

static int dropout_bwd_tensors(const cf_desc *u, cf_tensor *t)
{
    cf_tensor f[CF_MAX_TENSORS];
    dropout_tensors(u, f);
    return mask_bwd_tensors(f, t);
}

static int drop_path_bwd_tensors(const cf_desc *u, cf_tensor *t)
{
    cf_tensor f[CF_MAX_TENSORS];
    drop_path_tensors(u, f);
    return mask_bwd_tensors(f, t);
}

static void dropout_seed(cf_desc *u, uint64_t seed) { u->dropout_fwd.seed = seed; }

static void drop_path_seed(cf_desc *u, uint64_t seed) { u->drop_path_fwd.seed = seed; }

static const float rates[] = {0.0f, 0.1f, 0.5f};

static void dropout_random(uint64_t *s, cf_desc *u)
{
    /* first: a slice of a global batch (ops.h) draws its part of the whole mask. */
    u->dropout_fwd = (vb_dropout_desc){.n = pick(s, 1, 5000), .rate = rates[pick(s, 0, 2)],
                                       .first = pick(s, 0, 1) ? pick(s, 1, 100000) : 0};
}

static void drop_path_random(uint64_t *s, cf_desc *u)
{
    /* Four samples or more: with one, dropping it leaves no signal. */
    u->drop_path_fwd = (vb_drop_path_desc){.batch = pick(s, 4, 16),
                                           .per_sample = pick(s, 1, 300),
                                           .rate = rates[pick(s, 0, 1)],
                                           .first_sample = pick(s, 0, 1) ? pick(s, 1, 64) : 0};
}

static void dropout_describe(const cf_desc *u, char *buf, size_t len)
{
    snprintf(buf, len, "n%lld r%.2g from%lld", (long long)u->dropout_fwd.n,
             (double)u->dropout_fwd.rate, (long long)u->dropout_fwd.first);
}

static void drop_path_describe(const cf_desc *u, char *buf, size_t len)
{
    snprintf(buf, len, "%lldx%lld r%.2g from%lld", (long long)u->drop_path_fwd.batch,
             (long long)u->drop_path_fwd.per_sample, (double)u->drop_path_fwd.rate,
             (long long)u->drop_path_fwd.first_sample);
}

/* ---- seqpool: x (B,T,D), g (D), g_bias (1) -> y (B,D), attn (B,T) ------------------- */

static int seqpool_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_seqpool_desc *d = &u->seqpool_fwd;
    int64_t reduce = d->tokens + d->dim; /* a dot over D, then a softmax and sum over T */
    t[0] = tensor("x", d->batch * d->tokens * d->dim, CF_IN, CF_FILL_REAL, 1.0f);
    t[1] = tensor("g", d->dim, CF_IN, CF_FILL_REAL, 1.0f / sqrtf((float)d->dim));
    t[2] = tensor("g_bias", 1, CF_IN, CF_FILL_REAL, 1.0f);
    t[3] = output("y", d->batch * d->dim, reduce, 0, CF_FILL_REAL, 1.0f);
    t[4] = output("attn", d->batch * d->tokens, reduce, 0, CF_FILL_REAL, 1.0f);
    return 5;
}

static int seqpool_bwd_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_seqpool_desc *d = &u->seqpool_fwd;
    cf_tensor f[CF_MAX_TENSORS];
    seqpool_tensors(u, f);
    int64_t all = d->batch * d->tokens; /* dg and dg_bias sum over every token */
    t[0] = bound("x", CF_FWD_IN, 0, f);
    t[1] = bound("g", CF_FWD_IN, 1, f);
    t[2] = bound("attn", CF_FWD_OUT, 4, f);
    t[3] = bound("dy", CF_DY, 3, f);
    t[4] = grad("dx", 0, f, d->tokens + d->dim, 0);
    t[5] = grad("dg", 1, f, all + d->dim, 0);
    t[6] = grad("dg_bias", 2, f, all + d->dim, 0);
    t[6].vanishes = 1; /* softmax over tokens ignores a shift of every score */
    return 7;
}

static void seqpool_random(uint64_t *s, cf_desc *u)
{
    /* At least two tokens: a softmax over one is constant and every gradient vanishes. */
    u->seqpool_fwd = (vb_seqpool_desc){.batch = pick(s, 1, 4), .tokens = pick(s, 2, 70),
                                       .dim = pick(s, 1, 140)};
}

static void seqpool_describe(const cf_desc *u, char *buf, size_t len)
{
    const vb_seqpool_desc *d = &u->seqpool_fwd;
    snprintf(buf, len, "b%lld t%lld d%lld", (long long)d->batch, (long long)d->tokens,
             (long long)d->dim);
}

/* ---- xent: logits (B,C), labels (B) -> loss (B), probs (B,C) -------------------------- */

static int xent_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_xent_desc *d = &u->xent_fwd;
    t[0] = tensor("logits", d->batch * d->classes, CF_IN, CF_FILL_REAL, 3.0f);
    t[1] = tensor("labels", d->batch, CF_IN, CF_FILL_LABELS, (float)d->classes);
    t[2] = output("loss", d->batch, d->classes, 0, CF_FILL_REAL, 1.0f);
    t[3] = output("probs", d->batch * d->classes, d->classes, 0, CF_FILL_REAL, 1.0f);
    return 4;
}

static int xent_bwd_tensors(const cf_desc *u, cf_tensor *t)
{
    cf_tensor f[CF_MAX_TENSORS];
    xent_tensors(u, f);
    t[0] = bound("probs", CF_FWD_OUT, 3, f);
    t[1] = bound("labels", CF_FWD_IN, 1, f);
    /* grad_scale is the gradient of every per-sample loss: 1/batch for a mean. */
    t[2] = bound("grad_scale", CF_SCALAR_DY, 2, f);
    t[2].numel = 1;
    t[2].fill = CF_FILL_CONST;
    t[2].value = 1.0f / (float)u->xent_fwd.batch;
    t[3] = grad("dlogits", 0, f, 2, 0);
    return 4;
}

static void xent_random(uint64_t *s, cf_desc *u)
{
    u->xent_fwd = (vb_xent_desc){.batch = pick(s, 1, 40), .classes = pick(s, 2, 20),
                                 .label_smoothing = pick(s, 0, 1) ? 0.1f : 0.0f};
}

static void xent_describe(const cf_desc *u, char *buf, size_t len)
{
    snprintf(buf, len, "b%lld c%lld ls%.2g", (long long)u->xent_fwd.batch,
             (long long)u->xent_fwd.classes, (double)u->xent_fwd.label_smoothing);
}

/* ---- adam: param, m, v updated in place from grad ------------------------------------- */

static int adam_tensors(const cf_desc *u, cf_tensor *t)
{
    const vb_adam_desc *d = &u->adam_step;
    /* The bias correction 1 − β2ᵗ loses log10(1/(1−β2ᵗ)) digits to cancellation when
     * computed in f32: its condition number is the growth factor of every update. */
    double bc2 = 1.0 - pow((double)d->beta2, (double)d->step);
    int64_t cond = (int64_t)ceil(1.0 / bc2);
    t[0] = tensor("param", d->n, CF_INOUT, CF_FILL_REAL, 1.0f);
    t[1] = tensor("grad", d->n, CF_IN, CF_FILL_REAL, 1.0f);
    t[2] = tensor("m", d->n, CF_INOUT, CF_FILL_REAL, 0.1f);
    t[3] = tensor("v", d->n, CF_INOUT, CF_FILL_POS, 0.1f);
    t[0].reduce = cond;
    t[2].reduce = t[3].reduce = 1;
    return 4;
}

static void adam_random(uint64_t *s, cf_desc *u)
{
    u->adam_step = (vb_adam_desc){.n = pick(s, 1, 5000), .step = pick(s, 1, 1000),
                                  .lr = 1e-3f, .beta1 = 0.9f, .beta2 = 0.999f,
                                  .eps = pick(s, 0, 1) ? 1e-7f : 1e-8f,
                                  .weight_decay = pick(s, 0, 1) ? 1e-4f : 0.05f,
                                  .decay_mode = (vb_decay_mode)pick(s, 0, 2),
                                  .eps_mode = (vb_eps_mode)pick(s, 0, 1)};
}

static void adam_describe(const cf_desc *u, char *buf, size_t len)
{
    const vb_adam_desc *d = &u->adam_step;
    snprintf(buf, len, "n%lld t%lld decay%d eps%d", (long long)d->n, (long long)d->step,
             (int)d->decay_mode, (int)d->eps_mode);
}

/* ---- the table ------------------------------------------------------------------------
 * ulps: rounding errors per accumulated term, in FLT_EPSILON (metrics.c turns it into an
 * NMSE threshold with each output's `reduce`):
 *   1  one rounding per multiply-add (or per divide);
 *   2  a reduction plus a sqrt or divide on the result (norms, softmax backward);
 *   4  libm-class exp/erf/pow, accurate to a few ulps, vectorised variants included. */
#define NONE VB_OP_COUNT

static const cf_opinfo table[VB_OP_COUNT] = {
    /* Exact on integers unless a GELU epilogue's erf or exp rounds. */
    [VB_OP_GEMM] = {VB_OP_GEMM, NONE, 4, gemm_tensors, gemm_flops, gemm_random,
                    gemm_describe},
    [VB_OP_CONV2D_FWD] = {VB_OP_CONV2D_FWD, NONE, 1, conv_tensors, conv_flops, conv_random,
                          conv_describe},
    [VB_OP_CONV2D_BWD_DATA] = {VB_OP_CONV2D_BWD_DATA, VB_OP_CONV2D_FWD, 1,
                               conv_bwd_data_tensors, conv_flops},
    [VB_OP_CONV2D_BWD_WEIGHTS] = {VB_OP_CONV2D_BWD_WEIGHTS, VB_OP_CONV2D_FWD, 1,
                                  conv_bwd_weights_tensors, conv_flops},
    [VB_OP_MAXPOOL_FWD] = {VB_OP_MAXPOOL_FWD, NONE, 1, pool_tensors, NULL, pool_random,
                           pool_describe},
    [VB_OP_MAXPOOL_BWD] = {VB_OP_MAXPOOL_BWD, VB_OP_MAXPOOL_FWD, 1, pool_bwd_tensors},
    [VB_OP_PAD_FWD] = {VB_OP_PAD_FWD, NONE, 1, pad_tensors, NULL, pad_random, pad_describe},
    [VB_OP_PAD_BWD] = {VB_OP_PAD_BWD, VB_OP_PAD_FWD, 1, pad_bwd_tensors},
    [VB_OP_RELU_FWD] = {VB_OP_RELU_FWD, NONE, 1, relu_tensors, NULL, eltwise_random,
                        eltwise_describe},
    [VB_OP_RELU_BWD] = {VB_OP_RELU_BWD, VB_OP_RELU_FWD, 1, relu_bwd_tensors},
    [VB_OP_GELU_FWD] = {VB_OP_GELU_FWD, NONE, 4, gelu_tensors, NULL, eltwise_random,
                        eltwise_describe},
    /* GELU' = Φ(x) + x·φ(x): an erf and an exp. */
    [VB_OP_GELU_BWD] = {VB_OP_GELU_BWD, VB_OP_GELU_FWD, 8, gelu_bwd_tensors},
    [VB_OP_ADD_FWD] = {VB_OP_ADD_FWD, NONE, 1, add_tensors, NULL, add_random, add_describe},
    [VB_OP_ADD_BWD] = {VB_OP_ADD_BWD, VB_OP_ADD_FWD, 1, add_bwd_tensors},
    [VB_OP_LAYERNORM_FWD] = {VB_OP_LAYERNORM_FWD, NONE, 2, layernorm_tensors, NULL,
                             layernorm_random, layernorm_describe},
    [VB_OP_LAYERNORM_BWD] = {VB_OP_LAYERNORM_BWD, VB_OP_LAYERNORM_FWD, 2,
                             layernorm_bwd_tensors},
    [VB_OP_SOFTMAX_FWD] = {VB_OP_SOFTMAX_FWD, NONE, 4, softmax_tensors, NULL, softmax_random,
                           softmax_describe},
    [VB_OP_SOFTMAX_BWD] = {VB_OP_SOFTMAX_BWD, VB_OP_SOFTMAX_FWD, 2, softmax_bwd_tensors},
    [VB_OP_ATTENTION_FWD] = {VB_OP_ATTENTION_FWD, NONE, 4, attention_tensors,
                             attention_flops, attention_random, attention_describe,
                             attention_seed},
    [VB_OP_ATTENTION_BWD] = {VB_OP_ATTENTION_BWD, VB_OP_ATTENTION_FWD, 4,
                             attention_bwd_tensors, attention_bwd_flops,
                             .seed = attention_seed, .bf16_size2 = attention_bwd_bf16_size2},
    [VB_OP_DROPOUT_FWD] = {VB_OP_DROPOUT_FWD, NONE, 1, dropout_tensors, NULL, dropout_random,
                           dropout_describe, dropout_seed},
    [VB_OP_DROPOUT_BWD] = {VB_OP_DROPOUT_BWD, VB_OP_DROPOUT_FWD, 1, dropout_bwd_tensors,
                           .seed = dropout_seed},
    [VB_OP_DROP_PATH_FWD] = {VB_OP_DROP_PATH_FWD, NONE, 1, drop_path_tensors, NULL,
                             drop_path_random, drop_path_describe, drop_path_seed},
    [VB_OP_DROP_PATH_BWD] = {VB_OP_DROP_PATH_BWD, VB_OP_DROP_PATH_FWD, 1,
                             drop_path_bwd_tensors, .seed = drop_path_seed},
    [VB_OP_SEQPOOL_FWD] = {VB_OP_SEQPOOL_FWD, NONE, 4, seqpool_tensors, NULL, seqpool_random,
                           seqpool_describe},
    [VB_OP_SEQPOOL_BWD] = {VB_OP_SEQPOOL_BWD, VB_OP_SEQPOOL_FWD, 4, seqpool_bwd_tensors},
    [VB_OP_XENT_FWD] = {VB_OP_XENT_FWD, NONE, 4, xent_tensors, NULL, xent_random,
                        xent_describe},
    [VB_OP_XENT_BWD] = {VB_OP_XENT_BWD, VB_OP_XENT_FWD, 1, xent_bwd_tensors},
    [VB_OP_ADAM_STEP] = {VB_OP_ADAM_STEP, NONE, 4, adam_tensors, NULL, adam_random,
                         adam_describe},
    /* The same budgets as GELU's: an exp (tanh as a sigmoid) instead of an erf. */
    [VB_OP_GELU_TANH_FWD] = {VB_OP_GELU_TANH_FWD, NONE, 4, gelu_tensors, NULL,
                             eltwise_random, eltwise_describe},
    [VB_OP_GELU_TANH_BWD] = {VB_OP_GELU_TANH_BWD, VB_OP_GELU_TANH_FWD, 8, gelu_bwd_tensors},
};

/* NULL for an op of VB_OPS without an entry above: the test suite checks there is none. */
/* bf16 rounded factors per term (cf_bf16_factors): a product rounds both its factors;
 * attention forward chains two products (Q·Kᵀ, whose error reaches P through the softmax,
 * then P·V), attention backward three (dO·Vᵀ, then dS·K or dSᵀ·Q, with P carrying the
 * forward's Q·Kᵀ). */
static const int bf16_factors[VB_OP_COUNT] = {
    [VB_OP_GEMM] = 2, [VB_OP_CONV2D_FWD] = 2, [VB_OP_CONV2D_BWD_DATA] = 2,
    [VB_OP_CONV2D_BWD_WEIGHTS] = 2, [VB_OP_ATTENTION_FWD] = 4, [VB_OP_ATTENTION_BWD] = 6,
};

int cf_bf16_factors(vb_op op)
{
    return (int)op >= 0 && op < VB_OP_COUNT ? bf16_factors[op] : 0;
}

const cf_opinfo *cf_opinfo_get(vb_op op)
{
    if ((int)op < 0 || op >= VB_OP_COUNT || table[op].tensors == NULL)
        return NULL;
    return &table[op];
}

vb_op cf_family(vb_op op)
{
    return table[op].forward != NONE ? table[op].forward : op;
}

/* ---- calling the slots, generated from VB_OPS ------------------------------------------
 * name_call(b, d, p) calls b->ops.name(b->ctx, &d->name, p[0], ..., p[n − 1]) for an op of
 * n tensor arguments: CF_COUNT counts the arguments of its VB_OPS entry, CF_ARGS_n lists
 * the first n tensors (void * converts to each argument's pointer type). */
#define CF_COUNT(...) CF_COUNT_(__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define CF_COUNT_(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, n, ...) n
#define CF_ARGS_1(p) p[0]
#define CF_ARGS_2(p) CF_ARGS_1(p), p[1]
#define CF_ARGS_3(p) CF_ARGS_2(p), p[2]
#define CF_ARGS_4(p) CF_ARGS_3(p), p[3]
#define CF_ARGS_5(p) CF_ARGS_4(p), p[4]
#define CF_ARGS_6(p) CF_ARGS_5(p), p[5]
#define CF_ARGS_7(p) CF_ARGS_6(p), p[6]
#define CF_ARGS_8(p) CF_ARGS_7(p), p[7]
#define CF_ARGS_9(p) CF_ARGS_8(p), p[8]
#define CF_ARGS_10(p) CF_ARGS_9(p), p[9]
#define CF_ARGS_11(p) CF_ARGS_10(p), p[10]
#define CF_ARGS_12(p) CF_ARGS_11(p), p[11]
#define CF_PASTE(a, b) CF_PASTE_(a, b)
#define CF_PASTE_(a, b) a##b
#define CF_ARGS(p, args) CF_PASTE(CF_ARGS_, CF_COUNT args)(p)

typedef int cf_call_fn(const vb_loaded_backend *b, const cf_desc *d, void *const *p);

#define CF_CALL(ID, name, desc, args)                                                     \
    static int name##_call(const vb_loaded_backend *b, const cf_desc *d, void *const *p)  \
    {                                                                                     \
        return b->ops.name(b->ctx, &d->name, CF_ARGS(p, args));                           \
    }
VB_OPS(CF_CALL)
#undef CF_CALL

static cf_call_fn *const calls[VB_OP_COUNT] = {
#define CF_CALL_ENTRY(ID, name, desc, args) [VB_OP_##ID] = name##_call,
    VB_OPS(CF_CALL_ENTRY)
#undef CF_CALL_ENTRY
};

int cf_call(vb_op op, const vb_loaded_backend *b, const cf_desc *d, void *const *p,
            uint64_t seed)
{
    cf_desc seeded = *d;
    if (table[op].seed)
        table[op].seed(&seeded, seed);
    return calls[op](b, &seeded, p);
}

const vb_loaded_backend *cf_reference(void)
{
    static vb_loaded_backend *reference;
    char err[256];
    if (!reference && !(reference = vb_backend_load("reference", 1, err, sizeof err))) {
        fprintf(stderr, "vbcheck: %s\n", err);
        exit(1);
    }
    return reference;
}
