/* Multi-head attention (ops.h: vb_attention_desc) as batched GEMMs on the context's GEMM
 * around one fused pass over the rows of the scores.
 *
 * The work goes in blocks: one head h of a group of G consecutive batch elements
 * b0 .. b0 + G − 1, every product of the block one batched GEMM call over its G
 * matrices. Head h of batch element b in a token-major tensor (Q, K, V, O and their
 * gradients) is the T×D matrix at ptr + b·T·row_stride + h·D, rows row_stride apart, so
 * along b the matrices are T·row_stride apart; the saved probabilities (B, H, T, T) of
 * head h are H·T·T apart; the block's other score-shaped matrices are contiguous (G, T, T)
 * scratch. G is as many batch elements as fit SCORES_BLOCK floats of scores: a call per
 * batch element and head spent more on starting the call than on the product of two
 * 64×64 matrices (keras_cct's heads). One block's scores (1 MiB) stay in the cache
 * between its GEMMs and its row pass.
 *
 * forward:   S = scale·Q Kᵀ  →  row pass: S_ii = −∞ (diag mask), P = softmax(S) (saved),
 *            P' = P·keep/(1 − dropout)  →  O = P' V
 * backward:  dV += P'ᵀ dO,  dP' = dO Vᵀ  →  row pass: dP = dP'·keep/(1 − dropout),
 *            dS = P ⊙ (dP − rowsum(dP ⊙ P))  →  dQ += scale·dS K,  dK += scale·dSᵀ Q,
 *            dscale += Σ dS ⊙ (Q Kᵀ)
 * keep[b,h,i,j] = vb_keep(d->seed, ((b·H + h)·T + i)·T + j, dropout): the flat index of the
 * entry in probs, so the mask is the reference's bit for bit. */
#include "internal.h"
#include "vitbench/cpu.h"

/* Floats of one score-shaped block (G·T·T): 1 MiB. 4 MiB measured no faster. */
#define SCORES_BLOCK ((int64_t)1 << 18)

/* One operand of a block's GEMM: matrix t starts at p + t·stride, rows ld apart. */
typedef struct operand {
    const float *p;
    int64_t ld, stride;
    int trans;
} operand;

/* A block of work: head h of batch elements [b0, b0 + g). */
typedef struct block {
    int64_t b0, g, h;
} block;

/* The block's matrices of a token-major tensor. */
static operand tokens_of(const vb_attention_desc *d, const float *p, int64_t row_stride,
                         block blk, int trans)
{
    return (operand){ p + blk.b0 * d->tokens * row_stride + blk.h * d->head_dim, row_stride,
                      d->tokens * row_stride, trans };
}

/* The block's matrices of the saved probabilities (B, H, T, T). */
static operand probs_of(const vb_attention_desc *d, const float *probs, block blk, int trans)
{
    const int64_t tt = d->tokens * d->tokens;
    return (operand){ probs + (blk.b0 * d->heads + blk.h) * tt, d->tokens, d->heads * tt,
                      trans };
}

/* The block's matrices in a contiguous (g, T, T) scratch buffer. */
static operand scratch_of(const vb_attention_desc *d, const float *p, int trans)
{
    return (operand){ p, d->tokens, d->tokens * d->tokens, trans };
}

/* For each of the block's g matrices: C_t (m×n) = alpha·op(A_t)·op(B_t) + beta·C_t. */
static int block_gemm(vb_backend_ctx *ctx, block blk, int64_t m, int64_t n, int64_t k,
                      float alpha, operand a, operand b, float beta, operand c)
{
    const vb_gemm_desc g = {
        .batch = blk.g, .m = m, .n = n, .k = k, .trans_a = a.trans, .trans_b = b.trans,
        .lda = a.ld, .ldb = b.ld, .ldc = c.ld,
        .stride_a = a.stride, .stride_b = b.stride, .stride_c = c.stride,
        .alpha = alpha, .beta = beta, .has_bias = 0, .act = VB_ACT_NONE,
    };
    return vb_common(ctx)->gemm(ctx, &g, a.p, b.p, NULL, (float *)c.p);
}

int64_t vbc_attention_probs_row(const vb_attention_desc *d, int64_t b, int64_t h, int64_t i)
{
    return ((b * d->heads + h) * d->tokens + i) * d->tokens;
}

uint64_t vbc_attention_keep_index(const vb_attention_desc *d, int64_t b, int64_t h, int64_t i)
{
    return (uint64_t)(vbc_attention_probs_row(d, b, h, i) +
                      d->first_sample * d->heads * d->tokens * d->tokens);
}

/* Row r of a block is query i = r mod T of batch element b0 + r / T: its offset in
 * probs, and its first dropout index. */
static int64_t probs_row(const vb_attention_desc *d, block blk, int64_t r)
{
    return vbc_attention_probs_row(d, blk.b0 + r / d->tokens, blk.h, r % d->tokens);
}
static uint64_t keep_index(const vb_attention_desc *d, block blk, int64_t r)
{
    return vbc_attention_keep_index(d, blk.b0 + r / d->tokens, blk.h, r % d->tokens);
}

/* Batch elements per block. */
static int64_t group_size(const vb_attention_desc *d)
{
    const int64_t g = SCORES_BLOCK / (d->tokens * d->tokens);
    return g < 1 ? 1 : (g > d->batch ? d->batch : g);
}

/* The block of head h from batch element b0 on: G elements, fewer at the end. */
static block block_at(const vb_attention_desc *d, int64_t b0, int64_t h)
{
    const int64_t G = group_size(d);
    return (block){ b0, d->batch - b0 < G ? d->batch - b0 : G, h };
}

/* A (g, T, T) scratch matrix for one block. */
static float *scores_scratch(vb_backend_ctx *ctx, vbc_scratch_slot slot,
                             const vb_attention_desc *d)
{
    return vbc_scratch(ctx, slot,
                       (size_t)(group_size(d) * d->tokens * d->tokens) * sizeof(float));
}

/* Whether a call goes one head at a time (attention_heads.c): heads narrow and short
 * enough for its workspace, on a CPU with AVX-512. */
static int by_head(const vb_attention_desc *d)
{
    return d->head_dim <= VBC_BY_HEAD_DIM_MAX && d->tokens <= VBC_BY_HEAD_TOKENS_MAX &&
           vb_cpu_has_avx512();
}

static int bad_args(const vb_attention_desc *d, const float *q, const float *k,
                    const float *v, const float *scale)
{
    /* with a diagonal mask a 1-token row would have nothing left to attend to */
    return !d || !q || !k || !v || !scale || d->batch < 1 || d->tokens < 1 || d->heads < 1 ||
           d->head_dim < 1 || (d->diag_mask && d->tokens < 2);
}

/* Forward row pass over the g·T rows of a block: its rows of probs hold S on entry and
 * P on exit; dropped (g, T, T), when not NULL, receives P'. */
static void forward_rows(vb_backend_ctx *ctx, const vb_attention_desc *d, block blk,
                         float *probs, float *dropped)
{
    const int64_t T = d->tokens, rows = blk.g * T;
#pragma omp parallel for num_threads(vbc_threads(ctx)) if (rows * T >= VBC_PAR_MIN)
    for (int64_t r = 0; r < rows; r++) {
        float *row = probs + probs_row(d, blk, r);
        if (d->diag_mask)
            row[r % T] = -INFINITY; /* row r is query i = r mod T */
        vbc_softmax_row(row, row, T);
        if (dropped)
            vbc_dropout_row(d->seed, d->dropout, keep_index(d, blk, r), T, row,
                            dropped + r * T);
    }
}

int vb_common_attention_fwd(vb_backend_ctx *ctx, const vb_attention_desc *d, const float *q,
                            const float *k, const float *v, const float *scale, float *o,
                            float *probs)
{
    if (bad_args(d, q, k, v, scale) || !o || !probs)
        return VB_EINVAL;
    if (by_head(d))
        return vbc_attention_by_head_fwd(ctx, d, q, k, v, *scale, o, probs);
    const int64_t T = d->tokens, D = d->head_dim, G = group_size(d);
    float *dropped = NULL; /* P' of one block; without dropout O = P V straight from probs */
    if (d->dropout > 0.0f && !(dropped = scores_scratch(ctx, VBC_SCRATCH_DROPPED, d)))
        return VB_ENOMEM;

    for (int64_t b0 = 0; b0 < d->batch; b0 += G)
        for (int64_t h = 0; h < d->heads; h++) {
            const block blk = block_at(d, b0, h);
            /* S (T, T) = scale · Q Kᵀ, straight into probs */
            int err = block_gemm(ctx, blk, T, T, D, *scale,
                                 tokens_of(d, q, d->q_row_stride, blk, 0),
                                 tokens_of(d, k, d->k_row_stride, blk, 1), 0.0f,
                                 probs_of(d, probs, blk, 0));
            if (err)
                return err;
            forward_rows(ctx, d, blk, probs, dropped);
            /* O (T, D) = P' V */
            err = block_gemm(ctx, blk, T, D, T, 1.0f,
                             dropped ? scratch_of(d, dropped, 0) : probs_of(d, probs, blk, 0),
                             tokens_of(d, v, d->v_row_stride, blk, 0), 0.0f,
                             tokens_of(d, o, d->o_row_stride, blk, 0));
            if (err)
                return err;
        }
    return VB_OK;
}

/* P' (g, T, T) of a block from its saved P, with the forward's mask. */
static void dropout_rows(vb_backend_ctx *ctx, const vb_attention_desc *d, block blk,
                         const float *probs, float *dropped)
{
    const int64_t T = d->tokens, rows = blk.g * T;
#pragma omp parallel for num_threads(vbc_threads(ctx)) if (rows * T >= VBC_PAR_MIN)
    for (int64_t r = 0; r < rows; r++)
        vbc_dropout_row(d->seed, d->dropout, keep_index(d, blk, r), T,
                        probs + probs_row(d, blk, r), dropped + r * T);
}

/* One row of the backward pass: g (T) holds dP on entry and dS = P ⊙ (dP − Σ P ⊙ dP) on
 * exit; returns Σ dS ⊙ qk, or 0 without qk. */
VBC_CLONES
static float softmax_grad_row(const float *restrict p, float *restrict g,
                              const float *restrict qk, int64_t T)
{
    float pdp = 0.0f; /* Σ_j P_ij dP_ij */
#pragma omp simd reduction(+ : pdp)
    for (int64_t j = 0; j < T; j++)
        pdp += p[j] * g[j];
#pragma omp simd
    for (int64_t j = 0; j < T; j++)
        g[j] = p[j] * (g[j] - pdp);
    float acc = 0.0f;
    if (qk) {
#pragma omp simd reduction(+ : acc)
        for (int64_t j = 0; j < T; j++)
            acc += g[j] * qk[j];
    }
    return acc;
}

/* Backward row pass over a block: g (g, T, T) holds dP' on entry and dS on exit; qk,
 * when not NULL, holds Q Kᵀ (g, T, T) and the return value is Σ dS ⊙ Q Kᵀ. A masked
 * entry has P = 0, so its dS is 0 and it adds nothing. */
static double backward_rows(vb_backend_ctx *ctx, const vb_attention_desc *d, block blk,
                            const float *probs, float *g, const float *qk)
{
    const int64_t T = d->tokens, rows = blk.g * T;
    double dscale = 0.0;
#pragma omp parallel for num_threads(vbc_threads(ctx)) reduction(+ : dscale) \
    if (rows * T >= VBC_PAR_MIN)
    for (int64_t r = 0; r < rows; r++) {
        float *gr = g + r * T;
        if (d->dropout > 0.0f)
            vbc_dropout_row(d->seed, d->dropout, keep_index(d, blk, r), T, gr, gr);
        dscale += softmax_grad_row(probs + probs_row(d, blk, r), gr, qk ? qk + r * T : NULL,
                                   T);
    }
    return dscale;
}

int vb_common_attention_bwd(vb_backend_ctx *ctx, const vb_attention_desc *d, const float *q,
                            const float *k, const float *v, const float *scale,
                            const float *probs, const float *dout, float *dq, float *dk,
                            float *dv, float *dscale)
{
    if (bad_args(d, q, k, v, scale) || !probs || !dout)
        return VB_EINVAL;
    if (by_head(d))
        return vbc_attention_by_head_bwd(ctx, d, q, k, v, *scale, probs, dout, dq, dk, dv,
                                         dscale);
    const int64_t T = d->tokens, D = d->head_dim, G = group_size(d);
    const int need_ds = dq || dk || dscale; /* everything but dV goes through dS */
    float *dropped = NULL, *g = NULL, *qk = NULL;
    const int want_dropped = dv && d->dropout > 0.0f;
    if ((want_dropped && !(dropped = scores_scratch(ctx, VBC_SCRATCH_DROPPED, d))) ||
        (need_ds && !(g = scores_scratch(ctx, VBC_SCRATCH_GRAD, d))) ||
        (dscale && !(qk = scores_scratch(ctx, VBC_SCRATCH_LOGITS, d))))
        return VB_ENOMEM;

    double dscale_sum = 0.0;
    for (int64_t b0 = 0; b0 < d->batch; b0 += G)
        for (int64_t h = 0; h < d->heads; h++) {
            const block blk = block_at(d, b0, h);
            const operand q_b = tokens_of(d, q, d->q_row_stride, blk, 0);
            const operand k_b = tokens_of(d, k, d->k_row_stride, blk, 0);
            const operand do_b = tokens_of(d, dout, d->o_row_stride, blk, 0);
            int err;
            if (dv) {
                /* dV += P'ᵀ dO, P' regenerated from the saved P and the mask */
                if (dropped)
                    dropout_rows(ctx, d, blk, probs, dropped);
                const operand p_t = dropped ? scratch_of(d, dropped, 1)
                                            : probs_of(d, probs, blk, 1);
                err = block_gemm(ctx, blk, T, D, T, 1.0f, p_t, do_b, 1.0f,
                                 tokens_of(d, dv, d->v_row_stride, blk, 0));
                if (err)
                    return err;
            }
            if (!need_ds)
                continue;
            /* dP' (T, T) = dO Vᵀ */
            err = block_gemm(ctx, blk, T, T, D, 1.0f, do_b,
                             tokens_of(d, v, d->v_row_stride, blk, 1), 0.0f,
                             scratch_of(d, g, 0));
            if (!err && qk) /* Q Kᵀ, unscaled, for dscale */
                err = block_gemm(ctx, blk, T, T, D, 1.0f, q_b,
                                 tokens_of(d, k, d->k_row_stride, blk, 1), 0.0f,
                                 scratch_of(d, qk, 0));
            if (err)
                return err;
            dscale_sum += backward_rows(ctx, d, blk, probs, g, qk);
            /* dQ += scale · dS K;  dK += scale · dSᵀ Q */
            if (dq && (err = block_gemm(ctx, blk, T, D, T, *scale, scratch_of(d, g, 0), k_b,
                                        1.0f, tokens_of(d, dq, d->q_row_stride, blk, 0))))
                return err;
            if (dk && (err = block_gemm(ctx, blk, T, D, T, *scale, scratch_of(d, g, 1), q_b,
                                        1.0f, tokens_of(d, dk, d->k_row_stride, blk, 0))))
                return err;
        }
    if (dscale)
        *dscale += (float)dscale_sum;
    return VB_OK;
}
