/* Run-time choice of the microkernel. f32: the widest SIMD the CPU (and OS) supports, so
 * one shared object loads and runs on any x86-64. bf16: the one AVX512-BF16 kernel; the
 * context's init has already refused bf16 on a CPU without it (common/context.c). */
#include "omp_gemm.h"

const vb_omp_isa *vb_omp_isa_select(vb_precision precision)
{
    static const vb_omp_isa *chosen;
    if (precision == VB_PRECISION_BF16)
        return &vb_omp_isa_bf16;
    if (!chosen) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma"))
            chosen = &vb_omp_isa_avx512;
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
            chosen = &vb_omp_isa_avx2;
        else
            chosen = &vb_omp_isa_generic;
    }
    return chosen;
}
