/* Clocks, medians, child-process isolation and the sgemm baseline for `vbmodel bench`. */
#include "bench.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "vitbench/tensor.h"
#ifdef VB_HAVE_CBLAS
#include <cblas.h>
#endif

double vb_bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double vb_bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Moves all n bytes of buf through fd (writing or reading), across short transfers. */
static int transfer(int fd, void *buf, size_t n, int writing)
{
    char *p = buf;
    while (n > 0) {
        ssize_t k = writing ? write(fd, p, n) : read(fd, p, n);
        if (k <= 0) return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int vb_bench_in_child(int (*fn)(void *ctx, void *out), void *ctx, void *out,
                      size_t out_size, double *peak_rss_mib)
{
    int fd[2];
    *peak_rss_mib = 0;
    if (pipe(fd) != 0) return -1;
    fflush(NULL); /* or the child would flush the parent's buffered output a second time */
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        close(fd[0]);
        int rc = fn(ctx, out);
        if (rc == 0 && transfer(fd[1], out, out_size, 1) != 0) rc = -1;
        fflush(NULL);
        _exit(rc == 0 ? 0 : 1);
    }
    close(fd[1]);
    int got = transfer(fd[0], out, out_size, 0);
    close(fd[0]);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid) return -1;
    *peak_rss_mib = (double)ru.ru_maxrss / 1024.0; /* Linux: KiB */
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got != 0) return -1;
    return 0;
}

#ifdef VB_HAVE_CBLAS
double vb_bench_sgemm_gflops(int n, int threads, int reps)
{
    size_t nn = (size_t)n * (size_t)n;
    float *a = vb_alloc(nn * sizeof(float)), *b = vb_alloc(nn * sizeof(float)),
          *c = vb_alloc(nn * sizeof(float));
    double *t = malloc((size_t)reps * sizeof *t), gflops = -1;
    if (a && b && c && t) {
        for (size_t i = 0; i < nn; i++) {
            a[i] = (float)(i % 7) * 0.125f; /* any finite values: only the time matters */
            b[i] = (float)(i % 5) * 0.25f;
        }
        openblas_set_num_threads(threads);
        for (int r = -1; r < reps; r++) { /* r = -1: warm-up (pool start, page faults) */
            double t0 = vb_bench_now();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b,
                        n, 0.0f, c, n);
            if (r >= 0) t[r] = vb_bench_now() - t0;
        }
        gflops = 2.0 * (double)n * (double)n * (double)n / vb_bench_median(t, reps) / 1e9;
    }
    vb_free(a);
    vb_free(b);
    vb_free(c);
    free(t);
    return gflops;
}
#else
double vb_bench_sgemm_gflops(int n, int threads, int reps)
{
    return -1;
}
#endif
