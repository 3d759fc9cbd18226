/* 2-D convolution on oneDNN's convolution primitives: forward, backward-data and
 * backward-weights, on the caller's NHWC activations and the ABI's asymmetric padding
 * (padding_l = top/left, padding_r = bottom/right).
 *
 * Filters: oneDNN's fast kernels want their own blocked filter layout and fall back to a
 * slower im2col + gemm when held to plain HWIO, so each primitive is created with the
 * filter format left to oneDNN ("any") and its entry holds a second primitive, a reorder
 * between that layout and the caller's HWIO: forward and backward-data pack w before
 * running; backward-weights unpacks its result with a sum post-op, so dw += lands in
 * place. The reorder moves kh·kw·c·oc values, little next to the convolution.
 *
 * bf16 (backend.h): the convolution reads x, dy and the filter as bf16 — the filter
 * reorder converts as it packs, and x and dy are NHWC copies in the context's bf16
 * buffers (vb_common_to_bf16) — while y, dx, dw and dbias stay f32. The batch runs in
 * pieces whose copies fit VB_ONEDNN_BF16_PIECE_MAX (in_pieces).
 *
 * Entries: prim[0] the convolution (filter staged in its layout), prim[1] the filter
 * reorder. Backward outputs oneDNN overwrites (dx, dbias) are staged and added, as the ABI
 * asks. */
#include "cache.h"
#include "check.h"
#include "onednn.h"

static int filter_md(dnnl_memory_desc_t *md, const vb_conv2d_desc *d, dnnl_data_type_t dt,
                     dnnl_format_tag_t tag)
{
    return vb_md_tag_dt(md, 4, (dnnl_dims_t){ d->oc, d->c, d->kh, d->kw }, dt, tag);
}

/* The input image x (out = 0) or the output image y (out = 1), NHWC, in type dt. */
static int image_md(dnnl_memory_desc_t *md, const vb_conv2d_desc *d, int out,
                    dnnl_data_type_t dt)
{
    const dnnl_dims_t dims = { d->n, out ? d->oc : d->c, out ? d->oh : d->h,
                               out ? d->ow : d->w };
    return vb_md_tag_dt(md, 4, dims, dt, dnnl_nhwc);
}

/* The forward descriptor of d: the forward op itself, and the hint every backward
 * primitive is created from. x and the filter in the compute type, y f32; bias only
 * where the forward has one. */
static int forward_desc(vb_backend_ctx *ctx, dnnl_convolution_desc_t *op,
                        const vb_conv2d_desc *d, int with_bias)
{
    dnnl_memory_desc_t x, w, bias, y;
    VB_TRY(image_md(&x, d, 0, vb_compute_dt(ctx)));
    VB_TRY(filter_md(&w, d, vb_compute_dt(ctx), dnnl_format_tag_any));
    VB_TRY(vb_md_tag(&bias, 1, (dnnl_dims_t){ d->oc }, dnnl_a));
    VB_TRY(image_md(&y, d, 1, dnnl_f32));
    return vb_dnnl_err(dnnl_convolution_forward_desc_init(
        op, dnnl_forward_training, dnnl_convolution_direct, &x, &w, with_bias ? &bias : NULL,
        &y, (dnnl_dims_t){ d->stride_h, d->stride_w }, (dnnl_dims_t){ d->pad_top, d->pad_left },
        (dnnl_dims_t){ d->pad_bottom, d->pad_right }));
}

/* Whether the image inputs are converted to bf16 rather than read in place. */
static int in_bf16(const vb_backend_ctx *ctx) { return vb_compute_dt(ctx) != dnnl_f32; }

/* The image the convolution reads for the caller's f32 *src (out: y-shaped, else
 * x-shaped): *src itself in f32 mode; in bf16 mode its copy in the context's bf16 buffer
 * `which`. VB_ENOMEM when that buffer cannot grow. */
static int image_input(vb_backend_ctx *ctx, const vb_conv2d_desc *d, int out, int which,
                       const float *src, const void **image)
{
    *image = src;
    if (!in_bf16(ctx))
        return VB_OK;
    const int64_t pixels = d->n * (out ? d->oh * d->ow : d->h * d->w), ch = out ? d->oc : d->c;
    uint16_t *copy = vb_common_bf16_buffer(ctx, which, (size_t)(pixels * ch));
    if (!copy)
        return VB_ENOMEM;
    vb_common_to_bf16(ctx, src, 1, 0, pixels, ch, ch, copy);
    *image = copy;
    return VB_OK;
}

/* The tensors of one convolution call; those an op does not take are NULL. */
typedef struct conv_io {
    const float *x, *w, *bias, *dy;
    float *y, *dx, *dw, *dbias;
} conv_io;

/* p + offset, or NULL for an absent tensor. */
static const float *at(const float *p, int64_t offset) { return p ? p + offset : NULL; }
static float *at_mut(float *p, int64_t offset) { return p ? p + offset : NULL; }

/* Runs `whole` on the batch in pieces of images whose bf16 copies fit
 * VB_ONEDNN_BF16_PIECE_MAX (onednn.h), the whole batch at once in f32. Every output is
 * per image (y, dx) or accumulated (dw, dbias), so pieces compose. */
static int in_pieces(vb_backend_ctx *ctx, const vb_conv2d_desc *d, const conv_io *io,
                     int (*whole)(vb_backend_ctx *, const vb_conv2d_desc *, const conv_io *))
{
    const int64_t x_image = d->h * d->w * d->c, y_image = d->oh * d->ow * d->oc;
    const int64_t largest = x_image > y_image ? x_image : y_image;
    int64_t per_piece = in_bf16(ctx) ? VB_ONEDNN_BF16_PIECE_MAX / largest : d->n;
    if (per_piece < 1) per_piece = 1;
    for (int64_t i = 0; i < d->n; i += per_piece) {
        vb_conv2d_desc piece = *d;
        piece.n = d->n - i < per_piece ? d->n - i : per_piece;
        const conv_io p = { at(io->x, i * x_image), io->w, io->bias, at(io->dy, i * y_image),
                            at_mut(io->y, i * y_image), at_mut(io->dx, i * x_image),
                            io->dw, io->dbias };
        VB_TRY(whole(ctx, &piece, &p));
    }
    return VB_OK;
}

/* Every shape field of d, then one variant value. */
static vb_key conv_key(vb_op op, const vb_conv2d_desc *d, int64_t variant)
{
    return VB_KEY(op, d->n, d->h, d->w, d->c, d->oc, d->kh, d->kw, d->stride_h, d->stride_w,
                  d->pad_top, d->pad_bottom, d->pad_left, d->pad_right, d->oh, d->ow,
                  variant);
}

/* prim[1]: HWIO → the layout prim[0] chose for its filter argument `arg` (pack), or that
 * layout → HWIO accumulating into the destination (unpack). */
static int build_filter_reorder(vb_backend_ctx *ctx, vb_entry *e, const vb_conv2d_desc *d,
                                int arg, int unpack)
{
    dnnl_memory_desc_t hwio;
    VB_TRY(filter_md(&hwio, d, dnnl_f32, dnnl_hwio));
    if (!unpack)
        return vb_prim_create_staging(ctx, &e->prim[1], &hwio, &e->prim[0], arg);
    const dnnl_memory_desc_t *chosen = vb_prim_md(&e->prim[0], arg);

    dnnl_primitive_attr_t attr;
    dnnl_post_ops_t po;
    VB_DNNL_TRY(dnnl_primitive_attr_create(&attr));
    dnnl_status_t s = dnnl_post_ops_create(&po);
    if (s == dnnl_success) {
        s = dnnl_post_ops_append_sum(po, 1.0f);
        if (s == dnnl_success)
            s = dnnl_primitive_attr_set_post_ops(attr, po);
        dnnl_post_ops_destroy(po);
    }
    int err = vb_dnnl_err(s);
    if (err == VB_OK)
        err = vb_prim_create_reorder(ctx, &e->prim[1], chosen, &hwio, attr);
    dnnl_primitive_attr_destroy(attr);
    return err;
}

/* Copies the caller's HWIO filter into the convolution's own layout (and type). */
static int pack_filter(vb_backend_ctx *ctx, const vb_entry *e, const float *w)
{
    return vb_prim_stage(ctx, &e->prim[1], &e->prim[0], DNNL_ARG_WEIGHTS, w);
}

/* ---- forward: y = conv(x, w) + bias ------------------------------------------------- */

enum { FWD_X, FWD_W, FWD_BIAS, FWD_Y, FWD_ARGS };

static int build_fwd(vb_backend_ctx *ctx, vb_entry *e, const void *desc)
{
    const vb_conv2d_desc *d = desc;
    dnnl_convolution_desc_t op;
    VB_TRY(forward_desc(ctx, &op, d, d->has_bias));
    const int args[FWD_ARGS] = { DNNL_ARG_SRC, DNNL_ARG_WEIGHTS | VB_STAGED,
                                 d->has_bias ? DNNL_ARG_BIAS : VB_ARG_NONE, DNNL_ARG_DST };
    VB_TRY(vb_prim_create(ctx, &e->prim[0], &op, NULL, NULL, args, FWD_ARGS));
    return build_filter_reorder(ctx, e, d, DNNL_ARG_WEIGHTS, 0);
}

static int fwd_whole(vb_backend_ctx *ctx, const vb_conv2d_desc *d, const conv_io *io)
{
    const float *x = io->x, *w = io->w, *bias = io->bias;
    float *y = io->y;
    const vb_key key = conv_key(VB_OP_CONV2D_FWD, d, d->has_bias);
    vb_entry *e;
    VB_TRY(vb_cache_get(ctx, &key, build_fwd, d, &e));
    VB_TRY(pack_filter(ctx, e, w));
    const void *image;
    VB_TRY(image_input(ctx, d, 0, 0, x, &image));
    return vb_prim_run(ctx, &e->prim[0], (const void *[FWD_ARGS]){ image, NULL, bias, y });
}

/* ---- backward data: dx += conv_transposed(dy, w) ------------------------------------ */

enum { BWD_DATA_DY, BWD_DATA_W, BWD_DATA_DX, BWD_DATA_ARGS };

static int build_bwd_data(vb_backend_ctx *ctx, vb_entry *e, const void *desc)
{
    const vb_conv2d_desc *d = desc;
    dnnl_convolution_desc_t fwd, op;
    dnnl_memory_desc_t dx, dy;
    VB_TRY(forward_desc(ctx, &fwd, d, 0));
    VB_TRY(image_md(&dx, d, 0, dnnl_f32));
    VB_TRY(image_md(&dy, d, 1, vb_compute_dt(ctx)));
    VB_DNNL_TRY(dnnl_convolution_backward_data_desc_init(
        &op, dnnl_convolution_direct, &dx, &fwd.weights_desc, &dy, fwd.strides,
        fwd.padding[0], fwd.padding[1]));
    const int args[BWD_DATA_ARGS] = { DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS | VB_STAGED,
                                      DNNL_ARG_DIFF_SRC | VB_STAGED };
    VB_TRY(vb_prim_create(ctx, &e->prim[0], &op, NULL, &fwd, args, BWD_DATA_ARGS));
    return build_filter_reorder(ctx, e, d, DNNL_ARG_WEIGHTS, 0);
}

static int bwd_data_whole(vb_backend_ctx *ctx, const vb_conv2d_desc *d, const conv_io *io)
{
    const float *dy = io->dy, *w = io->w;
    float *dx = io->dx;
    const vb_key key = conv_key(VB_OP_CONV2D_BWD_DATA, d, 0);
    vb_entry *e;
    VB_TRY(vb_cache_get(ctx, &key, build_bwd_data, d, &e));
    VB_TRY(pack_filter(ctx, e, w));
    const void *grad;
    VB_TRY(image_input(ctx, d, 1, 0, dy, &grad));
    VB_TRY(vb_prim_run(ctx, &e->prim[0], (const void *[BWD_DATA_ARGS]){ grad, NULL, NULL }));
    vb_prim_accumulate(ctx, &e->prim[0], DNNL_ARG_DIFF_SRC, dx);
    return VB_OK;
}

/* ---- backward weights: dw += Σ x ⊗ dy, dbias += Σ dy --------------------------------- */

enum { BWD_W_X, BWD_W_DY, BWD_W_DW, BWD_W_DBIAS, BWD_W_ARGS };

/* oneDNN 2.6's 1x1 backward-weights kernel runs a strided 1x1 convolution by first
 * copying the strided input rows into a dense workspace ("reduce to unit stride"); on
 * NHWC input with few channels that copy writes past the workspace, corrupting the heap
 * or dw. Such shapes take oneDNN's next implementation instead. */
static int strided_1x1(const vb_conv2d_desc *d)
{
    return d->kh == 1 && d->kw == 1 && (d->stride_h > 1 || d->stride_w > 1);
}

/* The key's variant: whether dbias is wanted. */
static int build_bwd_weights(vb_backend_ctx *ctx, vb_entry *e, const void *desc)
{
    const vb_conv2d_desc *d = desc;
    const int with_bias = (int)vb_entry_variant(e);
    dnnl_convolution_desc_t fwd, op;
    dnnl_memory_desc_t dw, dy;
    VB_TRY(forward_desc(ctx, &fwd, d, with_bias));
    VB_TRY(filter_md(&dw, d, dnnl_f32, dnnl_format_tag_any));
    VB_TRY(image_md(&dy, d, 1, vb_compute_dt(ctx)));
    VB_DNNL_TRY(dnnl_convolution_backward_weights_desc_init(
        &op, dnnl_convolution_direct, &fwd.src_desc, &dw, with_bias ? &fwd.bias_desc : NULL,
        &dy, fwd.strides, fwd.padding[0], fwd.padding[1]));
    const int args[BWD_W_ARGS] = {
        DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS | VB_STAGED,
        with_bias ? DNNL_ARG_DIFF_BIAS | VB_STAGED : VB_ARG_NONE };
    VB_TRY(vb_prim_create_avoiding(ctx, &e->prim[0], strided_1x1(d) ? "jit_1x1" : NULL, &op,
                                   NULL, &fwd, args, BWD_W_ARGS));
    return build_filter_reorder(ctx, e, d, DNNL_ARG_DIFF_WEIGHTS, 1);
}

static int bwd_weights_whole(vb_backend_ctx *ctx, const vb_conv2d_desc *d, const conv_io *io)
{
    const float *x = io->x, *dy = io->dy;
    float *dw = io->dw, *dbias = io->dbias;
    const vb_key key = conv_key(VB_OP_CONV2D_BWD_WEIGHTS, d, dbias != NULL);
    vb_entry *e;
    VB_TRY(vb_cache_get(ctx, &key, build_bwd_weights, d, &e));
    const void *image, *grad;
    VB_TRY(image_input(ctx, d, 0, 0, x, &image));
    VB_TRY(image_input(ctx, d, 1, 1, dy, &grad));
    VB_TRY(vb_prim_run(ctx, &e->prim[0], (const void *[BWD_W_ARGS]){ image, grad, NULL, NULL }));
    if (dw != NULL) {
        void *packed = vb_prim_staged(&e->prim[0], DNNL_ARG_DIFF_WEIGHTS);
        VB_TRY(vb_prim_run(ctx, &e->prim[1], (const void *[]){ packed, dw }));
    }
    vb_prim_accumulate(ctx, &e->prim[0], DNNL_ARG_DIFF_BIAS, dbias);
    return VB_OK;
}

int vb_onednn_conv2d_fwd(vb_backend_ctx *ctx, const vb_conv2d_desc *d, const float *x,
                         const float *w, const float *bias, float *y)
{
    return in_pieces(ctx, d, &(conv_io){ .x = x, .w = w, .bias = bias, .y = y }, fwd_whole);
}

int vb_onednn_conv2d_bwd_data(vb_backend_ctx *ctx, const vb_conv2d_desc *d, const float *dy,
                              const float *w, float *dx)
{
    if (dx == NULL)
        return VB_OK;
    return in_pieces(ctx, d, &(conv_io){ .dy = dy, .w = w, .dx = dx }, bwd_data_whole);
}

int vb_onednn_conv2d_bwd_weights(vb_backend_ctx *ctx, const vb_conv2d_desc *d, const float *x,
                                 const float *dy, float *dw, float *dbias)
{
    if (dw == NULL && dbias == NULL)
        return VB_OK;
    return in_pieces(ctx, d, &(conv_io){ .x = x, .dy = dy, .dw = dw, .dbias = dbias },
                     bwd_weights_whole);
}
