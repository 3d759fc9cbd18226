/* Max pooling on oneDNN's pooling primitives (NHWC, asymmetric padding; oneDNN's padded
 * positions never win, as ops.h asks, and ties go to the first maximum in window order).
 *
 * oneDNN's backward reads a workspace of argmax positions written by a training-mode
 * forward; the ABI hands backward x and y instead. So the backward entry holds two
 * primitives: a forward_training run on x rebuilds the workspace (its y goes to a staged
 * buffer), then the backward routes dy through it. */
#include "cache.h"
#include "check.h"
#include "onednn.h"
#include "unary.h"

static int forward_desc(dnnl_pooling_desc_t *op, const vb_pool_desc *d, dnnl_prop_kind_t prop)
{
    dnnl_memory_desc_t x, y;
    VB_TRY(vb_md_tag(&x, 4, (dnnl_dims_t){ d->n, d->c, d->h, d->w }, dnnl_nhwc));
    VB_TRY(vb_md_tag(&y, 4, (dnnl_dims_t){ d->n, d->c, d->oh, d->ow }, dnnl_nhwc));
    return vb_dnnl_err(dnnl_pooling_forward_desc_init(
        op, prop, dnnl_pooling_max, &x, &y, (dnnl_dims_t){ d->stride_h, d->stride_w },
        (dnnl_dims_t){ d->kh, d->kw }, (dnnl_dims_t){ d->pad_top, d->pad_left },
        (dnnl_dims_t){ d->pad_bottom, d->pad_right }));
}

static vb_key pool_key(vb_op op, const vb_pool_desc *d)
{
    return VB_KEY(op, d->n, d->h, d->w, d->c, d->kh, d->kw, d->stride_h, d->stride_w,
                  d->pad_top, d->pad_bottom, d->pad_left, d->pad_right, d->oh, d->ow);
}

static int build_fwd(vb_backend_ctx *ctx, vb_entry *e, const void *desc)
{
    dnnl_pooling_desc_t op;
    VB_TRY(forward_desc(&op, desc, dnnl_forward_inference));
    return vb_unary_create_fwd(ctx, e, &op);
}

int vb_onednn_maxpool_fwd(vb_backend_ctx *ctx, const vb_pool_desc *d, const float *x, float *y)
{
    const vb_key key = pool_key(VB_OP_MAXPOOL_FWD, d);
    return vb_unary_fwd(ctx, &key, build_fwd, d, x, y);
}

enum { TRAIN_X, TRAIN_Y, TRAIN_WS, TRAIN_ARGS };
enum { BWD_DY, BWD_WS, BWD_DX, BWD_ARGS };

/* prim[0]: forward_training (x → staged y, staged workspace); prim[1]: backward. */
static int build_bwd(vb_backend_ctx *ctx, vb_entry *e, const void *desc)
{
    dnnl_pooling_desc_t fwd, op;
    VB_TRY(forward_desc(&fwd, desc, dnnl_forward_training));
    const int train_args[TRAIN_ARGS] = { DNNL_ARG_SRC, DNNL_ARG_DST | VB_STAGED,
                                         DNNL_ARG_WORKSPACE | VB_STAGED };
    VB_TRY(vb_prim_create(ctx, &e->prim[0], &fwd, NULL, NULL, train_args, TRAIN_ARGS));

    VB_DNNL_TRY(dnnl_pooling_backward_desc_init(&op, dnnl_pooling_max, &fwd.src_desc,
                                                &fwd.dst_desc, fwd.strides, fwd.kernel,
                                                fwd.padding[0], fwd.padding[1]));
    const int args[BWD_ARGS] = { DNNL_ARG_DIFF_DST, DNNL_ARG_WORKSPACE,
                                 DNNL_ARG_DIFF_SRC | VB_STAGED };
    return vb_prim_create(ctx, &e->prim[1], &op, NULL, &fwd, args, BWD_ARGS);
}

int vb_onednn_maxpool_bwd(vb_backend_ctx *ctx, const vb_pool_desc *d, const float *x,
                          const float *y, const float *dy, float *dx)
{
    if (dx == NULL)
        return VB_OK;
    const vb_key key = pool_key(VB_OP_MAXPOOL_BWD, d);
    vb_entry *e;
    VB_TRY(vb_cache_get(ctx, &key, build_bwd, d, &e));
    VB_TRY(vb_prim_run(ctx, &e->prim[0], (const void *[TRAIN_ARGS]){ x, NULL, NULL }));
    const void *workspace = vb_prim_staged(&e->prim[0], DNNL_ARG_WORKSPACE);
    VB_TRY(vb_prim_run(ctx, &e->prim[1], (const void *[BWD_ARGS]){ dy, workspace, NULL }));
    vb_prim_accumulate(ctx, &e->prim[1], DNNL_ARG_DIFF_SRC, dx);
    return VB_OK;
}
