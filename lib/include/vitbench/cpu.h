/* What the CPU can compute, asked at run time (so one build runs on any x86-64).
 * Header-only: the library, the programs and the backends' shared objects each use it
 * without linking to one another. */
#ifndef VITBENCH_CPU_H
#define VITBENCH_CPU_H

/* 1 if the CPU has the AVX-512 subsets F, BW and VL and the OS saves AVX-512 state: what
 * the backends' AVX-512 code paths are compiled for. */
static inline int vb_cpu_has_avx512(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

/* 1 if the CPU also has AVX512-BF16 (VCVTNEPS2BF16, VDPBF16PS): what the bf16 precision
 * (backend.h) computes with. */
static inline int vb_cpu_has_bf16(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    return vb_cpu_has_avx512() && __builtin_cpu_supports("avx512bf16");
#else
    return 0;
#endif
}

#endif
