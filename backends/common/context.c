/* The shared part of a context (common.h): the thread count, the backend's GEMM and the
 * scratch arena. */
#include <stdlib.h>
#include "internal.h"
#include "vitbench/cpu.h"

int vb_common_ctx_create(size_t size, const vb_backend_init_opts *opts, vb_gemm_op *gemm,
                         unsigned precisions, vb_backend_ctx **out)
{
    if (!VB_OPTS_HAS(opts, precision) || opts->threads < 1 || size < sizeof(vb_common_ctx))
        return VB_EINVAL;
    const int known = opts->precision == VB_PRECISION_F32 || opts->precision == VB_PRECISION_BF16;
    if (!known || !(precisions & (1u << opts->precision)) ||
        (opts->precision == VB_PRECISION_BF16 && !vb_cpu_has_bf16()))
        return VB_EUNSUPPORTED;
    vb_backend_ctx *ctx = calloc(1, size);
    if (!ctx)
        return VB_ENOMEM;
    vb_common_ctx *c = vb_common(ctx);
    c->threads = opts->threads;
    c->precision = opts->precision;
    c->gemm = gemm;
    c->arena = vbc_arena_create();
    if (!c->arena) {
        free(ctx);
        return VB_ENOMEM;
    }
    *out = ctx;
    return VB_OK;
}

void vb_common_ctx_destroy(vb_backend_ctx *ctx)
{
    vbc_arena_destroy(vb_common(ctx)->arena);
    free(ctx);
}
