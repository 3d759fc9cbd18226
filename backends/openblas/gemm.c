/* GEMM on OpenBLAS: vb_gemm_desc (ops.h) mapped onto cblas_sgemm calls.
 *
 * For each b of the batch:  C_b (m×n) = alpha · op(A_b) · op(B_b) + beta · C_b,
 * then bias and activation (vb_common_gemm_epilogue), all row-major.
 *
 * Threading. OpenBLAS is kept single-threaded and this file does all the parallel work
 * with OpenMP, on the context's threads: the batch is cut into batch × s blocks — whole
 * matrices, or slabs of rows (or columns) of one — and each OpenMP thread runs plain sgemm
 * calls on its own blocks. Why not OpenBLAS's own threads:
 *   - Debian's default libopenblas0-pthread keeps a second pool of worker threads beside
 *     libgomp's. After each call they spin (sched_yield loop) before sleeping, so on a
 *     2-core machine they compete with the OpenMP threads of the common kernels that run
 *     next; and an sgemm called from inside an OpenMP region would ask for more threads.
 *     With one pool (libgomp) neither can happen, and the backend behaves the same with
 *     the pthread, openmp or serial build of OpenBLAS.
 *   - Attention issues many small GEMMs (per sample, a batch of heads of 64×64×64):
 *     threading inside each product costs more than it gains, whereas one whole matrix
 *     per thread needs no synchronisation until the end of the call.
 *   - Measured on the 2-core development machine (best of repeated runs): two row slabs
 *     on single-threaded sgemm match OpenBLAS's own 2-thread sgemm at 1024³ (about 200
 *     GFLOP/s each) and beat it on the CCT dense and attention shapes; a GEMM followed by
 *     an OpenMP loop, as in training, ran up to several times faster with one pool.
 * The epilogue runs on each block right after its sgemm, while the block is in cache. */
#include <cblas.h>
#include <limits.h>
#include <omp.h>
#include "openblas.h"

/* Below this many multiply-adds in total, waking the thread team costs more than it saves. */
#define SERIAL_MACS (1 << 17)
/* Slab edges are rounded to a multiple of this (OpenBLAS's AVX-512 sgemm kernel works on
 * 16-row panels), so no slab ends in a ragged panel except the last. */
#define SLAB_ALIGN 16

int vb_openblas_gemm_fits(const vb_gemm_desc *d)
{
    return d->m <= INT_MAX && d->n <= INT_MAX && d->k <= INT_MAX && d->lda <= INT_MAX &&
           d->ldb <= INT_MAX && d->ldc <= INT_MAX;
}

/* The batch of one B·W product with a shared W (tokens (B,T,K) × W (K,N)) is one tall
 * GEMM: when B is broadcast, A is not transposed and the A and C matrices follow each
 * other without gaps, fold the batch into M — one sgemm of (B·m)×k by k×n. */
static void fold_batch_into_m(vb_gemm_desc *d)
{
    if (d->batch > 1 && d->stride_b == 0 && !d->trans_a && d->stride_a == d->m * d->lda &&
        d->stride_c == d->m * d->ldc && d->batch * d->m <= INT_MAX) {
        d->m *= d->batch;
        d->batch = 1;
    }
}

/* Block (i0, rows) × (j0, cols) of one matrix of the batch: a single-threaded sgemm on the
 * matching slabs of A and B, then the epilogue on that block. */
static void gemm_block(vb_backend_ctx *ctx, const vb_gemm_desc *d, const float *a,
                       const float *b, const float *bias, float *c, int64_t i0, int64_t rows,
                       int64_t j0, int64_t cols)
{
    // row i0 of op(A): row i0 of A (m×k), or column i0 of A stored k×m
    const float *a0 = a + (d->trans_a ? i0 : i0 * d->lda);
    // column j0 of op(B): column j0 of B (k×n), or row j0 of B stored n×k
    const float *b0 = b + (d->trans_b ? j0 * d->ldb : j0);
    float *c0 = c + i0 * d->ldc + j0;
    // beta == 0 is passed through: OpenBLAS then writes C without reading it.
    cblas_sgemm(CblasRowMajor, d->trans_a ? CblasTrans : CblasNoTrans,
                d->trans_b ? CblasTrans : CblasNoTrans, (int)rows, (int)cols, (int)d->k,
                d->alpha, a0, (int)d->lda, b0, (int)d->ldb, d->beta, c0, (int)d->ldc);
    if (d->has_bias || d->act != VB_ACT_NONE) {
        vb_gemm_desc block = *d;
        block.batch = 1;
        block.m = rows;
        block.n = cols;
        vb_common_gemm_epilogue(ctx, &block, d->has_bias ? bias + j0 : NULL, c0);
    }
}

static int64_t gcd(int64_t x, int64_t y)
{
    while (y != 0) {
        int64_t r = x % y;
        x = y;
        y = r;
    }
    return x;
}

/* Runs the d->batch matrices as batch × s blocks over `threads` OpenMP threads. Each
 * matrix is cut into s slabs along its longer side, s = threads / gcd(batch, threads):
 * then the block count lcm(batch, threads) splits evenly — one slab per thread for a
 * single GEMM, whole matrices when the batch is a multiple of the thread count. */
static void gemm_blocks(vb_backend_ctx *ctx, const vb_gemm_desc *d, const float *a,
                        const float *b, const float *bias, float *c, int threads)
{
    int64_t s = threads / gcd(d->batch, threads);
    int split_rows = d->m >= d->n;
    int64_t len = split_rows ? d->m : d->n;
    int64_t slab = (len + s - 1) / s;
    if (s > 1)
        slab = (slab + SLAB_ALIGN - 1) / SLAB_ALIGN * SLAB_ALIGN;
    int64_t blocks = d->batch * s;

#pragma omp parallel for schedule(static) num_threads(threads) if (threads > 1)
    for (int64_t blk = 0; blk < blocks; blk++) {
        int64_t ib = blk / s, lo = (blk % s) * slab;
        int64_t hi = lo + slab < len ? lo + slab : len;
        if (lo >= hi)
            continue;
        const float *ab = a + ib * d->stride_a, *bb = b + ib * d->stride_b;
        float *cb = c + ib * d->stride_c;
        if (split_rows)
            gemm_block(ctx, d, ab, bb, bias, cb, lo, hi - lo, 0, d->n);
        else
            gemm_block(ctx, d, ab, bb, bias, cb, 0, d->m, lo, hi - lo);
    }
}

int vb_openblas_gemm(vb_backend_ctx *ctx, const vb_gemm_desc *desc, const float *a,
                     const float *b, const float *bias, float *c)
{
    if (!desc || !a || !b || !c || (desc->has_bias && !bias))
        return VB_EINVAL;
    if (!vb_openblas_gemm_fits(desc))
        return VB_EUNSUPPORTED;
    vb_gemm_desc d = *desc;
    fold_batch_into_m(&d);
    /* OpenBLAS has only a process-wide thread count (openblas_set_num_threads), so it is set
     * here, per call, to the one value this backend ever uses: 1. Anyone else in the
     * process (vbcheck's bare cblas_sgemm baseline, a host application) may have raised
     * it, and each of our OpenMP slabs must run single-threaded, or 2 threads × 2 OpenBLAS
     * workers fight over 2 cores. The context's thread count goes to OpenMP alone. In
     * OpenBLAS's OpenMP build the setter also sets the calling thread's OpenMP count, which
     * nothing here reads (every region names its num_threads). */
    if (openblas_get_num_threads() != 1)
        openblas_set_num_threads(1);

    int threads = omp_in_parallel() ? 1 : ctx->common.threads;
    if ((double)d.batch * d.m * d.n * d.k < SERIAL_MACS)
        threads = 1;

    if (d.stride_c != 0 || d.batch == 1) {
        gemm_blocks(ctx, &d, a, b, bias, c, threads);
        return VB_OK;
    }
    // stride_c == 0: every product lands in the same C (a sum over the batch when
    // beta == 1), so the matrices must run one after another, each split over threads.
    vb_gemm_desc one = d;
    one.batch = 1;
    for (int64_t ib = 0; ib < d.batch; ib++)
        gemm_blocks(ctx, &one, a + ib * d.stride_a, b + ib * d.stride_b, bias, c, threads);
    return VB_OK;
}
