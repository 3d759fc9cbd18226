/* The omp backend's GEMM (ops.h, vb_gemm_desc): cache-blocked, OpenMP-parallel,
 * SIMD microkernels, no BLAS.
 *
 * For each batch matrix, C (m×n) = alpha·op(A)·op(B) + beta·C [+ bias] [then act].
 * The isa (omp_gemm.h) brings the kernel and the packing that feeds it, so this driver's
 * blocking, job split and epilogue serve every kernel.
 *
 * Work split: C is cut into jobs — (batch item, block of rows, block of columns) — and
 * the jobs are shared among the threads. A batch of small products (attention heads)
 * gives one job per item; a single large product is split along M (else N) so that
 * every thread gets the same amount of work.
 *
 * Inside a job (one thread), the classic blocking for the cache hierarchy:
 *   for each NC columns:
 *     for each KC steps of K:                pack op(B)[pc:pc+kc, jc:jc+nc]  (L2/L3)
 *       for each MC rows:                    pack op(A)[ic:ic+mc, pc:pc+kc]  (L2)
 *         for each NR-column panel:          a kc×NR panel of B stays in L1
 *           for each MR rows: microkernel    the MR×NR tile lives in registers
 * (a block of few words of K swaps the two inner loops: ROW_ORDER_MAX_KW).
 * Packing absorbs both transposes (and any conversion). A packed B block pays for itself
 * over the row tiles that reuse it, a packed A block over the column panels. So an f32
 * job of few row tiles — one attention head, or the short M of a weight gradient
 * (dW = Xᵀ dY, M = the layer's inputs) — reads a row-major B in place, and one of few
 * column panels reads an A stored m×k in place; bf16 converts an A stored m×k row by row
 * (pack_a_rows), which needs no transpose. beta applies on the first K block only (later
 * blocks accumulate), bias and activation on the last, tile by tile. */
#include <omp.h>
#include "omp_gemm.h"

/* Blocks are counted in steps of K, so a kernel that packs two steps per word (bf16)
 * fills half of each block's scratch: bf16 converts operands that f32 reads in place,
 * and with blocks of f32's bytes (512 steps) its peak RSS stood 0.3-0.6 MiB over f32's
 * (keras_cct, omp), with 256 steps 0-0.2 MiB under it, training as fast. */
enum {
    KC = 256,  /* steps of K per packed block: a 12×32 f32 kernel streams a 32 KiB B panel */
    MC = 120,  /* rows of A per pass over a packed block: 120×256 f32 = 120 KiB, L2 */
    NC = 2048, /* columns per packed block: KC×NC f32 = 2 MiB of scratch per thread */
};

/* Jobs of at most this many row tiles read a row-major B in place, when the kernel reads
 * f32 words (kpack = 1): any other kernel needs B converted, so packed. A B panel read in
 * place stays in L1 for the job's row tiles; packing it cost more than it saved up to
 * here (dW of keras_cct's QKV, M = 128: 7.3 -> 5.2 ms in place; no gain from more). */
enum { IN_PLACE_B_TILES = 12 };

/* Jobs of at most this many column panels read an A stored m×k in place, when the isa
 * has a kernel for that (kernel_rows). A packed A block pays for itself over the column
 * panels that reuse it; with N ≤ 128 its transpose cost about as much as the products
 * (keras_cct's dX of QKV: 6.2 -> 4.6 ms in place, its MLP 1.03 -> 0.72 ms). */
enum { IN_PLACE_A_PANELS = 4 };

/* Blocks of at most this many words of K walk their tiles row by row (each A micro-panel
 * over all of B's panels) instead of panel by panel (each B panel, held in L1, over all
 * row tiles). A short K leaves little to reuse in either panel, and the tiles' loads and
 * stores of C dominate: row by row writes C's rows in order, which the hardware streams.
 * bf16, 1 thread: the SPT+LSA ViT head's weight gradient (K = 32, C 9216×2048 with
 * beta = 1) 18.1 -> 9.7 ms; long-K weight gradients were slower row by row. */
enum { ROW_ORDER_MAX_KW = 64 };

/* Below this many multiply-adds a product runs on one thread: forking costs more. */
static const double SERIAL_WORK = 32768.0;

static int64_t min64(int64_t x, int64_t y) { return x < y ? x : y; }
static int64_t ceil_div(int64_t x, int64_t y) { return (x + y - 1) / y; }
static int64_t gcd64(int64_t x, int64_t y) { return y == 0 ? x : gcd64(y, x % y); }

/* How C is cut into jobs: mparts × nparts blocks per batch item, block size mchunk ×
 * nchunk (multiples of the kernel's tile so only the matrix edge has partial tiles). */
typedef struct plan {
    int64_t mparts, nparts, mchunk, nchunk;
} plan;

/* Enough blocks per batch item that batch·blocks is a multiple of the thread count
 * (one block each when the batch already divides evenly), cut along the longer side of
 * C so that each thread packs only its share of the other operand. */
static plan make_plan(const vb_gemm_desc *d, const vb_omp_isa *isa, int threads)
{
    const int64_t parts = threads / gcd64(d->batch, threads);
    const int64_t mtiles = ceil_div(d->m, isa->mr), ntiles = ceil_div(d->n, isa->nr);
    plan p;
    if (d->m >= d->n) {
        p.mparts = min64(parts, mtiles);
        p.nparts = min64(ceil_div(parts, p.mparts), ntiles);
    } else {
        p.nparts = min64(parts, ntiles);
        p.mparts = min64(ceil_div(parts, p.nparts), mtiles);
    }
    p.mchunk = ceil_div(mtiles, p.mparts) * isa->mr;
    p.nchunk = ceil_div(ntiles, p.nparts) * isa->nr;
    p.mparts = ceil_div(d->m, p.mchunk);
    p.nparts = ceil_div(d->n, p.nchunk);
    return p;
}

/* Where a job's kernel reads A from (chosen once per job, in gemm_block). */
typedef enum a_source {
    A_PACKED,   /* pack_a's panels of mr rows (any transpose) */
    A_ROWS,     /* pack_a_rows' converted rows (A stored m×k, an isa that packs rows) */
    A_IN_PLACE, /* A stored m×k itself, through kernel_rows */
} a_source;

/* One block of B: steps [pc, pc+kc) of K (kw panel words), columns [jc, jc+nc); its
 * panel jr at word b + jr·step, rows ld words apart (packed, or B itself in place). */
typedef struct b_block {
    int64_t pc, kc, kw, jc, nc;
    const uint32_t *b;
    int64_t step, ld;
    int last; /* the last block of K: bias and activation apply */
} b_block;

/* Rows [ic, ic+mc) of C over one block of B: A's rows for it packed (unless read in
 * place), then every mr×nr tile — row by row for a short K (ROW_ORDER_MAX_KW), else
 * panel by panel. */
static void row_block(const vb_gemm_desc *d, const vb_omp_isa *isa, a_source src,
                      const float *a, uint32_t *ap, const float *bias, float *c, int64_t ic,
                      int64_t mc, const b_block *bk)
{
    const int MR = isa->mr, NR = isa->nr;
    const float *arows = a + ic * d->lda + bk->pc; /* A stored m×k: row ic, step pc */
    if (src == A_ROWS)
        isa->pack_a_rows(arows, d->lda, mc, bk->kc, ap);
    else if (src == A_PACKED)
        isa->pack_a(d->trans_a ? a + bk->pc * d->lda + ic : arows, d->lda, d->trans_a, mc,
                    bk->kc, MR, ap);
    vb_omp_store st = { d->alpha, bk->pc == 0 ? d->beta : 1.0f, NULL };
    const int64_t panels = ceil_div(bk->nc, NR), row_tiles = ceil_div(mc, MR);
    const int by_rows = bk->kw <= ROW_ORDER_MAX_KW;
    for (int64_t t = 0; t < panels * row_tiles; t++) {
        const int64_t jr = (by_rows ? t % panels : t / row_tiles) * NR;
        const int64_t ir = (by_rows ? t / panels : t % row_tiles) * MR;
        const int nr = (int)min64(NR, bk->nc - jr), mr = (int)min64(MR, mc - ir);
        const uint32_t *bt = bk->b + jr * bk->step;
        float *ct = c + (ic + ir) * d->ldc + bk->jc + jr;
        st.bias = bk->last && d->has_bias ? bias + bk->jc + jr : NULL;
        if (src == A_IN_PLACE)
            isa->kernel_rows(bk->kc, arows + ir * d->lda, d->lda, bt, bk->ld, ct, d->ldc, mr,
                             nr, &st);
        else if (src == A_ROWS)
            isa->kernel_rows(bk->kc, ap + ir * bk->kw, bk->kw, bt, bk->ld, ct, d->ldc, mr, nr,
                             &st);
        else
            isa->kernel(bk->kc, ap + ir * bk->kw, bt, bk->ld, ct, d->ldc, mr, nr, &st);
        if (bk->last && d->act != VB_ACT_NONE)
            vb_omp_tile_act(d->act, ct, d->ldc, mr, nr);
    }
}

/* One job, on one thread: C[m0:m1, n0:n1] of one batch item. a, b, c point at that
 * item's matrices; ap and bp are the thread's packing buffers (see vb_omp_gemm). */
static void gemm_block(const vb_gemm_desc *d, const vb_omp_isa *isa, const float *a,
                       const float *b, const float *bias, float *c, int64_t m0, int64_t m1,
                       int64_t n0, int64_t n1, uint32_t *ap, uint32_t *bp)
{
    const int in_place_b =
        isa->kpack == 1 && !d->trans_b && m1 - m0 <= IN_PLACE_B_TILES * isa->mr;
    /* A stored m×k goes to kernel_rows: converted row by row when the isa packs rows (no
     * transpose), or read in place when few column panels reuse it */
    const a_source src = isa->pack_a_rows && !d->trans_a ? A_ROWS
                         : isa->kernel_rows && !d->trans_a &&
                                 n1 - n0 <= IN_PLACE_A_PANELS * isa->nr
                             ? A_IN_PLACE
                             : A_PACKED;
    for (int64_t jc = n0; jc < n1; jc += NC) {
        b_block bk = { .jc = jc, .nc = min64(NC, n1 - jc) };
        do { /* at least once: k == 0 still writes beta·C + bias */
            bk.kc = min64(KC, d->k - bk.pc);
            bk.kw = ceil_div(bk.kc, isa->kpack);
            bk.last = bk.pc + bk.kc >= d->k;
            const float *bsrc =
                d->trans_b ? b + jc * d->ldb + bk.pc : b + bk.pc * d->ldb + jc;
            if (in_place_b) {
                bk.b = (const uint32_t *)bsrc, bk.step = 1, bk.ld = d->ldb;
            } else {
                isa->pack_b(bsrc, d->ldb, d->trans_b, bk.kc, bk.nc, isa->nr, bp);
                bk.b = bp, bk.step = bk.kw, bk.ld = isa->nr;
            }
            for (int64_t ic = m0; ic < m1; ic += MC)
                row_block(d, isa, src, a, ap, bias, c, ic, min64(MC, m1 - ic), &bk);
            bk.pc += bk.kc;
        } while (bk.pc < d->k);
    }
}

static int valid(const vb_gemm_desc *d, const float *a, const float *b, const float *bias,
                 const float *c)
{
    if (!d || !a || !b || !c || (d->has_bias && !bias))
        return 0;
    if (d->batch < 0 || d->m < 0 || d->n < 0 || d->k < 0)
        return 0;
    return d->act == VB_ACT_NONE || d->act == VB_ACT_RELU || d->act == VB_ACT_GELU ||
           d->act == VB_ACT_GELU_TANH;
}

int vb_omp_gemm(vb_backend_ctx *ctx, const vb_gemm_desc *d, const float *a, const float *b,
                const float *bias, float *c)
{
    if (!valid(d, a, b, bias, c))
        return VB_EINVAL;
    if (d->batch == 0 || d->m == 0 || d->n == 0)
        return VB_OK;

    const vb_omp_isa *isa = vb_omp_isa_select(ctx->common.precision);
    const int threads = ctx->common.threads;
    const plan p = make_plan(d, isa, threads);
    const int64_t jobs = d->batch * p.mparts * p.nparts;
    const double work = (double)d->batch * d->m * d->n * (d->k + 1);
    /* per thread: a packed B block (KC × NC columns) then a packed A block (MC rows × KC),
     * both rounded up to whole panels: KC words, room for KC steps in either precision (a
     * multiple of 16, so every thread's slice and its A block stay 64-byte aligned) */
    const int64_t bwords = KC * ceil_div(min64(NC, p.nchunk), isa->nr) * isa->nr;
    const int64_t awords = KC * ceil_div(min64(MC, p.mchunk), isa->mr) * isa->mr;
    uint32_t *pack = vb_omp_scratch(ctx, (size_t)(threads * (bwords + awords)));
    if (!pack)
        return VB_ENOMEM;

#pragma omp parallel for schedule(static) num_threads(threads) \
    if (jobs > 1 && work > SERIAL_WORK)
    for (int64_t job = 0; job < jobs; job++) {
        uint32_t *bp = pack + omp_get_thread_num() * (bwords + awords);
        const int64_t t = job / (p.mparts * p.nparts), blk = job % (p.mparts * p.nparts);
        const int64_t m0 = blk / p.nparts * p.mchunk, n0 = blk % p.nparts * p.nchunk;
        gemm_block(d, isa, a + t * d->stride_a, b + t * d->stride_b, bias,
                   c + t * d->stride_c, m0, min64(m0 + p.mchunk, d->m), n0,
                   min64(n0 + p.nchunk, d->n), bp + bwords, bp);
    }
    return VB_OK;
}
