/* onednn: the vitbench backend on Intel's oneDNN (the Debian 2.6 build, OpenMP runtime).
 *
 * Matrix products, convolutions, pooling, normalisation, softmax, activations and the
 * broadcast add run as oneDNN primitives, created once per shape (cache.h). Attention is
 * the shared batched-GEMM formulation driven by this backend's matmul; the remaining
 * memory-bound ops (pad, dropout, drop path, sequence pooling, loss, Adam, add backward)
 * are the shared OpenMP kernels, oneDNN having no primitive for them. */
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>
#include "../common/common.h"
#include "cache.h"
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

static int init(int threads)
{
    omp_set_num_threads(threads);
    return vb_engine_open();
}

static void shutdown(void)
{
    vb_cache_clear();
    vb_engine_close();
}

static int supports(vb_op op, const void *desc)
{
    if (op == VB_OP_GEMM)
        return vb_onednn_gemm_supported(desc);
    if (op == VB_OP_ADD_FWD) {
        const vb_add_desc *d = desc;
        return d->nb > 0 && d->n % d->nb == 0;
    }
    return 1;
}

static char version[128];

static vb_backend onednn = {
    .abi_major = VB_ABI_MAJOR,
    .abi_minor = VB_ABI_MINOR,
    .struct_size = sizeof(vb_backend),
    .name = "onednn",
    .version = version,
    .probe = probe,
    .init = init,
    .shutdown = shutdown,
    .supports = supports,
};

/* The shared kernels everywhere (attention on this backend's matmul), then every op
 * oneDNN has a primitive for. */
static void fill_slots(vb_backend *t)
{
    vb_common_fill_slots(t, vb_onednn_gemm);
    t->conv2d_fwd = vb_onednn_conv2d_fwd;
    t->conv2d_bwd_data = vb_onednn_conv2d_bwd_data;
    t->conv2d_bwd_weights = vb_onednn_conv2d_bwd_weights;
    t->maxpool_fwd = vb_onednn_maxpool_fwd;
    t->maxpool_bwd = vb_onednn_maxpool_bwd;
    t->relu_fwd = vb_onednn_relu_fwd;
    t->relu_bwd = vb_onednn_relu_bwd;
    t->gelu_fwd = vb_onednn_gelu_fwd;
    t->gelu_bwd = vb_onednn_gelu_bwd;
    t->gelu_tanh_fwd = vb_onednn_gelu_tanh_fwd;
    t->gelu_tanh_bwd = vb_onednn_gelu_tanh_bwd;
    t->add_fwd = vb_onednn_add_fwd;
    t->layernorm_fwd = vb_onednn_layernorm_fwd;
    t->layernorm_bwd = vb_onednn_layernorm_bwd;
    t->softmax_fwd = vb_onednn_softmax_fwd;
    t->softmax_bwd = vb_onednn_softmax_bwd;
}

/* "oneDNN 2.6.3 (cpu runtime OpenMP, isa avx512_core_bf16)", from the library actually
 * loaded rather than the headers built against. */
const vb_backend *vb_backend_entry(void)
{
    if (version[0] == '\0') {
        fill_slots(&onednn);
        const dnnl_version_t *v = dnnl_version();
        const char *isa = dnnl_cpu_isa2str(dnnl_get_effective_cpu_isa());
        if (strncmp(isa, "cpu_isa_", 8) == 0)
            isa += 8;
        snprintf(version, sizeof version, "oneDNN %d.%d.%d (cpu runtime %s, isa %s)", v->major,
                 v->minor, v->patch, dnnl_runtime2str(v->cpu_runtime), isa);
    }
    return &onednn;
}
