/* The GEMM's packing scratch, owned by the context.
 *
 * One buffer, grown to the largest size asked for and then reused: after the first call
 * of a given shape, GEMM does no allocation. The calling thread grows it before the
 * parallel region; each OpenMP thread then packs into its own slice. */
#include <stdlib.h>
#include "omp_gemm.h"

uint32_t *vb_omp_scratch(vb_backend_ctx *ctx, size_t words)
{
    if (words <= ctx->pack_cap)
        return ctx->pack;
    /* aligned_alloc wants a multiple of the alignment */
    const size_t bytes = (words * sizeof *ctx->pack + 63) / 64 * 64;
    uint32_t *grown = aligned_alloc(64, bytes);
    if (!grown)
        return NULL;
    free(ctx->pack);
    ctx->pack = grown;
    ctx->pack_cap = bytes / sizeof *ctx->pack;
    return ctx->pack;
}

void vb_omp_scratch_release(vb_backend_ctx *ctx)
{
    free(ctx->pack);
    ctx->pack = NULL;
    ctx->pack_cap = 0;
}
