/* An out-of-tree vitbench backend: ReLU (forward and backward) and the residual add in
 * plain C; every other slot is left NULL, so the loader runs those ops on the reference
 * and records each fallback (vbcheck's rows say "fallback"). It keeps no state, so it has
 * no init: its ops receive a NULL context (the in-tree backends/skeleton shows one).
 *
 * Built against an installed vitbench (see the Makefile beside it):
 *     cc -O2 -shared -fPIC -o vitbench-example.so example.c \
 *         $(pkg-config --cflags --libs vitbench)
 * and loaded by path: VITBENCH_BACKEND=$PWD/vitbench-example.so vbcheck test */
#include <math.h>
#include <vitbench/backend.h>

/* y = max(x, 0); a NaN stays NaN, as in the reference. */
static int relu_fwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x, float *y)
{
    if (!d || !x || !y) return VB_EINVAL;
    for (int64_t i = 0; i < d->n; i++) y[i] = x[i] > 0.0f || isnan(x[i]) ? x[i] : 0.0f;
    return VB_OK;
}

/* dx += dy where x > 0 (backward ops add into gradients). */
static int relu_bwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x,
                    const float *dy, float *dx)
{
    if (!d || !x || !dy) return VB_EINVAL;
    if (!dx) return VB_OK;
    for (int64_t i = 0; i < d->n; i++)
        if (x[i] > 0.0f) dx[i] += dy[i];
    return VB_OK;
}

/* y = a + b[i mod nb]: a residual (nb == n) or a broadcast add (nb divides n). */
static int add_fwd(vb_backend_ctx *ctx, const vb_add_desc *d, const float *a, const float *b,
                   float *y)
{
    if (!d || !a || !b || !y || d->nb < 1) return VB_EINVAL;
    for (int64_t i = 0; i < d->n; i++) y[i] = a[i] + b[i % d->nb];
    return VB_OK;
}

static const vb_backend example = {
    .abi_major = VB_ABI_MAJOR,
    .abi_minor = VB_ABI_MINOR,
    .struct_size = sizeof(vb_backend),
    .name = "example",
    .version = "out-of-tree example 1.0",
    .relu_fwd = relu_fwd,
    .relu_bwd = relu_bwd,
    .add_fwd = add_fwd,
};

const vb_backend *vb_backend_entry(void)
{
    return &example;
}
