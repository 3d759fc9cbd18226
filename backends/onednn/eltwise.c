/* ReLU, exact GELU and tanh GELU on oneDNN's eltwise primitives (dnnl_eltwise_relu with
 * slope 0, dnnl_eltwise_gelu_erf, dnnl_eltwise_gelu_tanh), over n contiguous values seen
 * as a 1-D tensor. The algorithm is the key's variant. */
#include "check.h"
#include "onednn.h"
#include "unary.h"

static int forward_desc(dnnl_eltwise_desc_t *op, const vb_eltwise_desc *d, dnnl_alg_kind_t alg)
{
    dnnl_memory_desc_t x;
    VB_TRY(vb_md_tag(&x, 1, (dnnl_dims_t){ d->n }, dnnl_a));
    return vb_dnnl_err(dnnl_eltwise_forward_desc_init(op, dnnl_forward_training, alg, &x,
                                                      0.0f, 0.0f));
}

static int build_fwd(vb_backend_ctx *ctx, vb_entry *e, const void *desc)
{
    dnnl_eltwise_desc_t op;
    VB_TRY(forward_desc(&op, desc, (dnnl_alg_kind_t)vb_entry_variant(e)));
    return vb_unary_create_fwd(ctx, e, &op);
}

/* dx += f'(x)·dy: the backward reads x (SRC). */
static int build_bwd(vb_backend_ctx *ctx, vb_entry *e, const void *desc)
{
    const dnnl_alg_kind_t alg = (dnnl_alg_kind_t)vb_entry_variant(e);
    dnnl_eltwise_desc_t fwd, op;
    VB_TRY(forward_desc(&fwd, desc, alg));
    VB_DNNL_TRY(dnnl_eltwise_backward_desc_init(&op, alg, &fwd.data_desc, &fwd.data_desc,
                                                0.0f, 0.0f));
    return vb_unary_create_bwd(ctx, e, &op, &fwd, DNNL_ARG_SRC);
}

int vb_onednn_relu_fwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x, float *y)
{
    const vb_key key = VB_KEY(VB_OP_RELU_FWD, d->n, dnnl_eltwise_relu);
    return vb_unary_fwd(ctx, &key, build_fwd, d, x, y);
}

int vb_onednn_relu_bwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x,
                       const float *dy, float *dx)
{
    const vb_key key = VB_KEY(VB_OP_RELU_BWD, d->n, dnnl_eltwise_relu);
    return vb_unary_bwd(ctx, &key, build_bwd, d, x, dy, dx);
}

int vb_onednn_gelu_fwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x, float *y)
{
    const vb_key key = VB_KEY(VB_OP_GELU_FWD, d->n, dnnl_eltwise_gelu_erf);
    return vb_unary_fwd(ctx, &key, build_fwd, d, x, y);
}

int vb_onednn_gelu_bwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x,
                       const float *dy, float *dx)
{
    const vb_key key = VB_KEY(VB_OP_GELU_BWD, d->n, dnnl_eltwise_gelu_erf);
    return vb_unary_bwd(ctx, &key, build_bwd, d, x, dy, dx);
}

int vb_onednn_gelu_tanh_fwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x,
                            float *y)
{
    const vb_key key = VB_KEY(VB_OP_GELU_TANH_FWD, d->n, dnnl_eltwise_gelu_tanh);
    return vb_unary_fwd(ctx, &key, build_fwd, d, x, y);
}

int vb_onednn_gelu_tanh_bwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x,
                            const float *dy, float *dx)
{
    const vb_key key = VB_KEY(VB_OP_GELU_TANH_BWD, d->n, dnnl_eltwise_gelu_tanh);
    return vb_unary_bwd(ctx, &key, build_bwd, d, x, dy, dx);
}
