/* onednn: the vitbench backend on Intel's oneDNN (the Debian 2.6 build, OpenMP runtime).
 *
 * Matrix products, convolutions, pooling, normalisation, softmax, activations and the
 * broadcast add run as oneDNN primitives, created once per shape and context (cache.h).
 * Attention is the shared batched-GEMM formulation driven by this backend's matmul; the
 * remaining memory-bound ops (pad, dropout, drop path, sequence pooling, loss, Adam, add
 * backward) are the shared OpenMP kernels, oneDNN having no primitive for them. */
#include <stdio.h>
#include <string.h>
#include <oneapi/dnnl/dnnl_debug.h>
#include "onednn.h"

static int probe(char *why, size_t why_len)
{
    dnnl_engine_t engine;
    dnnl_status_t s = dnnl_engine_create(&engine, dnnl_cpu, 0);
    if (s != dnnl_success) {
        snprintf(why, why_len, "oneDNN cannot create a CPU engine: %s", dnnl_status2str(s));
        return 0;
    }
    dnnl_engine_destroy(engine);
    return 1;
}

/* A context with its own engine and stream; its cache starts empty. */
static int init(const vb_backend_init_opts *opts, vb_backend_ctx **out)
{
    vb_backend_ctx *ctx;
    int err = vb_common_ctx_create(sizeof *ctx, opts, vb_onednn_gemm,
                                   VB_PRECISIONS_F32 | VB_PRECISIONS_BF16, &ctx);
    if (err == VB_OK && (err = vb_engine_open(ctx)) != VB_OK)
        vb_common_ctx_destroy(ctx);
    if (err == VB_OK)
        *out = ctx;
    return err;
}

static void shutdown(vb_backend_ctx *ctx)
{
    vb_cache_clear(ctx);
    vb_engine_close(ctx);
    vb_common_ctx_destroy(ctx);
}

static int supports(vb_backend_ctx *ctx, vb_op op, const void *desc)
{
    if (op == VB_OP_GEMM)
        return vb_onednn_gemm_supported(desc);
    if (op == VB_OP_ADD_FWD) {
        const vb_add_desc *d = desc;
        return d->nb > 0 && d->n % d->nb == 0;
    }
    return 1;
}

/* "oneDNN 2.6.3 (cpu runtime OpenMP, isa avx512_core_bf16)", from the library actually
 * loaded rather than the headers built against; made once by the entry point. */
static char version[128];

/* The shared kernels for every op, then oneDNN's primitives in place of those it has one
 * for: a later initializer of a slot replaces an earlier one (C11 6.7.9), so an op added
 * to the shared kernels reaches this table without a change here. Attention stays the
 * shared one, on this backend's matmul through the context's GEMM. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const vb_backend onednn = {
    .abi_major = VB_ABI_MAJOR,
    .abi_minor = VB_ABI_MINOR,
    .struct_size = sizeof(vb_backend),
    .name = "onednn",
    .version = version,
    .probe = probe,
    .init = init,
    .shutdown = shutdown,
    .supports = supports,
    VB_COMMON_OPS(VB_OP_SLOT, vb_common_)
    VB_ONEDNN_OPS(VB_OP_SLOT, vb_onednn_)
};
#pragma GCC diagnostic pop

const vb_backend *vb_backend_entry(void)
{
    if (version[0] == '\0') {
        const dnnl_version_t *v = dnnl_version();
        const char *isa = dnnl_cpu_isa2str(dnnl_get_effective_cpu_isa());
        if (strncmp(isa, "cpu_isa_", 8) == 0)
            isa += 8;
        snprintf(version, sizeof version, "oneDNN %d.%d.%d (cpu runtime %s, isa %s)", v->major,
                 v->minor, v->patch, dnnl_runtime2str(v->cpu_runtime), isa);
    }
    return &onednn;
}
