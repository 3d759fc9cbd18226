/* omp: the backend table. GEMM is this folder's own cache-blocked SIMD kernel (gemm.c,
 * no BLAS); convolution (im2col / col2im) and attention (batched QKᵀ and PV) are
 * backends/common's data movement around that GEMM; every memory-bound op is the
 * shared OpenMP kernel. */
#include <stdio.h>
#include "omp_gemm.h"
#include "vitbench/cpu.h"

/* The packing scratch starts empty and grows with the first GEMM. bf16 is the GEMM's own
 * kernel (kernel_avx512_bf16.c), so convolution and attention on it compute bf16 too; the
 * common part refuses it on a CPU without AVX512-BF16. */
static int init(const vb_backend_init_opts *opts, vb_backend_ctx **ctx)
{
    return vb_common_ctx_create(sizeof(vb_backend_ctx), opts, vb_omp_gemm,
                                VB_PRECISIONS_F32 | VB_PRECISIONS_BF16, ctx);
}

static void shutdown(vb_backend_ctx *ctx)
{
    vb_omp_scratch_release(ctx);
    vb_common_ctx_destroy(ctx);
}

/* A 2×2 product through the kernel of one precision, on a one-thread context: 0, or -1
 * with the kernel named in why. The integers are exact in bf16 too. */
static int check_kernel(vb_precision precision, char *why, size_t why_len)
{
    const float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, want[4] = {19, 22, 43, 50};
    const vb_gemm_desc d = { .batch = 1, .m = 2, .n = 2, .k = 2, .lda = 2, .ldb = 2,
                             .ldc = 2, .alpha = 1.0f };
    const vb_backend_init_opts one = { .struct_size = sizeof one, .threads = 1,
                                       .precision = precision };
    vb_backend_ctx *ctx;
    float c[4];
    int err = init(&one, &ctx);
    if (err == VB_OK) {
        err = vb_omp_gemm(ctx, &d, a, b, NULL, c);
        shutdown(ctx);
    }
    for (int i = 0; i < 4 && !err; i++)
        err = c[i] != want[i];
    if (err)
        snprintf(why, why_len, "%s kernel: 2x2 gemm gave a wrong result",
                 vb_omp_isa_select(precision)->name);
    return err ? -1 : 0;
}

/* Every kernel this CPU would run: catches a kernel/CPU mismatch before any benchmark. */
static int probe(char *why, size_t why_len)
{
    return check_kernel(VB_PRECISION_F32, why, why_len) == 0 &&
           (!vb_cpu_has_bf16() || check_kernel(VB_PRECISION_BF16, why, why_len) == 0);
}

/* e.g. "vitbench omp 0.1.0, avx512 12x32 kernel, bf16 12x32" (the bf16 kernel named
 * where the CPU runs it), made once by the entry point */
static char version[128];

static const vb_backend omp = {
    .abi_major = VB_ABI_MAJOR,
    .abi_minor = VB_ABI_MINOR,
    .struct_size = sizeof(vb_backend),
    .name = "omp",
    .version = version,
    .probe = probe,
    .init = init,
    .shutdown = shutdown,
    .gemm = vb_omp_gemm,
    VB_COMMON_OPS(VB_OP_SLOT, vb_common_)
};

const vb_backend *vb_backend_entry(void)
{
    if (version[0] == '\0') {
        const vb_omp_isa *isa = vb_omp_isa_select(VB_PRECISION_F32);
        const vb_omp_isa *bf = vb_omp_isa_select(VB_PRECISION_BF16);
        char bf16[32] = "";
        if (vb_cpu_has_bf16())
            snprintf(bf16, sizeof bf16, ", %s %dx%d", bf->name, bf->mr, bf->nr);
        snprintf(version, sizeof version, "vitbench omp %s, %s %dx%d kernel%s", PACKAGE_VERSION,
                 isa->name, isa->mr, isa->nr, bf16);
    }
    return &omp;
}
