/* add_fwd on oneDNN's binary primitive: y = a + b[i mod nb] is a (n/nb, nb) tensor plus a
 * (1, nb) one broadcast over its rows (nb == n is the plain residual add). */
#include "cache.h"
#include "check.h"
#include "onednn.h"

enum { ARG_A, ARG_B, ARG_Y, N_ARGS };

static int build_add(vb_backend_ctx *ctx, vb_entry *e, const void *desc)
{
    const vb_add_desc *d = desc;
    dnnl_memory_desc_t a, b;
    VB_TRY(vb_md_tag(&a, 2, (dnnl_dims_t){ d->n / d->nb, d->nb }, dnnl_ab));
    VB_TRY(vb_md_tag(&b, 2, (dnnl_dims_t){ 1, d->nb }, dnnl_ab));
    dnnl_binary_desc_t op;
    VB_DNNL_TRY(dnnl_binary_desc_init(&op, dnnl_binary_add, &a, &b, &a));
    const int args[N_ARGS] = { DNNL_ARG_SRC_0, DNNL_ARG_SRC_1, DNNL_ARG_DST };
    return vb_prim_create(ctx, &e->prim[0], &op, NULL, NULL, args, N_ARGS);
}

int vb_onednn_add_fwd(vb_backend_ctx *ctx, const vb_add_desc *d, const float *a,
                      const float *b, float *y)
{
    if (d->nb <= 0 || d->n % d->nb != 0)
        return VB_EINVAL;
    const vb_key key = VB_KEY(VB_OP_ADD_FWD, d->n, d->nb);
    vb_entry *e;
    VB_TRY(vb_cache_get(ctx, &key, build_add, d, &e));
    return vb_prim_run(ctx, &e->prim[0], (const void *[N_ARGS]){ a, b, y });
}
