/* omp: the backend table. GEMM is this folder's own cache-blocked SIMD kernel (gemm.c,
 * no BLAS); convolution (im2col / col2im) and attention (batched QKᵀ and PV) are
 * backends/common's data movement around that GEMM; every memory-bound op is the
 * shared OpenMP kernel. */
#include <omp.h>
#include <stdio.h>
#include "omp_gemm.h"
#include "../common/common.h"

/* A 2×2 product through the selected kernel: catches a kernel/CPU mismatch before any
 * benchmark runs. */
static int probe(char *why, size_t why_len)
{
    const float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, want[4] = {19, 22, 43, 50};
    const vb_gemm_desc d = { .batch = 1, .m = 2, .n = 2, .k = 2, .lda = 2, .ldb = 2,
                             .ldc = 2, .alpha = 1.0f };
    float c[4];
    int err = vb_omp_gemm(&d, a, b, NULL, c);
    for (int i = 0; i < 4 && !err; i++)
        err = c[i] != want[i];
    if (err)
        snprintf(why, why_len, "%s kernel: 2x2 gemm gave a wrong result",
                 vb_omp_isa_select()->name);
    return !err;
}

static int init(int threads)
{
    omp_set_num_threads(threads);
    return VB_OK;
}

/* Each thread frees its own packing scratch (it is thread-local). */
static void shutdown(void)
{
#pragma omp parallel
    vb_omp_scratch_release();
}

/* e.g. "vitbench omp 0.1.0, avx512 12x32 kernel" */
static char version[128];

static vb_backend omp = {
    .abi_major = VB_ABI_MAJOR,
    .abi_minor = VB_ABI_MINOR,
    .struct_size = sizeof(vb_backend),
    .name = "omp",
    .version = version,
    .probe = probe,
    .init = init,
    .shutdown = shutdown,
};

const vb_backend *vb_backend_entry(void)
{
    if (version[0] == '\0') {
        vb_common_fill_slots(&omp, vb_omp_gemm);
        const vb_omp_isa *isa = vb_omp_isa_select();
        snprintf(version, sizeof version, "vitbench omp %s, %s %dx%d kernel", PACKAGE_VERSION,
                 isa->name, isa->mr, isa->nr);
    }
    return &omp;
}
