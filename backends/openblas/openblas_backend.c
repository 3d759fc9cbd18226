/* openblas: the backend table. GEMM is OpenBLAS's sgemm (gemm.c); convolution (im2col /
 * col2im) and attention (batched QKᵀ and PV) are backends/common's data movement around
 * that GEMM; every memory-bound op is the shared OpenMP kernel. */
#include <omp.h>
#include <stdio.h>
#include <cblas.h>
#include "openblas.h"
#include "../common/common.h"

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

/* `threads` OpenMP threads for everything; OpenBLAS itself single-threaded — gemm.c
 * explains why (one thread pool, no busy-waiting second pool on a small machine).
 * The order matters: in OpenBLAS's OpenMP build, openblas_set_num_threads(1) also sets
 * the process-wide OpenMP thread count to 1, which the second call undoes. */
static int init(int threads)
{
    openblas_set_num_threads(1);
    omp_set_num_threads(threads);
    return VB_OK;
}

static int supports(vb_op op, const void *desc)
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
 * pthread build" — read from the library actually loaded, not the headers. */
static char version[256];

static vb_backend openblas = {
    .abi_major = VB_ABI_MAJOR,
    .abi_minor = VB_ABI_MINOR,
    .struct_size = sizeof(vb_backend),
    .name = "openblas",
    .version = version,
    .probe = probe,
    .init = init,
    .supports = supports,
};

const vb_backend *vb_backend_entry(void)
{
    if (version[0] == '\0') {
        vb_common_fill_slots(&openblas, vb_openblas_gemm);
        snprintf(version, sizeof version, "%s, %s build", openblas_get_config(),
                 threading_name());
    }
    return &openblas;
}
