/* Softmax over the last axis of (rows, cols) on oneDNN's softmax primitives. */
#include "check.h"
#include "onednn.h"
#include "unary.h"

static int forward_desc(dnnl_softmax_desc_t *op, const vb_softmax_desc *d)
{
    dnnl_memory_desc_t x;
    VB_TRY(vb_md_tag(&x, 2, (dnnl_dims_t){ d->rows, d->cols }, dnnl_ab));
    return vb_dnnl_err(dnnl_softmax_forward_desc_init(op, dnnl_forward_training, &x, 1));
}

static int build_fwd(vb_backend_ctx *ctx, vb_entry *e, const void *desc)
{
    dnnl_softmax_desc_t op;
    VB_TRY(forward_desc(&op, desc));
    return vb_unary_create_fwd(ctx, e, &op);
}

/* dx += y ⊙ (dy − Σ dy·y): the backward reads y (DST). */
static int build_bwd(vb_backend_ctx *ctx, vb_entry *e, const void *desc)
{
    dnnl_softmax_desc_t fwd, op;
    VB_TRY(forward_desc(&fwd, desc));
    VB_DNNL_TRY(dnnl_softmax_backward_desc_init(&op, &fwd.data_desc, &fwd.data_desc, 1));
    return vb_unary_create_bwd(ctx, e, &op, &fwd, DNNL_ARG_DST);
}

int vb_onednn_softmax_fwd(vb_backend_ctx *ctx, const vb_softmax_desc *d, const float *x,
                          float *y)
{
    const vb_key key = VB_KEY(VB_OP_SOFTMAX_FWD, d->rows, d->cols);
    return vb_unary_fwd(ctx, &key, build_fwd, d, x, y);
}

int vb_onednn_softmax_bwd(vb_backend_ctx *ctx, const vb_softmax_desc *d, const float *y,
                          const float *dy, float *dx)
{
    const vb_key key = VB_KEY(VB_OP_SOFTMAX_BWD, d->rows, d->cols);
    return vb_unary_bwd(ctx, &key, build_bwd, d, y, dy, dx);
}
