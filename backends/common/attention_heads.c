/* Attention one (sample, head) at a time, fused: the path vb_common_attention_fwd/bwd take
 * for narrow heads (by_head in attention.c) on CPUs with AVX-512.
 *
 * Why: with heads 16 wide (qiita_vit: 65 tokens, 4 heads of 16) every product of the
 * batched-GEMM path sums over 16 values or has 16 columns, so packing operands and the row
 * passes' reductions and masked tails cost more than the multiply-adds: attention was 42 of
 * qiita_vit's 95 ms per 128-image bf16 step. Here each head is done out of a per-thread
 * workspace that stays in the core's caches:
 *   - its Q, K, V (and dO) are copied once into rows of Dp floats, Tp rows (T and D
 *     rounded up to 16, zero padded; rounded to bf16 first in bf16 contexts), and
 *     transposed to (Dp, Tp) where a product runs along the tokens;
 *   - then 8 query rows at a time: their scores, the GEMM path's row pass (mask, softmax,
 *     dropout with the same keep indices) on whole vectors, and the products into the
 *     outputs. Padding columns have score −∞, so P, P' and dS are 0 there and padding
 *     adds nothing to any sum.
 * The maths, and in bf16 contexts the points where operands are rounded (every product's
 * inputs: Q, K, V, dO, P', dS), are those of the GEMM path (attention.c's header); only
 * the order of the sums differs, so results differ in the last bits.
 *
 * Compiled for AVX-512 (local.mk); the functions that use AVX512-BF16 instructions carry
 * VBC_BF16_TARGET and are called only from bf16 contexts, which exist only on CPUs that
 * have them, so f32 runs on any AVX-512 CPU. */
#include <immintrin.h>
#include <omp.h>
#include "internal.h"

/* Query rows per block: 8 accumulators in flight hide the multiply-add latency. */
#define ROWS 8

/* A head's sizes: T tokens of D values, padded to Tp and Dp (multiples of 16). */
typedef struct head_shape {
    int64_t T, D, Tp, Dp;
} head_shape;

static head_shape shape_of(const vb_attention_desc *d)
{
    const int64_t T = d->tokens, D = d->head_dim;
    return (head_shape){ T, D, (T + 15) & ~(int64_t)15, (D + 15) & ~(int64_t)15 };
}

/* The right-hand side B (k, n) of a block's products: f32 rows, n floats each (with a
 * zero row k when k is odd), and in bf16 contexts also those rows in pairs, each word
 * (B[2i][c], B[2i+1][c]) as two bf16 (pair_rows): what VDPBF16PS multiplies. */
typedef struct rhs {
    float *rows;
    uint32_t *pairs; /* (⌈k/2⌉, n) */
    int64_t k, n;
} rhs;

/* One thread's workspace. Every matrix starts 64-byte aligned (the arena is, and every
 * size is a multiple of 16 floats). */
typedef struct workspace {
    float *q, *dout;        /* (Tp, Dp): the head's Q and dO rows */
    rhs k, v;               /* (Tp, Dp): K and V rows, summed over the tokens */
    rhs kt, vt;             /* (Dp, Tp): Kᵀ and Vᵀ, summed over the head's width */
    float *dk, *dv;         /* (Tp, Dp): backward's sums over the query rows */
    float *p, *pd, *g, *qk; /* (ROWS, Tp): one block's P, P', dP' then dS, Q Kᵀ */
    float *out;             /* (ROWS, Dp): one block's product rows */
    uint16_t *a_bf16;       /* (ROWS, Tp + Dp): a product's left-hand rows as bf16 */
    uint32_t *p_pairs, *x_pairs; /* (ROWS/2, Tp), (ROWS/2, Dp): a block's rows paired */
} workspace;

static int64_t workspace_floats(head_shape s)
{
    return 8 * s.Tp * s.Dp + 4 * (s.Tp * s.Dp / 2) + 4 * ROWS * s.Tp + ROWS * s.Dp +
           2 * (ROWS * (s.Tp + s.Dp) / 2);
}

static workspace workspace_at(float *w, head_shape s)
{
    workspace ws;
    ws.k = (rhs){ .k = s.T, .n = s.Dp };
    ws.v = (rhs){ .k = s.T, .n = s.Dp };
    ws.kt = (rhs){ .k = s.D, .n = s.Tp };
    ws.vt = (rhs){ .k = s.D, .n = s.Tp };
    float **matrices[] = { &ws.q, &ws.dout, &ws.k.rows, &ws.v.rows, &ws.kt.rows,
                           &ws.vt.rows, &ws.dk, &ws.dv };
    for (size_t i = 0; i < sizeof matrices / sizeof matrices[0]; i++, w += s.Tp * s.Dp)
        *matrices[i] = w;
    uint32_t **pairs[] = { &ws.k.pairs, &ws.v.pairs, &ws.kt.pairs, &ws.vt.pairs };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++, w += s.Tp * s.Dp / 2)
        *pairs[i] = (uint32_t *)w;
    float **blocks[] = { &ws.p, &ws.pd, &ws.g, &ws.qk };
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++, w += ROWS * s.Tp)
        *blocks[i] = w;
    ws.out = w, w += ROWS * s.Dp;
    ws.a_bf16 = (uint16_t *)w, w += ROWS * (s.Tp + s.Dp) / 2;
    ws.p_pairs = (uint32_t *)w, w += ROWS / 2 * s.Tp;
    ws.x_pairs = (uint32_t *)w;
    return ws;
}

/* 16 floats rounded to bf16 and widened back, as VCVTNEPS2BF16 rounds (bf16.c). */
VBC_BF16_TARGET static inline __m512 round_bf16(__m512 x)
{
    const __m256i h = (__m256i)_mm512_cvtneps_pbh(x);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

/* x[0:n) rounded to bf16 in place; n a multiple of 16, x aligned. */
VBC_BF16_TARGET static void round_bf16_in_place(float *x, int64_t n)
{
    for (int64_t j = 0; j < n; j += 16)
        _mm512_store_ps(x + j, round_bf16(_mm512_load_ps(x + j)));
}

/* dst (Tp, Dp) = the head's T rows of D values at src (rows `stride` apart), zero padded,
 * rounded to bf16 when bf16. */
static void load_rows(const float *src, int64_t stride, head_shape s, int bf16, float *dst)
{
    /* the rounding in a pass of its own, so no bf16 instruction sits in f32's code path */
    for (int64_t j = 0; j < s.T; j++)
        for (int64_t c = 0; c < s.Dp; c += 16) {
            const int64_t n = s.D - c < 16 ? s.D - c : 16;
            __m512 x = n == 16 ? _mm512_loadu_ps(src + j * stride + c)
                               : _mm512_maskz_loadu_ps((__mmask16)((1u << n) - 1),
                                                       src + j * stride + c);
            _mm512_store_ps(dst + j * s.Dp + c, x);
        }
    memset(dst + s.T * s.Dp, 0, (size_t)((s.Tp - s.T) * s.Dp) * sizeof(float));
    if (bf16)
        round_bf16_in_place(dst, s.T * s.Dp);
}

/* t (16 rows, ldt apart) = the 16×16 tile at r (rows ldr apart), transposed: pairs of
 * rows interleaved (unpack), then 4×4 blocks within each 128-bit lane (shuffle), then the
 * lanes themselves, 4×4 (two lane shuffles). */
static void transpose_tile(const float *r, int64_t ldr, float *t, int64_t ldt)
{
    __m512 lo[8], hi[8], col[4][4]; /* col[x][m]: lane l holds column 4l + x of rows 4m.. */
    for (int k = 0; k < 8; k++) {
        const __m512 x = _mm512_load_ps(r + 2 * k * ldr);
        const __m512 y = _mm512_load_ps(r + (2 * k + 1) * ldr);
        lo[k] = _mm512_unpacklo_ps(x, y);
        hi[k] = _mm512_unpackhi_ps(x, y);
    }
    for (int m = 0; m < 4; m++) {
        col[0][m] = _mm512_shuffle_ps(lo[2 * m], lo[2 * m + 1], 0x44);
        col[1][m] = _mm512_shuffle_ps(lo[2 * m], lo[2 * m + 1], 0xEE);
        col[2][m] = _mm512_shuffle_ps(hi[2 * m], hi[2 * m + 1], 0x44);
        col[3][m] = _mm512_shuffle_ps(hi[2 * m], hi[2 * m + 1], 0xEE);
    }
    for (int x = 0; x < 4; x++) {
        const __m512 even01 = _mm512_shuffle_f32x4(col[x][0], col[x][1], 0x88),
                     odd01 = _mm512_shuffle_f32x4(col[x][0], col[x][1], 0xDD),
                     even23 = _mm512_shuffle_f32x4(col[x][2], col[x][3], 0x88),
                     odd23 = _mm512_shuffle_f32x4(col[x][2], col[x][3], 0xDD);
        _mm512_store_ps(t + x * ldt, _mm512_shuffle_f32x4(even01, even23, 0x88));
        _mm512_store_ps(t + (4 + x) * ldt, _mm512_shuffle_f32x4(odd01, odd23, 0x88));
        _mm512_store_ps(t + (8 + x) * ldt, _mm512_shuffle_f32x4(even01, even23, 0xDD));
        _mm512_store_ps(t + (12 + x) * ldt, _mm512_shuffle_f32x4(odd01, odd23, 0xDD));
    }
}

/* t (Dp, Tp) = rowsᵀ for rows (Tp, Dp), 16×16 tiles at a time. */
static void transpose(const float *rows, head_shape s, float *t)
{
    for (int64_t j = 0; j < s.Tp; j += 16)
        for (int64_t d = 0; d < s.Dp; d += 16)
            transpose_tile(rows + j * s.Dp + d, s.Dp, t + d * s.Tp + j, s.Tp);
}

/* out (ROWS, b.n) = a (ROWS rows, lda apart) · B, over B's k rows: f32 multiply-adds. */
static void rows_times(const float *a, int64_t lda, const rhs *b, float *out)
{
    for (int64_t c = 0; c < b->n; c += 16) {
        __m512 acc[ROWS];
#pragma GCC unroll 8
        for (int r = 0; r < ROWS; r++)
            acc[r] = _mm512_setzero_ps();
        for (int64_t k = 0; k < b->k; k++) {
            const __m512 y = _mm512_load_ps(b->rows + k * b->n + c);
#pragma GCC unroll 8
            for (int r = 0; r < ROWS; r++)
                acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r * lda + k]), y, acc[r]);
        }
#pragma GCC unroll 8
        for (int r = 0; r < ROWS; r++)
            _mm512_store_ps(out + r * b->n + c, acc[r]);
    }
}

/* The same product from bf16 pairs: a's rows (zero from column k to lda) rounded to bf16
 * into a_bf16, then per pair of B's rows one VDPBF16PS, two multiply-adds per lane. */
VBC_BF16_TARGET
static void rows_times_bf16(const float *a, int64_t lda, const rhs *b, uint16_t *a_bf16,
                            float *out)
{
    for (int64_t i = 0; i < ROWS * lda; i += 16)
        _mm256_store_si256((__m256i *)(a_bf16 + i),
                           (__m256i)_mm512_cvtneps_pbh(_mm512_load_ps(a + i)));
    const uint32_t *a_pairs = (const uint32_t *)a_bf16;
    for (int64_t c = 0; c < b->n; c += 16) {
        __m512 acc[ROWS];
#pragma GCC unroll 8
        for (int r = 0; r < ROWS; r++)
            acc[r] = _mm512_setzero_ps();
        for (int64_t k2 = 0; k2 < (b->k + 1) / 2; k2++) {
            const __m512bh y = (__m512bh)_mm512_load_si512(b->pairs + k2 * b->n + c);
#pragma GCC unroll 8
            for (int r = 0; r < ROWS; r++)
                acc[r] = _mm512_dpbf16_ps(
                    acc[r], (__m512bh)_mm512_set1_epi32((int)a_pairs[r * lda / 2 + k2]), y);
        }
#pragma GCC unroll 8
        for (int r = 0; r < ROWS; r++)
            _mm512_store_ps(out + r * b->n + c, acc[r]);
    }
}

/* pairs (⌈k/2⌉, n) from rows (k rows of n floats, and a zero row k when k is odd), which
 * hold bf16 values (their low 16 bits are 0): rows 2i and 2i + 1 interleaved lane by
 * lane, each word the high halves of the two floats. */
static void pair_rows(const float *rows, int64_t k, int64_t n, uint32_t *pairs)
{
    const __mmask32 low_halves = 0x55555555;
    for (int64_t k2 = 0; k2 < (k + 1) / 2; k2++)
        for (int64_t c = 0; c < n; c += 16) {
            const __m512i lo = _mm512_load_si512(rows + 2 * k2 * n + c);
            const __m512i hi = _mm512_load_si512(rows + (2 * k2 + 1) * n + c);
            _mm512_store_si512(pairs + k2 * n + c,
                               _mm512_mask_blend_epi16(low_halves, hi, _mm512_srli_epi32(lo, 16)));
        }
}

/* b->pairs from b->rows. */
static void pair_rhs(rhs *b) { pair_rows(b->rows, b->k, b->n, b->pairs); }

/* out (ROWS, b.n) = a · B as the context multiplies: f32, or bf16 pairs. */
static void product(const float *a, int64_t lda, const rhs *b, int bf16, workspace ws,
                    float *out)
{
    if (bf16)
        rows_times_bf16(a, lda, b, ws.a_bf16, out);
    else
        rows_times(a, lda, b, out);
}

/* sum (Tp, Dp) += p (ROWS, Tp)ᵀ · x (ROWS rows of Dp), over j < T: a block's share of
 * dV = P'ᵀ dO or of dSᵀ Q. Two chains per row of sum, so the 8 terms overlap. */
static void add_transposed_by_rows(const float *p, const float *x, head_shape s, float *sum)
{
    for (int64_t c = 0; c < s.Dp; c += 16) {
        __m512 xr[ROWS];
#pragma GCC unroll 8
        for (int r = 0; r < ROWS; r++)
            xr[r] = _mm512_load_ps(x + r * s.Dp + c);
        for (int64_t j = 0; j < s.T; j++) {
            __m512 even = _mm512_load_ps(sum + j * s.Dp + c), odd = _mm512_setzero_ps();
#pragma GCC unroll 8
            for (int r = 0; r < ROWS; r += 2) {
                even = _mm512_fmadd_ps(_mm512_set1_ps(p[r * s.Tp + j]), xr[r], even);
                odd = _mm512_fmadd_ps(_mm512_set1_ps(p[(r + 1) * s.Tp + j]), xr[r + 1], odd);
            }
            _mm512_store_ps(sum + j * s.Dp + c, _mm512_add_ps(even, odd));
        }
    }
}

/* The same sum from bf16 pairs: p_pairs (ROWS/2, Tp) and x_pairs (ROWS/2, Dp), the
 * block's p and x rows paired (pair_rows); per token one VDPBF16PS per pair of rows, two
 * multiply-adds per lane. */
VBC_BF16_TARGET
static void add_transposed_bf16(const uint32_t *p_pairs, const uint32_t *x_pairs,
                                head_shape s, float *sum)
{
    for (int64_t c = 0; c < s.Dp; c += 16) {
        __m512bh xr[ROWS / 2];
#pragma GCC unroll 4
        for (int r2 = 0; r2 < ROWS / 2; r2++)
            xr[r2] = (__m512bh)_mm512_load_si512(x_pairs + r2 * s.Dp + c);
        for (int64_t j = 0; j < s.T; j++) {
            __m512 even = _mm512_load_ps(sum + j * s.Dp + c), odd = _mm512_setzero_ps();
#pragma GCC unroll 4
            for (int r2 = 0; r2 < ROWS / 2; r2 += 2) {
                even = _mm512_dpbf16_ps(
                    even, (__m512bh)_mm512_set1_epi32((int)p_pairs[r2 * s.Tp + j]), xr[r2]);
                odd = _mm512_dpbf16_ps(
                    odd, (__m512bh)_mm512_set1_epi32((int)p_pairs[(r2 + 1) * s.Tp + j]),
                    xr[r2 + 1]);
            }
            _mm512_store_ps(sum + j * s.Dp + c, _mm512_add_ps(even, odd));
        }
    }
}

/* sum (Tp, Dp) += p (the block's ROWS rows of Tp)ᵀ · x (ROWS rows of Dp) as the context
 * multiplies: f32, or bf16 pairs. */
static void add_product_transposed(const float *p, const float *x, head_shape s, int bf16,
                                   workspace ws, float *sum)
{
    if (!bf16) {
        add_transposed_by_rows(p, x, s, sum);
        return;
    }
    pair_rows(p, ROWS, s.Tp, ws.p_pairs);
    pair_rows(x, ROWS, s.Dp, ws.x_pairs);
    add_transposed_bf16(ws.p_pairs, ws.x_pairs, s, sum);
}

/* The forward row pass of a block's rows i0 .. i0 + n − 1 (attention.c's, on padded
 * rows): block (n, Tp) holds their unscaled scores on entry and P' on exit (padding 0);
 * P goes to their rows of probs. Three passes, each over all n rows before the next, so
 * the rows' reductions (max, sum, reciprocal) overlap instead of waiting on each other:
 * scale and mask (padding and, with diag_mask, the diagonal become −∞) taking the max;
 * exp and sum; normalise into the block and probs. */
static void forward_rows(const vb_attention_desc *d, int64_t b, int64_t h, int64_t i0,
                         int64_t n, float scale, head_shape s, float *block, float *probs)
{
    const __m512 vscale = _mm512_set1_ps(scale), minus_inf = _mm512_set1_ps(-INFINITY);
    float max[ROWS], inv[ROWS];
    for (int64_t r = 0; r < n; r++) {
        float *row = block + r * s.Tp;
        const int64_t i = i0 + r;
        __m512 vmax = minus_inf;
        for (int64_t j = 0; j < s.Tp; j += 16) {
            const int64_t real = s.T - j; /* entries of this vector before the padding */
            __mmask16 keep = real >= 16 ? 0xFFFF : (__mmask16)((1u << real) - 1);
            if (d->diag_mask && i >= j && i < j + 16)
                keep &= (__mmask16) ~(1u << (i - j));
            const __m512 x = _mm512_mask_mov_ps(
                minus_inf, keep, _mm512_mul_ps(_mm512_load_ps(row + j), vscale));
            _mm512_store_ps(row + j, x);
            vmax = _mm512_max_ps(vmax, x);
        }
        max[r] = _mm512_reduce_max_ps(vmax);
    }
    for (int64_t r = 0; r < n; r++) {
        float *row = block + r * s.Tp;
        __m512 vsum = _mm512_setzero_ps();
        for (int64_t j = 0; j < s.Tp; j += 16) {
            float *x = row + j;
#pragma omp simd
            for (int l = 0; l < 16; l++)
                x[l] = vbc_expf(x[l] - max[r]);
            vsum = _mm512_add_ps(vsum, _mm512_load_ps(x));
        }
        inv[r] = 1.0f / _mm512_reduce_add_ps(vsum);
    }
    for (int64_t r = 0; r < n; r++) {
        float *row = block + r * s.Tp, *saved = probs + vbc_attention_probs_row(d, b, h, i0 + r);
        const __m512 vinv = _mm512_set1_ps(inv[r]);
        for (int64_t j = 0; j < s.Tp; j += 16) {
            const __m512 p = _mm512_mul_ps(_mm512_load_ps(row + j), vinv);
            _mm512_store_ps(row + j, p);
            if (j + 16 <= s.T)
                _mm512_storeu_ps(saved + j, p);
            else if (j < s.T)
                _mm512_mask_storeu_ps(saved + j, (__mmask16)((1u << (s.T - j)) - 1), p);
        }
        if (d->dropout > 0.0f)
            vbc_dropout_row(d->seed, d->dropout, vbc_attention_keep_index(d, b, h, i0 + r),
                            s.T, row, row);
    }
}

/* The backward row pass of query i (attention.c's, on a padded row): g (Tp) holds dP' on
 * entry, dS = P ⊙ (dP − Σ P ⊙ dP) on exit, dP = dropout(dP'); p (Tp) its P, padding 0.
 * Returns Σ dS ⊙ qk, or 0 when qk is NULL. */
static float backward_row(const vb_attention_desc *d, int64_t b, int64_t h, int64_t i,
                          head_shape s, const float *p, float *g, const float *qk)
{
    if (d->dropout > 0.0f)
        vbc_dropout_row(d->seed, d->dropout, vbc_attention_keep_index(d, b, h, i), s.T, g, g);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t j = 0; j < s.Tp; j += 16)
        acc = _mm512_fmadd_ps(_mm512_load_ps(p + j), _mm512_load_ps(g + j), acc);
    const __m512 pdp = _mm512_set1_ps(_mm512_reduce_add_ps(acc)); /* Σ_j P_ij dP_ij */
    acc = _mm512_setzero_ps();
    for (int64_t j = 0; j < s.Tp; j += 16) {
        const __m512 ds = _mm512_mul_ps(_mm512_load_ps(p + j),
                                        _mm512_sub_ps(_mm512_load_ps(g + j), pdp));
        _mm512_store_ps(g + j, ds);
        if (qk)
            acc = _mm512_fmadd_ps(ds, _mm512_load_ps(qk + j), acc);
    }
    return _mm512_reduce_add_ps(acc);
}

/* dst[i·stride + 0:D) = alpha·rows[i] (+ dst when accumulate), for the block's query
 * rows i0 + r < T. */
static void store_rows(const float *rows, int64_t i0, head_shape s, float alpha,
                       int accumulate, float *dst, int64_t stride)
{
    for (int64_t r = 0; r < ROWS && i0 + r < s.T; r++) {
        float *restrict y = dst + (i0 + r) * stride;
        const float *restrict x = rows + r * s.Dp;
        if (accumulate) {
#pragma omp simd
            for (int64_t c = 0; c < s.D; c++)
                y[c] += alpha * x[c];
        } else {
#pragma omp simd
            for (int64_t c = 0; c < s.D; c++)
                y[c] = alpha * x[c];
        }
    }
}

/* Where head h of sample b starts in a token-major tensor of row stride `stride`. */
static int64_t head_start(const vb_attention_desc *d, int64_t stride, int64_t b, int64_t h)
{
    return b * d->tokens * stride + h * d->head_dim;
}

/* One head of the forward pass. */
static void forward_head(const vb_attention_desc *d, int64_t b, int64_t h, const float *q,
                         const float *k, const float *v, float scale, float *o,
                         float *probs, int bf16, workspace ws)
{
    const head_shape s = shape_of(d);
    load_rows(q + head_start(d, d->q_row_stride, b, h), d->q_row_stride, s, bf16, ws.q);
    load_rows(k + head_start(d, d->k_row_stride, b, h), d->k_row_stride, s, bf16, ws.k.rows);
    transpose(ws.k.rows, s, ws.kt.rows);
    load_rows(v + head_start(d, d->v_row_stride, b, h), d->v_row_stride, s, bf16, ws.v.rows);
    if (bf16) {
        pair_rhs(&ws.kt);
        pair_rhs(&ws.v);
    }
    float *o_head = o + head_start(d, d->o_row_stride, b, h);
    for (int64_t i0 = 0; i0 < s.T; i0 += ROWS) {
        product(ws.q + i0 * s.Dp, s.Dp, &ws.kt, bf16, ws, ws.p);
        /* rows past T: scores of zero Q rows, never normalised nor stored */
        forward_rows(d, b, h, i0, s.T - i0 < ROWS ? s.T - i0 : ROWS, scale, s, ws.p, probs);
        product(ws.p, s.Tp, &ws.v, bf16, ws, ws.out); /* rounds P' to bf16 on its way */
        store_rows(ws.out, i0, s, 1.0f, 0, o_head, d->o_row_stride);
    }
}

/* The per-thread workspaces of a call: threads × workspace_floats, or NULL. */
static float *workspaces(vb_backend_ctx *ctx, head_shape s)
{
    return vbc_scratch(ctx, VBC_SCRATCH_HEADS,
                       (size_t)(vbc_threads(ctx) * workspace_floats(s)) * sizeof(float));
}

/* The calling thread's workspace among a call's. */
static workspace my_workspace(float *workspaces, head_shape s)
{
    return workspace_at(workspaces + omp_get_thread_num() * workspace_floats(s), s);
}

/* Whether a call spreads its heads over the context's threads. */
static int parallel_heads(const vb_attention_desc *d)
{
    return d->batch * d->heads * d->tokens * d->tokens >= VBC_PAR_MIN;
}

int vbc_attention_by_head_fwd(vb_backend_ctx *ctx, const vb_attention_desc *d,
                              const float *q, const float *k, const float *v, float scale,
                              float *o, float *probs)
{
    const head_shape s = shape_of(d);
    float *w = workspaces(ctx, s);
    if (!w)
        return VB_ENOMEM;
    const int bf16 = vb_common(ctx)->precision == VB_PRECISION_BF16;
    const int64_t heads = d->batch * d->heads;
#pragma omp parallel for schedule(static) num_threads(vbc_threads(ctx)) if (parallel_heads(d))
    for (int64_t bh = 0; bh < heads; bh++)
        forward_head(d, bh / d->heads, bh % d->heads, q, k, v, scale, o, probs, bf16,
                     my_workspace(w, s));
    return VB_OK;
}

/* What a backward call computes, and where. */
typedef struct head_grads {
    const float *q, *k, *v, *probs, *dout;
    float scale;
    float *dq, *dk, *dv;
    int want_dscale, bf16;
} head_grads;

/* The block's P, from the saved probs, into ws.p (padding rows and columns 0); returns
 * its P' for dV: ws.p itself without dropout and in f32, else ws.pd. */
static const float *block_probs(const vb_attention_desc *d, int64_t b, int64_t h, int64_t i0,
                                const head_grads *a, workspace ws)
{
    const head_shape s = shape_of(d);
    for (int64_t r = 0; r < ROWS; r++) {
        const int64_t i = i0 + r;
        const float *src = i < s.T ? a->probs + vbc_attention_probs_row(d, b, h, i) : NULL;
        for (int64_t j = 0; j < s.Tp; j += 16) {
            const int64_t real = src ? s.T - j : 0; /* entries before the padding */
            const __m512 x = real >= 16 ? _mm512_loadu_ps(src + j)
                           : real > 0 ? _mm512_maskz_loadu_ps((__mmask16)((1u << real) - 1),
                                                              src + j)
                                      : _mm512_setzero_ps();
            _mm512_store_ps(ws.p + r * s.Tp + j, x);
        }
    }
    if (!a->dv || (d->dropout <= 0.0f && !a->bf16))
        return ws.p;
    memcpy(ws.pd, ws.p, (size_t)(ROWS * s.Tp) * sizeof(float));
    if (d->dropout > 0.0f)
        for (int64_t r = 0; r < ROWS && i0 + r < s.T; r++)
            vbc_dropout_row(d->seed, d->dropout, vbc_attention_keep_index(d, b, h, i0 + r),
                            s.T, ws.pd + r * s.Tp, ws.pd + r * s.Tp);
    if (a->bf16)
        round_bf16_in_place(ws.pd, ROWS * s.Tp);
    return ws.pd;
}

/* One block of the backward pass; returns its share of dscale's Σ dS ⊙ Q Kᵀ. */
static double backward_block(const vb_attention_desc *d, int64_t b, int64_t h, int64_t i0,
                             const head_grads *a, workspace ws)
{
    const head_shape s = shape_of(d);
    const float *dropped = block_probs(d, b, h, i0, a, ws);
    if (a->dv) /* dV += P'ᵀ dO */
        add_product_transposed(dropped, ws.dout + i0 * s.Dp, s, a->bf16, ws, ws.dv);
    if (!a->dq && !a->dk && !a->want_dscale)
        return 0.0;
    /* dP' = dO Vᵀ, then dS row by row; padding rows (past T) get dS = 0 outright, since
     * their dO Vᵀ is 0 · V, which is NaN where V holds an Inf */
    product(ws.dout + i0 * s.Dp, s.Dp, &ws.vt, a->bf16, ws, ws.g);
    if (a->want_dscale)
        product(ws.q + i0 * s.Dp, s.Dp, &ws.kt, a->bf16, ws, ws.qk);
    const int64_t rows = s.T - i0 < ROWS ? s.T - i0 : ROWS;
    double dscale = 0.0;
    for (int64_t r = 0; r < rows; r++)
        dscale += backward_row(d, b, h, i0 + r, s, ws.p + r * s.Tp, ws.g + r * s.Tp,
                               a->want_dscale ? ws.qk + r * s.Tp : NULL);
    memset(ws.g + rows * s.Tp, 0, (size_t)((ROWS - rows) * s.Tp) * sizeof(float));
    if (a->bf16) /* dS is the input of both products that follow */
        round_bf16_in_place(ws.g, ROWS * s.Tp);
    if (a->dq) { /* dQ += scale · dS K */
        product(ws.g, s.Tp, &ws.k, a->bf16, ws, ws.out);
        store_rows(ws.out, i0, s, a->scale, 1, a->dq + head_start(d, d->q_row_stride, b, h),
                   d->q_row_stride);
    }
    if (a->dk) /* dK += scale · dSᵀ Q: the sum here, scaled when the head is done */
        add_product_transposed(ws.g, ws.q + i0 * s.Dp, s, a->bf16, ws, ws.dk);
    return dscale;
}

/* One head of the backward pass; returns its Σ dS ⊙ Q Kᵀ. */
static double backward_head(const vb_attention_desc *d, int64_t b, int64_t h,
                            const head_grads *a, workspace ws)
{
    const head_shape s = shape_of(d);
    load_rows(a->q + head_start(d, d->q_row_stride, b, h), d->q_row_stride, s, a->bf16, ws.q);
    load_rows(a->k + head_start(d, d->k_row_stride, b, h), d->k_row_stride, s, a->bf16,
              ws.k.rows);
    if (a->want_dscale)
        transpose(ws.k.rows, s, ws.kt.rows);
    load_rows(a->v + head_start(d, d->v_row_stride, b, h), d->v_row_stride, s, a->bf16,
              ws.v.rows);
    transpose(ws.v.rows, s, ws.vt.rows);
    if (a->bf16) {
        pair_rhs(&ws.k);
        pair_rhs(&ws.vt);
        if (a->want_dscale)
            pair_rhs(&ws.kt);
    }
    load_rows(a->dout + head_start(d, d->o_row_stride, b, h), d->o_row_stride, s, a->bf16,
              ws.dout);
    memset(ws.dk, 0, (size_t)(s.Tp * s.Dp) * sizeof(float));
    memset(ws.dv, 0, (size_t)(s.Tp * s.Dp) * sizeof(float));
    double dscale = 0.0;
    for (int64_t i0 = 0; i0 < s.T; i0 += ROWS)
        dscale += backward_block(d, b, h, i0, a, ws);
    for (int64_t j0 = 0; j0 < s.T; j0 += ROWS) {
        if (a->dk)
            store_rows(ws.dk + j0 * s.Dp, j0, s, a->scale, 1,
                       a->dk + head_start(d, d->k_row_stride, b, h), d->k_row_stride);
        if (a->dv)
            store_rows(ws.dv + j0 * s.Dp, j0, s, 1.0f, 1,
                       a->dv + head_start(d, d->v_row_stride, b, h), d->v_row_stride);
    }
    return dscale;
}

int vbc_attention_by_head_bwd(vb_backend_ctx *ctx, const vb_attention_desc *d,
                              const float *q, const float *k, const float *v, float scale,
                              const float *probs, const float *dout, float *dq, float *dk,
                              float *dv, float *dscale)
{
    const head_shape s = shape_of(d);
    float *w = workspaces(ctx, s);
    if (!w)
        return VB_ENOMEM;
    const head_grads a = { q, k, v, probs, dout, scale, dq, dk, dv, dscale != NULL,
                           vb_common(ctx)->precision == VB_PRECISION_BF16 };
    const int64_t heads = d->batch * d->heads;
    double dscale_sum = 0.0;
#pragma omp parallel for schedule(static) num_threads(vbc_threads(ctx)) \
    reduction(+ : dscale_sum) if (parallel_heads(d))
    for (int64_t bh = 0; bh < heads; bh++)
        dscale_sum += backward_head(d, bh / d->heads, bh % d->heads, &a, my_workspace(w, s));
    if (dscale)
        *dscale += (float)dscale_sum;
    return VB_OK;
}
