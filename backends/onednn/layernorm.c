/* Layer normalization on oneDNN's layer_normalization primitives, gamma and beta as
 * separate scale and shift tensors (dnnl_use_scale | dnnl_use_shift).
 *
 * The ABI saves rstd = 1/sqrt(var + eps) per row where oneDNN saves the variance:
 * forward writes oneDNN's variance straight into rstd and converts it in place; backward
 * turns rstd back into var = 1/rstd² − eps in a staged buffer. */
#include <math.h>
#include "cache.h"
#include "check.h"
#include "onednn.h"

static const unsigned flags = dnnl_use_scale | dnnl_use_shift;

static int forward_desc(dnnl_layer_normalization_desc_t *op, const vb_layernorm_desc *d)
{
    dnnl_memory_desc_t x, stat;
    VB_TRY(vb_md_tag(&x, 2, (dnnl_dims_t){ d->rows, d->cols }, dnnl_ab));
    VB_TRY(vb_md_tag(&stat, 1, (dnnl_dims_t){ d->rows }, dnnl_a));
    return vb_dnnl_err(dnnl_layer_normalization_forward_desc_init(
        op, dnnl_forward_training, &x, &stat, d->eps, flags));
}

/* ---- forward: y = (x − μ)·rstd·gamma + beta ----------------------------------------- */

enum { FWD_X, FWD_GAMMA, FWD_BETA, FWD_Y, FWD_MEAN, FWD_VAR, FWD_ARGS };

static int build_fwd(vb_backend_ctx *ctx, vb_entry *e, const void *desc)
{
    dnnl_layer_normalization_desc_t op;
    VB_TRY(forward_desc(&op, desc));
    const int args[FWD_ARGS] = { DNNL_ARG_SRC, DNNL_ARG_SCALE, DNNL_ARG_SHIFT,
                                 DNNL_ARG_DST, DNNL_ARG_MEAN,  DNNL_ARG_VARIANCE };
    return vb_prim_create(ctx, &e->prim[0], &op, NULL, NULL, args, FWD_ARGS);
}

int vb_onednn_layernorm_fwd(vb_backend_ctx *ctx, const vb_layernorm_desc *d, const float *x,
                            const float *gamma, const float *beta, float *y, float *mean,
                            float *rstd)
{
    const vb_key key = VB_KEY(VB_OP_LAYERNORM_FWD, d->rows, d->cols, vb_key_f32(d->eps));
    vb_entry *e;
    VB_TRY(vb_cache_get(ctx, &key, build_fwd, d, &e));
    VB_TRY(vb_prim_run(ctx, &e->prim[0],
                       (const void *[FWD_ARGS]){ x, gamma, beta, y, mean, rstd }));
    for (int64_t r = 0; r < d->rows; r++) /* rstd holds the variance so far */
        rstd[r] = 1.0f / sqrtf(rstd[r] + d->eps);
    return VB_OK;
}

/* ---- backward: dx, dgamma, dbeta += ... ----------------------------------------------- */

enum {
    BWD_X, BWD_DY, BWD_GAMMA, BWD_MEAN, BWD_VAR, BWD_DX, BWD_DGAMMA, BWD_DBETA, BWD_BETA,
    BWD_ARGS
};

/* One primitive serves every mix of wanted gradients: oneDNN 2.6 implements no
 * backward_data (dx alone) with a scale, and dgamma, dbeta are a small reduction next to
 * dx. It also refuses to run a backward with dnnl_use_shift unless given the shift
 * (beta), which it does not read and the ABI does not pass: a staged buffer stands in. */
static int build_bwd(vb_backend_ctx *ctx, vb_entry *e, const void *desc)
{
    const vb_layernorm_desc *d = desc;
    dnnl_layer_normalization_desc_t fwd, op;
    VB_TRY(forward_desc(&fwd, d));
    VB_DNNL_TRY(dnnl_layer_normalization_backward_desc_init(
        &op, dnnl_backward, &fwd.data_desc, &fwd.data_desc, &fwd.stat_desc, d->eps, flags));
    const int args[BWD_ARGS] = {
        DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_SCALE, DNNL_ARG_MEAN,
        DNNL_ARG_VARIANCE | VB_STAGED, DNNL_ARG_DIFF_SRC | VB_STAGED,
        DNNL_ARG_DIFF_SCALE | VB_STAGED, DNNL_ARG_DIFF_SHIFT | VB_STAGED,
        DNNL_ARG_SHIFT | VB_STAGED };
    return vb_prim_create(ctx, &e->prim[0], &op, NULL, &fwd, args, BWD_ARGS);
}

int vb_onednn_layernorm_bwd(vb_backend_ctx *ctx, const vb_layernorm_desc *d, const float *x,
                            const float *gamma, const float *mean, const float *rstd,
                            const float *dy, float *dx, float *dgamma, float *dbeta)
{
    if (dx == NULL && dgamma == NULL && dbeta == NULL)
        return VB_OK;
    const vb_key key = VB_KEY(VB_OP_LAYERNORM_BWD, d->rows, d->cols, vb_key_f32(d->eps));
    vb_entry *e;
    VB_TRY(vb_cache_get(ctx, &key, build_bwd, d, &e));

    float *var = vb_prim_staged(&e->prim[0], DNNL_ARG_VARIANCE);
    for (int64_t r = 0; r < d->rows; r++)
        var[r] = 1.0f / (rstd[r] * rstd[r]) - d->eps;

    VB_TRY(vb_prim_run(ctx, &e->prim[0], (const void *[BWD_ARGS]){ x, dy, gamma, mean }));
    vb_prim_accumulate(ctx, &e->prim[0], DNNL_ARG_DIFF_SRC, dx);
    vb_prim_accumulate(ctx, &e->prim[0], DNNL_ARG_DIFF_SCALE, dgamma);
    vb_prim_accumulate(ctx, &e->prim[0], DNNL_ARG_DIFF_SHIFT, dbeta);
    return VB_OK;
}
