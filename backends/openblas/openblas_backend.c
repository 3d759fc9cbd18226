/* openblas: the backend table. GEMM is OpenBLAS's sgemm (gemm.c); convolution (im2col /
 * col2im) and attention (batched QKᵀ and PV) are backends/common's data movement around
 * that GEMM; every memory-bound op is the shared OpenMP kernel. */
#include <stdio.h>
#include <cblas.h>
#include "openblas.h"

/* A 2×2 product through the loaded library: catches a broken install (e.g. a
 * DYNAMIC_ARCH build without a kernel for this CPU) before any benchmark runs. */
static int probe(char *why, size_t why_len)
{
    const float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, want[4] = {19, 22, 43, 50};
    float c[4];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f,
                c, 2);
    for (int i = 0; i < 4; i++) {
        if (c[i] != want[i]) {
            snprintf(why, why_len, "%s (core %s): 2x2 sgemm gave a wrong result",
                     openblas_get_config(), openblas_get_corename());
            return 0;
        }
    }
    return 1;
}

/* `threads` OpenMP threads for every op of the context; OpenBLAS itself single-threaded,
 * set per call — gemm.c explains why (one thread pool, no busy-waiting second pool on a
 * small machine). */
static int init(const vb_backend_init_opts *opts, vb_backend_ctx **ctx)
{
    return vb_common_ctx_create(sizeof(vb_backend_ctx), opts, vb_openblas_gemm,
                                VB_PRECISIONS_F32, ctx);
}

static int supports(vb_backend_ctx *ctx, vb_op op, const void *desc)
{
    return op != VB_OP_GEMM || vb_openblas_gemm_fits(desc);
}

static const char *threading_name(void)
{
    switch (openblas_get_parallel()) {
    case OPENBLAS_SEQUENTIAL: return "serial";
    case OPENBLAS_THREAD: return "pthread";
    case OPENBLAS_OPENMP: return "openmp";
    default: return "?";
    }
}

/* e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64,
 * pthread build" — read from the library actually loaded, not the headers; made once by
 * the entry point. */
static char version[256];

static const vb_backend openblas = {
    .abi_major = VB_ABI_MAJOR,
    .abi_minor = VB_ABI_MINOR,
    .struct_size = sizeof(vb_backend),
    .name = "openblas",
    .version = version,
    .probe = probe,
    .init = init,
    .shutdown = vb_common_ctx_destroy,
    .supports = supports,
    .gemm = vb_openblas_gemm,
    VB_COMMON_OPS(VB_OP_SLOT, vb_common_)
};

const vb_backend *vb_backend_entry(void)
{
    if (version[0] == '\0')
        snprintf(version, sizeof version, "%s, %s build", openblas_get_config(),
                 threading_name());
    return &openblas;
}
