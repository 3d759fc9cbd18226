/* Descriptor validation: every op call is checked here before any backend runs it. */
#include "vitbench/desc_check.h"

#include <stdarg.h>
#include <stdio.h>
#include "vitbench/loader.h"

/* Writes "op: message" into err and returns VB_EINVAL. */
static int reject(vb_op op, char *err, size_t err_len, const char *fmt, ...)
{
    if (err && err_len) {
        int n = snprintf(err, err_len, "%s: ", vb_op_name(op));
        va_list ap;
        va_start(ap, fmt);
        if (n >= 0 && (size_t)n < err_len) vsnprintf(err + n, err_len - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return VB_EINVAL;
}

#define REQUIRE(cond, ...) \
    do { if (!(cond)) return reject(op, err, err_len, __VA_ARGS__); } while (0)

/* Sizes must be positive and small enough that products of three fit in int64. */
#define VB_DIM_MAX ((int64_t)1 << 31)
#define REQUIRE_DIM(field) \
    REQUIRE((field) > 0 && (field) < VB_DIM_MAX, #field " = %lld must be in [1, 2^31)", \
            (long long)(field))
#define REQUIRE_RATE(field) \
    REQUIRE((field) >= 0.0f && (field) < 1.0f, #field " = %g must be in [0, 1)", \
            (double)(field))

int64_t vb_window_out(int64_t in, int64_t k, int64_t stride, int64_t pad_lo, int64_t pad_hi)
{
    int64_t span = in + pad_lo + pad_hi - k;
    if (stride <= 0 || span < 0) return 0;
    return span / stride + 1;
}

/* The window geometry shared by convolution and pooling (names as in the descriptors,
 * so errors name the field the caller set). */
static int check_window(vb_op op, char *err, size_t err_len, int64_t h, int64_t w,
                        int64_t kh, int64_t kw, int64_t stride_h, int64_t stride_w,
                        int64_t pad_top, int64_t pad_bottom, int64_t pad_left,
                        int64_t pad_right, int64_t oh, int64_t ow)
{
    REQUIRE_DIM(kh);
    REQUIRE_DIM(kw);
    REQUIRE_DIM(stride_h);
    REQUIRE_DIM(stride_w);
    REQUIRE(pad_top >= 0 && pad_bottom >= 0 && pad_left >= 0 && pad_right >= 0,
            "padding must be >= 0");
    int64_t want_h = vb_window_out(h, kh, stride_h, pad_top, pad_bottom);
    int64_t want_w = vb_window_out(w, kw, stride_w, pad_left, pad_right);
    REQUIRE(want_h > 0 && want_w > 0, "kernel %lldx%lld does not fit input %lldx%lld",
            (long long)kh, (long long)kw, (long long)h, (long long)w);
    REQUIRE(oh == want_h && ow == want_w, "oh, ow = %lld, %lld but the window gives %lld, %lld",
            (long long)oh, (long long)ow, (long long)want_h, (long long)want_w);
    return VB_OK;
}

static int check_gemm(vb_op op, const vb_gemm_desc *d, char *err, size_t err_len)
{
    REQUIRE_DIM(d->batch);
    REQUIRE_DIM(d->m);
    REQUIRE_DIM(d->n);
    REQUIRE_DIM(d->k);
    int64_t a_cols = d->trans_a ? d->m : d->k, b_cols = d->trans_b ? d->k : d->n;
    REQUIRE(d->lda >= a_cols, "lda = %lld is less than the %lld columns of A", (long long)d->lda,
            (long long)a_cols);
    REQUIRE(d->ldb >= b_cols, "ldb = %lld is less than the %lld columns of B", (long long)d->ldb,
            (long long)b_cols);
    REQUIRE(d->ldc >= d->n, "ldc = %lld is less than n = %lld", (long long)d->ldc,
            (long long)d->n);
    REQUIRE(d->stride_a >= 0 && d->stride_b >= 0, "batch strides must be >= 0");
    REQUIRE(d->batch == 1 || d->stride_c >= d->m * d->ldc,
            "stride_c = %lld lets batches of C overlap (need >= m*ldc = %lld)",
            (long long)d->stride_c, (long long)(d->m * d->ldc));
    REQUIRE(d->act == VB_ACT_NONE || d->act == VB_ACT_RELU || d->act == VB_ACT_GELU ||
                d->act == VB_ACT_GELU_TANH,
            "unknown activation %d", (int)d->act);
    return VB_OK;
}

static int check_conv2d(vb_op op, const vb_conv2d_desc *d, char *err, size_t err_len)
{
    REQUIRE_DIM(d->n);
    REQUIRE_DIM(d->h);
    REQUIRE_DIM(d->w);
    REQUIRE_DIM(d->c);
    REQUIRE_DIM(d->oc);
    return check_window(op, err, err_len, d->h, d->w, d->kh, d->kw, d->stride_h, d->stride_w,
                        d->pad_top, d->pad_bottom, d->pad_left, d->pad_right, d->oh, d->ow);
}

static int check_pool(vb_op op, const vb_pool_desc *d, char *err, size_t err_len)
{
    REQUIRE_DIM(d->n);
    REQUIRE_DIM(d->h);
    REQUIRE_DIM(d->w);
    REQUIRE_DIM(d->c);
    /* A window made only of padding would have no maximum. */
    REQUIRE(d->pad_top < d->kh && d->pad_bottom < d->kh && d->pad_left < d->kw &&
                d->pad_right < d->kw,
            "padding must be smaller than the kernel");
    return check_window(op, err, err_len, d->h, d->w, d->kh, d->kw, d->stride_h, d->stride_w,
                        d->pad_top, d->pad_bottom, d->pad_left, d->pad_right, d->oh, d->ow);
}

static int check_pad(vb_op op, const vb_pad_desc *d, char *err, size_t err_len)
{
    REQUIRE_DIM(d->n);
    REQUIRE_DIM(d->h);
    REQUIRE_DIM(d->w);
    REQUIRE_DIM(d->c);
    REQUIRE(d->top >= 0 && d->bottom >= 0 && d->left >= 0 && d->right >= 0,
            "padding must be >= 0");
    return VB_OK;
}

static int check_eltwise(vb_op op, const vb_eltwise_desc *d, char *err, size_t err_len)
{
    REQUIRE_DIM(d->n);
    return VB_OK;
}

static int check_add(vb_op op, const vb_add_desc *d, char *err, size_t err_len)
{
    REQUIRE_DIM(d->n);
    REQUIRE_DIM(d->nb);
    REQUIRE(d->n % d->nb == 0, "nb = %lld does not divide n = %lld", (long long)d->nb,
            (long long)d->n);
    return VB_OK;
}

static int check_layernorm(vb_op op, const vb_layernorm_desc *d, char *err, size_t err_len)
{
    REQUIRE_DIM(d->rows);
    REQUIRE_DIM(d->cols);
    REQUIRE(d->eps > 0.0f, "eps = %g must be > 0", (double)d->eps);
    return VB_OK;
}

static int check_softmax(vb_op op, const vb_softmax_desc *d, char *err, size_t err_len)
{
    REQUIRE_DIM(d->rows);
    REQUIRE_DIM(d->cols);
    return VB_OK;
}

static int check_attention(vb_op op, const vb_attention_desc *d, char *err, size_t err_len)
{
    REQUIRE_DIM(d->batch);
    REQUIRE_DIM(d->tokens);
    REQUIRE_DIM(d->heads);
    REQUIRE_DIM(d->head_dim);
    int64_t width = d->heads * d->head_dim;
    REQUIRE(d->q_row_stride >= width && d->k_row_stride >= width &&
                d->v_row_stride >= width && d->o_row_stride >= width,
            "row strides must be >= heads*head_dim = %lld", (long long)width);
    REQUIRE(!d->diag_mask || d->tokens >= 2,
            "diag_mask with %lld token(s) masks every score of a row", (long long)d->tokens);
    REQUIRE_RATE(d->dropout);
    REQUIRE(d->first_sample >= 0, "first_sample %lld must be >= 0", (long long)d->first_sample);
    return VB_OK;
}

static int check_dropout(vb_op op, const vb_dropout_desc *d, char *err, size_t err_len)
{
    REQUIRE_DIM(d->n);
    REQUIRE_RATE(d->rate);
    REQUIRE(d->first >= 0, "first %lld must be >= 0", (long long)d->first);
    return VB_OK;
}

static int check_drop_path(vb_op op, const vb_drop_path_desc *d, char *err, size_t err_len)
{
    REQUIRE_DIM(d->batch);
    REQUIRE_DIM(d->per_sample);
    REQUIRE_RATE(d->rate);
    REQUIRE(d->first_sample >= 0, "first_sample %lld must be >= 0", (long long)d->first_sample);
    return VB_OK;
}

static int check_seqpool(vb_op op, const vb_seqpool_desc *d, char *err, size_t err_len)
{
    REQUIRE_DIM(d->batch);
    REQUIRE_DIM(d->tokens);
    REQUIRE_DIM(d->dim);
    return VB_OK;
}

static int check_xent(vb_op op, const vb_xent_desc *d, char *err, size_t err_len)
{
    REQUIRE_DIM(d->batch);
    REQUIRE(d->classes >= 2 && d->classes < VB_DIM_MAX, "classes = %lld must be >= 2",
            (long long)d->classes);
    REQUIRE_RATE(d->label_smoothing);
    return VB_OK;
}

static int check_adam(vb_op op, const vb_adam_desc *d, char *err, size_t err_len)
{
    REQUIRE(d->n > 0, "n = %lld must be > 0", (long long)d->n);
    REQUIRE(d->step >= 1, "step = %lld must be >= 1 (bias correction)", (long long)d->step);
    REQUIRE(d->lr >= 0.0f, "lr = %g must be >= 0", (double)d->lr);
    REQUIRE_RATE(d->beta1);
    REQUIRE_RATE(d->beta2);
    REQUIRE(d->eps > 0.0f, "eps = %g must be > 0", (double)d->eps);
    REQUIRE(d->weight_decay >= 0.0f, "weight_decay = %g must be >= 0", (double)d->weight_decay);
    REQUIRE(d->decay_mode >= VB_DECAY_NONE && d->decay_mode <= VB_DECAY_DECOUPLED_LR,
            "unknown decay_mode %d", (int)d->decay_mode);
    REQUIRE(d->eps_mode == VB_EPS_TORCH || d->eps_mode == VB_EPS_KERAS, "unknown eps_mode %d",
            (int)d->eps_mode);
    return VB_OK;
}

/* Maps each op's descriptor type to its checker. */
#define check_vb_gemm_desc check_gemm
#define check_vb_conv2d_desc check_conv2d
#define check_vb_pool_desc check_pool
#define check_vb_pad_desc check_pad
#define check_vb_eltwise_desc check_eltwise
#define check_vb_add_desc check_add
#define check_vb_layernorm_desc check_layernorm
#define check_vb_softmax_desc check_softmax
#define check_vb_attention_desc check_attention
#define check_vb_dropout_desc check_dropout
#define check_vb_drop_path_desc check_drop_path
#define check_vb_seqpool_desc check_seqpool
#define check_vb_xent_desc check_xent
#define check_vb_adam_desc check_adam

int vb_desc_check(vb_op op, const void *desc, char *err, size_t err_len)
{
    if (err && err_len) err[0] = '\0';
    if ((int)op < 0 || op >= VB_OP_COUNT) return reject(op, err, err_len, "unknown op %d", (int)op);
    if (!desc) return reject(op, err, err_len, "NULL descriptor");
    switch (op) {
#define VB_CHECK_CASE(ID, name, desc_type, args) \
    case VB_OP_##ID: return check_##desc_type(op, (const desc_type *)desc, err, err_len);
        VB_OPS(VB_CHECK_CASE)
#undef VB_CHECK_CASE
    default: break;
    }
    return VB_EINVAL;
}

size_t vb_desc_size(vb_op op)
{
    switch (op) {
#define VB_SIZE_CASE(ID, name, desc_type, args) \
    case VB_OP_##ID: return sizeof(desc_type);
        VB_OPS(VB_SIZE_CASE)
#undef VB_SIZE_CASE
    default: return 0;
    }
}
