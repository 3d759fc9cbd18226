/* Run-time choice of the microkernel: the widest SIMD the CPU (and OS) supports, so
 * one shared object loads and runs on any x86-64. */
#include "omp_gemm.h"

const vb_omp_isa *vb_omp_isa_select(void)
{
    static const vb_omp_isa *chosen;
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
