/* Clocks, medians, child-process isolation and the sgemm baseline for `vbmodel bench`
 * (and the clock of `vbmodel step`). */
#ifndef VITBENCH_SUITES_BENCH_H
#define VITBENCH_SUITES_BENCH_H

#include <stddef.h>

/* Monotonic seconds. */
double vb_bench_now(void);

/* Median of v[0..n) (n ≥ 1); sorts v in place. */
double vb_bench_median(double *v, int n);

/* Runs fn(ctx, out) in a fork()ed child and copies its out_size bytes of `out` back
 * through a pipe, so every measurement starts from a fresh process: no thread pool,
 * allocator state or peak memory carries over from one backend to the next.
 * *peak_rss_mib gets the child's own peak resident set (ru_maxrss from wait4).
 * Returns fn's result (0 = success), or -1 if the child could not run or died.
 * Call it before the parent starts any thread pool (OpenMP, OpenBLAS). */
int vb_bench_in_child(int (*fn)(void *ctx, void *out), void *ctx, void *out,
                      size_t out_size, double *peak_rss_mib);

/* The machine's practical f32 peak: GFLOP/s (2·n³ per call) of bare cblas_sgemm on
 * n×n row-major matrices at `threads` threads, median of reps calls after one warm-up.
 * Run it through vb_bench_in_child so OpenBLAS's pool dies with the child.
 * -1 when vbmodel was built without OpenBLAS. */
double vb_bench_sgemm_gflops(int n, int threads, int reps);

#endif
