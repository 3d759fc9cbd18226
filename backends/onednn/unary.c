/* Creating and running the primitives of one-input ops (see unary.h). */
#include "check.h"
#include "unary.h"

enum { FWD_X, FWD_Y, FWD_ARGS };
enum { BWD_SAVED, BWD_DY, BWD_DX, BWD_ARGS };

int vb_unary_create_fwd(vb_backend_ctx *ctx, vb_entry *e, const_dnnl_op_desc_t op)
{
    const int args[FWD_ARGS] = { DNNL_ARG_SRC, DNNL_ARG_DST };
    return vb_prim_create(ctx, &e->prim[0], op, NULL, NULL, args, FWD_ARGS);
}

int vb_unary_create_bwd(vb_backend_ctx *ctx, vb_entry *e, const_dnnl_op_desc_t op,
                        const_dnnl_op_desc_t fwd, int saved_arg)
{
    const int args[BWD_ARGS] = { saved_arg, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC | VB_STAGED };
    return vb_prim_create(ctx, &e->prim[0], op, NULL, fwd, args, BWD_ARGS);
}

int vb_unary_fwd(vb_backend_ctx *ctx, const vb_key *key, vb_build_fn build, const void *desc,
                 const float *x, float *y)
{
    vb_entry *e;
    VB_TRY(vb_cache_get(ctx, key, build, desc, &e));
    return vb_prim_run(ctx, &e->prim[0], (const void *[FWD_ARGS]){ x, y });
}

int vb_unary_bwd(vb_backend_ctx *ctx, const vb_key *key, vb_build_fn build, const void *desc,
                 const float *saved, const float *dy, float *dx)
{
    if (dx == NULL)
        return VB_OK;
    vb_entry *e;
    VB_TRY(vb_cache_get(ctx, key, build, desc, &e));
    VB_TRY(vb_prim_run(ctx, &e->prim[0], (const void *[BWD_ARGS]){ saved, dy, NULL }));
    vb_prim_accumulate(ctx, &e->prim[0], DNNL_ARG_DIFF_SRC, dx);
    return VB_OK;
}
