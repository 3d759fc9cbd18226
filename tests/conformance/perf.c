/* Timing: the median of `reps` calls after one warm-up, on inputs prepared as for
 * checking. Medians, because the machine is shared and a single slow call (another
 * process, a page fault) says nothing about the op.
 *
 * The GEMM baseline is bare cblas_sgemm on the same shape, layout and thread count, run
 * in the same process minutes apart at most, so "% of cblas" compares like with like. */
#include <stdlib.h>
#include <time.h>
#include "conformance.h"
#ifdef VB_HAVE_CBLAS
#include <cblas.h>
#endif

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Two thread pools live in this process: OpenBLAS's own workers (the cblas baseline) and
 * libgomp's (the backends). Each spins for a while after its last job — OpenBLAS for
 * about 2^28 cycles by default — and on 2 cores a spinning pool starves the other one,
 * which then runs in 4 ms scheduler slices. Sleeping a quarter second before every
 * measurement lets the previous pool fall asleep, so each side is timed on quiet cores. */
static void settle(void)
{
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 250000000};
    nanosleep(&pause, NULL);
}

/* Median seconds of reps calls of run(ctx) after one warm-up; < 0 if a call fails. */
static double median_time(int (*run)(void *ctx), void *ctx, int reps)
{
    settle();
    double *t = malloc((size_t)reps * sizeof *t), med;
    if (t == NULL || run(ctx) != VB_OK) {
        free(t);
        return -1;
    }
    for (int i = 0; i < reps; i++) {
        double t0 = now();
        if (run(ctx) != VB_OK) {
            free(t);
            return -1;
        }
        t[i] = now() - t0;
    }
    qsort(t, (size_t)reps, sizeof *t, by_value);
    med = reps % 2 ? t[reps / 2] : 0.5 * (t[reps / 2 - 1] + t[reps / 2]);
    free(t);
    return med;
}

typedef struct op_run {
    vb_op op;
    const vb_loaded_backend *engine;
    const cf_desc *desc;
    cf_buffers *bufs;
    uint64_t seed;
} op_run;

static int run_op(void *ctx)
{
    op_run *o = ctx;
    return cf_call(o->op, o->engine, o->desc, o->bufs->p, o->seed);
}

void cf_perf(const vb_loaded_backend *b, vb_op op, const cf_case *c, uint64_t seed, int reps,
             cf_result *r)
{
    if (cf_screen(b, op, c, seed, r) != 0)
        return;
    const cf_opinfo *info = cf_opinfo_get(op);
    cf_buffers bufs;
    if (cf_prepare(op, &c->desc, seed, cf_reference(), 0, &bufs, NULL) != VB_OK) {
        r->cmp.status = CF_FAIL;
        return;
    }
    op_run o = {op, b, &c->desc, &bufs, seed};
    r->seconds = median_time(run_op, &o, reps);
    r->cmp.status = r->seconds < 0 ? CF_FAIL : CF_PASS;
    if (r->seconds > 0 && info->flops)
        r->gflops = info->flops(&c->desc) / r->seconds * 1e-9;
    cf_buffers_free(&bufs);
}

#ifdef VB_HAVE_CBLAS
typedef struct blas_run {
    const vb_gemm_desc *d;
    const float *a, *b;
    float *c;
} blas_run;

static int run_cblas(void *ctx)
{
    const blas_run *g = ctx;
    const vb_gemm_desc *d = g->d;
    for (int64_t i = 0; i < d->batch; i++)
        cblas_sgemm(CblasRowMajor, d->trans_a ? CblasTrans : CblasNoTrans,
                    d->trans_b ? CblasTrans : CblasNoTrans, (int)d->m, (int)d->n, (int)d->k,
                    d->alpha, g->a + i * d->stride_a, (int)d->lda, g->b + i * d->stride_b,
                    (int)d->ldb, d->beta, g->c + i * d->stride_c, (int)d->ldc);
    return VB_OK;
}

double cf_perf_cblas(const cf_case *c, int threads, int reps)
{
    if (c->family != VB_OP_GEMM)
        return -1;
    cf_buffers bufs;
    if (cf_prepare(VB_OP_GEMM, &c->desc, 1, cf_reference(), 0, &bufs, NULL) != VB_OK)
        return -1;
    openblas_set_num_threads(threads);
    blas_run g = {&c->desc.gemm, bufs.p[0], bufs.p[1], bufs.p[3]};
    double t = median_time(run_cblas, &g, reps);
    cf_buffers_free(&bufs);
    return t;
}
#else
double cf_perf_cblas(const cf_case *c, int threads, int reps)
{
    return -1;
}
#endif
