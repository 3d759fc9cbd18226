/* Attention one (sample, head) at a time, fused: the path vb_common_attention_fwd/bwd take
 * for narrow heads (by_head in attention.c) on CPUs with AVX-512.
 *
 * Why: with heads 16 wide (qiita_vit: 65 tokens, 4 heads of 16) every product of the
 * batched-GEMM path has K = 16 or 16 columns, so packing operands and the row passes'
 * reductions and masked tails cost more than the multiply-adds: attention was 42 of
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
 * Compiled for AVX-512 with AVX512-BF16 (local.mk); the bf16 instruction is reached only
 * from bf16 contexts, which exist only on CPUs that have it. */
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

/* One thread's workspace. Every matrix starts 64-byte aligned (the arena is, and every
 * size is a multiple of 16 floats). */
typedef struct workspace {
    float *q, *k, *v, *dout; /* (Tp, Dp): the head's rows */
    float *kt, *vt;          /* (Dp, Tp): Kᵀ, Vᵀ */
    float *dk, *dv;          /* (Tp, Dp): backward's sums over the query rows */
    float *p, *pd, *g, *qk;  /* (ROWS, Tp): one block's P, P', dP' then dS, Q Kᵀ */
    float *out;              /* (ROWS, Dp): one block's product rows */
} workspace;

static int64_t workspace_floats(head_shape s)
{
    return 8 * s.Tp * s.Dp + 4 * ROWS * s.Tp + ROWS * s.Dp;
}

static workspace workspace_at(float *w, head_shape s)
{
    workspace ws;
    float **matrices[] = { &ws.q, &ws.k, &ws.v, &ws.dout, &ws.kt, &ws.vt, &ws.dk, &ws.dv };
    for (size_t i = 0; i < sizeof matrices / sizeof matrices[0]; i++, w += s.Tp * s.Dp)
        *matrices[i] = w;
    float **blocks[] = { &ws.p, &ws.pd, &ws.g, &ws.qk };
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++, w += ROWS * s.Tp)
        *blocks[i] = w;
    ws.out = w;
    return ws;
}

/* 16 floats rounded to bf16 and widened back, as VCVTNEPS2BF16 rounds (bf16.c). */
static inline __m512 round_bf16(__m512 x)
{
    const __m256i h = (__m256i)_mm512_cvtneps_pbh(x);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

/* x[0:n) rounded to bf16 in place; n a multiple of 16, x aligned. */
static void round_bf16_in_place(float *x, int64_t n)
{
    for (int64_t j = 0; j < n; j += 16)
        _mm512_store_ps(x + j, round_bf16(_mm512_load_ps(x + j)));
}

/* dst (Tp, Dp) = the head's T rows of D values at src (rows `stride` apart), zero padded,
 * rounded to bf16 when bf16. */
static void load_rows(const float *src, int64_t stride, head_shape s, int bf16, float *dst)
{
    for (int64_t j = 0; j < s.T; j++)
        for (int64_t c = 0; c < s.Dp; c += 16) {
            const int64_t n = s.D - c < 16 ? s.D - c : 16;
            __m512 x = n == 16 ? _mm512_loadu_ps(src + j * stride + c)
                               : _mm512_maskz_loadu_ps((__mmask16)((1u << n) - 1),
                                                       src + j * stride + c);
            _mm512_store_ps(dst + j * s.Dp + c, bf16 ? round_bf16(x) : x);
        }
    memset(dst + s.T * s.Dp, 0, (size_t)((s.Tp - s.T) * s.Dp) * sizeof(float));
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

/* out (ROWS, Tp) = a (ROWS rows of Dp) · bt (D, Tp), over d < D: a block's scores
 * (a = Q, bt = Kᵀ) or its dP' (a = dO, bt = Vᵀ). */
static void rows_by_transposed(const float *a, const float *bt, head_shape s, float *out)
{
    for (int64_t c = 0; c < s.Tp; c += 16) {
        __m512 acc[ROWS];
#pragma GCC unroll 8
        for (int r = 0; r < ROWS; r++)
            acc[r] = _mm512_setzero_ps();
        for (int64_t d = 0; d < s.D; d++) {
            const __m512 b = _mm512_load_ps(bt + d * s.Tp + c);
#pragma GCC unroll 8
            for (int r = 0; r < ROWS; r++)
                acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r * s.Dp + d]), b, acc[r]);
        }
#pragma GCC unroll 8
        for (int r = 0; r < ROWS; r++)
            _mm512_store_ps(out + r * s.Tp + c, acc[r]);
    }
}

/* out (ROWS, Dp) = p (ROWS, Tp) · m (Tp, Dp), over j < T: a block's O = P' V or its
 * dS K. */
static void rows_by_rows(const float *p, const float *m, head_shape s, float *out)
{
    for (int64_t c = 0; c < s.Dp; c += 16) {
        __m512 acc[ROWS];
#pragma GCC unroll 8
        for (int r = 0; r < ROWS; r++)
            acc[r] = _mm512_setzero_ps();
        for (int64_t j = 0; j < s.T; j++) {
            const __m512 b = _mm512_load_ps(m + j * s.Dp + c);
#pragma GCC unroll 8
            for (int r = 0; r < ROWS; r++)
                acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(p[r * s.Tp + j]), b, acc[r]);
        }
#pragma GCC unroll 8
        for (int r = 0; r < ROWS; r++)
            _mm512_store_ps(out + r * s.Dp + c, acc[r]);
    }
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

/* The forward row pass of query i (attention.c's, on a padded row): row (Tp) holds its
 * unscaled scores on entry and P' on exit (padding 0); P goes to its row of probs. Three
 * passes: scale and mask (padding and, with diag_mask, entry i become −∞) while taking
 * the max; exp and sum; normalise into row and probs. */
static void forward_row(const vb_attention_desc *d, int64_t b, int64_t h, int64_t i,
                        float scale, head_shape s, float *row, float *probs)
{
    const __m512 vscale = _mm512_set1_ps(scale), minus_inf = _mm512_set1_ps(-INFINITY);
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
    const float max = _mm512_reduce_max_ps(vmax);
    __m512 vsum = _mm512_setzero_ps();
    for (int64_t j = 0; j < s.Tp; j += 16) {
        float *x = row + j;
#pragma omp simd
        for (int l = 0; l < 16; l++)
            x[l] = vbc_expf(x[l] - max);
        vsum = _mm512_add_ps(vsum, _mm512_load_ps(x));
    }
    const __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(vsum));
    float *saved = probs + vbc_attention_probs_row(d, b, h, i);
    for (int64_t j = 0; j < s.Tp; j += 16) {
        const __m512 p = _mm512_mul_ps(_mm512_load_ps(row + j), inv);
        _mm512_store_ps(row + j, p);
        if (j + 16 <= s.T)
            _mm512_storeu_ps(saved + j, p);
        else if (j < s.T)
            _mm512_mask_storeu_ps(saved + j, (__mmask16)((1u << (s.T - j)) - 1), p);
    }
    if (d->dropout > 0.0f)
        vbc_dropout_row(d->seed, d->dropout, vbc_attention_keep_index(d, b, h, i), s.T, row,
                        row);
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
    load_rows(k + head_start(d, d->k_row_stride, b, h), d->k_row_stride, s, bf16, ws.k);
    transpose(ws.k, s, ws.kt);
    load_rows(v + head_start(d, d->v_row_stride, b, h), d->v_row_stride, s, bf16, ws.v);
    float *o_head = o + head_start(d, d->o_row_stride, b, h);
    for (int64_t i0 = 0; i0 < s.T; i0 += ROWS) {
        rows_by_transposed(ws.q + i0 * s.Dp, ws.kt, s, ws.p);
        /* rows past T: scores of zero Q rows, never normalised nor stored */
        for (int64_t r = 0; r < ROWS && i0 + r < s.T; r++)
            forward_row(d, b, h, i0 + r, scale, s, ws.p + r * s.Tp, probs);
        if (bf16)
            round_bf16_in_place(ws.p, ROWS * s.Tp);
        rows_by_rows(ws.p, ws.v, s, ws.out);
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
        add_transposed_by_rows(dropped, ws.dout + i0 * s.Dp, s, ws.dv);
    if (!a->dq && !a->dk && !a->want_dscale)
        return 0.0;
    /* dP' = dO Vᵀ, then dS row by row (padding rows: dO and P are 0 there, so dS is) */
    rows_by_transposed(ws.dout + i0 * s.Dp, ws.vt, s, ws.g);
    if (a->want_dscale)
        rows_by_transposed(ws.q + i0 * s.Dp, ws.kt, s, ws.qk);
    double dscale = 0.0;
    for (int64_t r = 0; r < ROWS && i0 + r < s.T; r++)
        dscale += backward_row(d, b, h, i0 + r, s, ws.p + r * s.Tp, ws.g + r * s.Tp,
                               a->want_dscale ? ws.qk + r * s.Tp : NULL);
    if (a->bf16)
        round_bf16_in_place(ws.g, ROWS * s.Tp);
    if (a->dq) { /* dQ += scale · dS K */
        rows_by_rows(ws.g, ws.k, s, ws.out);
        store_rows(ws.out, i0, s, a->scale, 1, a->dq + head_start(d, d->q_row_stride, b, h),
                   d->q_row_stride);
    }
    if (a->dk) /* dK += scale · dSᵀ Q: the sum here, scaled when the head is done */
        add_transposed_by_rows(ws.g, ws.q + i0 * s.Dp, s, ws.dk);
    return dscale;
}

/* One head of the backward pass; returns its Σ dS ⊙ Q Kᵀ. */
static double backward_head(const vb_attention_desc *d, int64_t b, int64_t h,
                            const head_grads *a, workspace ws)
{
    const head_shape s = shape_of(d);
    load_rows(a->q + head_start(d, d->q_row_stride, b, h), d->q_row_stride, s, a->bf16, ws.q);
    load_rows(a->k + head_start(d, d->k_row_stride, b, h), d->k_row_stride, s, a->bf16, ws.k);
    if (a->want_dscale)
        transpose(ws.k, s, ws.kt);
    load_rows(a->v + head_start(d, d->v_row_stride, b, h), d->v_row_stride, s, a->bf16, ws.v);
    transpose(ws.v, s, ws.vt);
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
