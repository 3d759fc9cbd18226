/* skeleton: the smallest complete backend — the one to copy when writing a new one
 * (README.md, "Writing a backend", walks through it).
 *
 * It computes one op itself, softmax_fwd, and leaves every other slot NULL: the loader
 * fills those with the reference and records it, so vbcheck marks them "fallback" and
 * `vbmodel step` counts their calls. It includes only the public header
 * <vitbench/backend.h> (which brings ops.h), as a backend built outside this tree would.
 *
 * Its four parts are the four a backend has:
 *   1. a context, struct vb_backend_ctx: what the backend keeps between calls;
 *   2. init and shutdown, which make and free the context;
 *   3. the ops, listed once in SKELETON_OPS, each with its op's type from backend.h;
 *   4. the table returned by vb_backend_entry, its slots filled from the same list. */
#include <math.h>
#include <stdlib.h>
#include "vitbench/backend.h"

/* ---- 1. the context ---------------------------------------------------------------------
 * Each backend defines struct vb_backend_ctx for itself. Every slot receives it first,
 * and a backend keeps no mutable state outside it: several contexts (other thread counts,
 * other backends) then live side by side in one process. A real backend adds its library
 * handles, caches and scratch memory here. */
struct vb_backend_ctx {
    int threads; /* every op of this context runs on this many threads */
};

/* ---- 2. init and shutdown ---------------------------------------------------------------
 * init refuses what it cannot do (a compute precision other than f32) with VB_EUNSUPPORTED;
 * the loader turns that into one line naming the backend and the precision. */
static int init(const vb_backend_init_opts *opts, vb_backend_ctx **out)
{
    if (!VB_OPTS_HAS(opts, precision) || opts->threads < 1)
        return VB_EINVAL;
    if (opts->precision != VB_PRECISION_F32)
        return VB_EUNSUPPORTED;
    vb_backend_ctx *ctx = malloc(sizeof *ctx);
    if (!ctx)
        return VB_ENOMEM;
    ctx->threads = opts->threads;
    *out = ctx;
    return VB_OK;
}

static void shutdown(vb_backend_ctx *ctx) { free(ctx); }

/* ---- 3. the ops --------------------------------------------------------------------------
 * The list of ops this backend computes; add a name here and write skeleton_NAME. The
 * declaration below gives each function its op's type (vb_softmax_fwd_op), so a
 * definition that does not match the ABI does not compile. */
#define SKELETON_OPS(X, p) X(p, softmax_fwd)
SKELETON_OPS(VB_OP_DECLARE, skeleton_)

/* Softmax over the last axis of x, y (rows, cols) (ops.h):
 *   y_j = exp(x_j − max x) / Σ_l exp(x_l − max x),
 * shifted by the row's max so exp ≤ 1. The rows are independent, so the context's
 * threads split them: the thread count is applied here, per call, never process-wide. */
int skeleton_softmax_fwd(vb_backend_ctx *ctx, const vb_softmax_desc *d, const float *x,
                         float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
#pragma omp parallel for num_threads(ctx->threads) if (d->rows * d->cols >= 65536)
    for (int64_t r = 0; r < d->rows; r++) {
        const float *xr = x + r * d->cols;
        float *yr = y + r * d->cols;
        float mx = -INFINITY, sum = 0.0f;
        for (int64_t j = 0; j < d->cols; j++)
            mx = fmaxf(mx, xr[j]);
        for (int64_t j = 0; j < d->cols; j++) {
            yr[j] = expf(xr[j] - mx);
            sum += yr[j];
        }
        for (int64_t j = 0; j < d->cols; j++)
            yr[j] /= sum;
    }
    return VB_OK;
}

/* ---- 4. the table ------------------------------------------------------------------------
 * Version and size first (the loader refuses another ABI major and reads only the slots
 * inside struct_size), then the hooks (probe and supports are optional and left out), then
 * the slots from SKELETON_OPS. */
static const vb_backend skeleton = {
    .abi_major = VB_ABI_MAJOR,
    .abi_minor = VB_ABI_MINOR,
    .struct_size = sizeof(vb_backend),
    .name = "skeleton",
    .version = "vitbench skeleton 1.0",
    .init = init,
    .shutdown = shutdown,
    SKELETON_OPS(VB_OP_SLOT, skeleton_)
};

const vb_backend *vb_backend_entry(void) { return &skeleton; }
