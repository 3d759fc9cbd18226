/* Multi-head attention (ops.h: vb_attention_desc) as batched GEMMs on the context's GEMM
 * around one fused pass over the rows of the scores.
 *
 * One batch element b at a time, all H heads in one batched GEMM call: head h of a
 * token-major tensor (Q, K, V, O and their gradients) is the T×D matrix at
 * ptr + b·T·row_stride + h·D with row stride row_stride, so the heads are a batch with
 * stride D. The (H, T, T) score-shaped matrices of b are contiguous (stride T·T). Working
 * per b keeps those in cache (H·T·T floats: 324 KiB for T = 144, H = 4) between the GEMMs
 * and the row pass.
 *
 * forward:   S = scale·Q Kᵀ  →  row pass: S_ii = −∞ (diag mask), P = softmax(S) (saved),
 *            P' = P·keep/(1 − dropout)  →  O = P' V
 * backward:  dV += P'ᵀ dO,  dP' = dO Vᵀ  →  row pass: dP = dP'·keep/(1 − dropout),
 *            dS = P ⊙ (dP − rowsum(dP ⊙ P))  →  dQ += scale·dS K,  dK += scale·dSᵀ Q,
 *            dscale += Σ dS ⊙ (Q Kᵀ)
 * keep[b,h,i,j] = vb_keep(d->seed, ((b·H + h)·T + i)·T + j, dropout): the flat index of the
 * entry in probs, so the mask is the reference's bit for bit. */
#include "internal.h"

/* One operand of a per-head GEMM: matrix h starts at p + h·stride, rows ld apart. */
typedef struct operand {
    const float *p;
    int64_t ld, stride;
    int trans;
} operand;

/* Head h of a token-major tensor of batch element b. */
static operand tokens_of(const vb_attention_desc *d, const float *p, int64_t row_stride,
                         int64_t b, int trans)
{
    return (operand){ p + b * d->tokens * row_stride, row_stride, d->head_dim, trans };
}

/* Head h of a contiguous (H, T, T) score-shaped buffer. */
static operand scores_of(const vb_attention_desc *d, const float *p, int trans)
{
    return (operand){ p, d->tokens, d->tokens * d->tokens, trans };
}

/* For every head h: C_h (m×n) = alpha·op(A_h)·op(B_h) + beta·C_h, C described like A. */
static int heads_gemm(vb_backend_ctx *ctx, const vb_attention_desc *d, int64_t m, int64_t n,
                      int64_t k, float alpha, operand a, operand b, float beta, operand c)
{
    const vb_gemm_desc g = {
        .batch = d->heads, .m = m, .n = n, .k = k, .trans_a = a.trans, .trans_b = b.trans,
        .lda = a.ld, .ldb = b.ld, .ldc = c.ld,
        .stride_a = a.stride, .stride_b = b.stride, .stride_c = c.stride,
        .alpha = alpha, .beta = beta, .has_bias = 0, .act = VB_ACT_NONE,
    };
    return vb_common(ctx)->gemm(ctx, &g, a.p, b.p, NULL, (float *)c.p);
}

/* First dropout index of batch element b: its rows are (b·H + r) for r < H·T, b counted
 * from the start of the global batch. */
static uint64_t first_index(const vb_attention_desc *d, int64_t b)
{
    return (uint64_t)((d->first_sample + b) * d->heads * d->tokens * d->tokens);
}

/* An (H, T, T) scratch matrix for one batch element. */
static float *scores_scratch(vb_backend_ctx *ctx, vbc_scratch_slot slot,
                             const vb_attention_desc *d)
{
    return vbc_scratch(ctx, slot, (size_t)(d->heads * d->tokens * d->tokens) * sizeof(float));
}

static int bad_args(const vb_attention_desc *d, const float *q, const float *k,
                    const float *v, const float *scale)
{
    /* with a diagonal mask a 1-token row would have nothing left to attend to */
    return !d || !q || !k || !v || !scale || d->batch < 1 || d->tokens < 1 || d->heads < 1 ||
           d->head_dim < 1 || (d->diag_mask && d->tokens < 2);
}

/* Forward row pass over the H·T rows of batch element b: s (H, T, T) holds S on entry and
 * P on exit; dropped, when not NULL, receives P'. */
static void forward_rows(vb_backend_ctx *ctx, const vb_attention_desc *d, int64_t b, float *s,
                         float *dropped)
{
    const int64_t T = d->tokens, rows = d->heads * T;
    const uint64_t first = first_index(d, b);
#pragma omp parallel for num_threads(vbc_threads(ctx)) if (rows * T >= VBC_PAR_MIN)
    for (int64_t r = 0; r < rows; r++) {
        float *row = s + r * T;
        if (d->diag_mask)
            row[r % T] = -INFINITY; /* row r is query i = r mod T of head r / T */
        vbc_softmax_row(row, row, T);
        if (dropped)
            vbc_dropout_row(d->seed, d->dropout, first + (uint64_t)(r * T), T, row,
                            dropped + r * T);
    }
}

int vb_common_attention_fwd(vb_backend_ctx *ctx, const vb_attention_desc *d, const float *q,
                            const float *k, const float *v, const float *scale, float *o,
                            float *probs)
{
    if (bad_args(d, q, k, v, scale) || !o || !probs)
        return VB_EINVAL;
    const int64_t T = d->tokens, D = d->head_dim, per_b = d->heads * T * T;
    float *dropped = NULL; /* P' of one b; without dropout O = P V straight from probs */
    if (d->dropout > 0.0f && !(dropped = scores_scratch(ctx, VBC_SCRATCH_DROPPED, d)))
        return VB_ENOMEM;

    for (int64_t b = 0; b < d->batch; b++) {
        float *pb = probs + b * per_b;
        /* S (H, T, T) = scale · Q Kᵀ, straight into probs */
        int err = heads_gemm(ctx, d, T, T, D, *scale, tokens_of(d, q, d->q_row_stride, b, 0),
                             tokens_of(d, k, d->k_row_stride, b, 1), 0.0f,
                             scores_of(d, pb, 0));
        if (err)
            return err;
        forward_rows(ctx, d, b, pb, dropped);
        /* O (T, D per head) = P' V */
        err = heads_gemm(ctx, d, T, D, T, 1.0f, scores_of(d, dropped ? dropped : pb, 0),
                         tokens_of(d, v, d->v_row_stride, b, 0), 0.0f,
                         tokens_of(d, o, d->o_row_stride, b, 0));
        if (err)
            return err;
    }
    return VB_OK;
}

/* P' (H, T, T) of batch element b from its saved P, with the forward's mask. */
static void dropout_rows(vb_backend_ctx *ctx, const vb_attention_desc *d, int64_t b,
                         const float *p, float *dropped)
{
    const int64_t T = d->tokens, rows = d->heads * T;
    const uint64_t first = first_index(d, b);
#pragma omp parallel for num_threads(vbc_threads(ctx)) if (rows * T >= VBC_PAR_MIN)
    for (int64_t r = 0; r < rows; r++)
        vbc_dropout_row(d->seed, d->dropout, first + (uint64_t)(r * T), T, p + r * T,
                        dropped + r * T);
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

/* Backward row pass over batch element b: g (H, T, T) holds dP' on entry and dS on exit;
 * qk, when not NULL, holds Q Kᵀ and the return value is Σ dS ⊙ Q Kᵀ. A masked entry has
 * P = 0, so its dS is 0 and it adds nothing. */
static double backward_rows(vb_backend_ctx *ctx, const vb_attention_desc *d, int64_t b,
                            const float *p, float *g, const float *qk)
{
    const int64_t T = d->tokens, rows = d->heads * T;
    const uint64_t first = first_index(d, b);
    double dscale = 0.0;
#pragma omp parallel for num_threads(vbc_threads(ctx)) reduction(+ : dscale) \
    if (rows * T >= VBC_PAR_MIN)
    for (int64_t r = 0; r < rows; r++) {
        float *gr = g + r * T;
        if (d->dropout > 0.0f)
            vbc_dropout_row(d->seed, d->dropout, first + (uint64_t)(r * T), T, gr, gr);
        dscale += softmax_grad_row(p + r * T, gr, qk ? qk + r * T : NULL, T);
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
    const int64_t T = d->tokens, D = d->head_dim, per_b = d->heads * T * T;
    const int need_ds = dq || dk || dscale; /* everything but dV goes through dS */
    float *dropped = NULL, *g = NULL, *qk = NULL;
    const int want_dropped = dv && d->dropout > 0.0f;
    if ((want_dropped && !(dropped = scores_scratch(ctx, VBC_SCRATCH_DROPPED, d))) ||
        (need_ds && !(g = scores_scratch(ctx, VBC_SCRATCH_GRAD, d))) ||
        (dscale && !(qk = scores_scratch(ctx, VBC_SCRATCH_LOGITS, d))))
        return VB_ENOMEM;

    double dscale_sum = 0.0;
    for (int64_t b = 0; b < d->batch; b++) {
        const float *pb = probs + b * per_b;
        const operand q_b = tokens_of(d, q, d->q_row_stride, b, 0);
        const operand k_b = tokens_of(d, k, d->k_row_stride, b, 0);
        const operand do_b = tokens_of(d, dout, d->o_row_stride, b, 0);
        int err;
        if (dv) {
            /* dV += P'ᵀ dO, P' regenerated from the saved P and the mask */
            if (dropped)
                dropout_rows(ctx, d, b, pb, dropped);
            err = heads_gemm(ctx, d, T, D, T, 1.0f, scores_of(d, dropped ? dropped : pb, 1),
                             do_b, 1.0f, tokens_of(d, dv, d->v_row_stride, b, 0));
            if (err)
                return err;
        }
        if (!need_ds)
            continue;
        /* dP' (H, T, T) = dO Vᵀ */
        err = heads_gemm(ctx, d, T, T, D, 1.0f, do_b, tokens_of(d, v, d->v_row_stride, b, 1),
                         0.0f, scores_of(d, g, 0));
        if (!err && qk) /* Q Kᵀ, unscaled, for dscale */
            err = heads_gemm(ctx, d, T, T, D, 1.0f, q_b,
                             tokens_of(d, k, d->k_row_stride, b, 1), 0.0f, scores_of(d, qk, 0));
        if (err)
            return err;
        dscale_sum += backward_rows(ctx, d, b, pb, g, qk);
        /* dQ += scale · dS K;  dK += scale · dSᵀ Q */
        if (dq && (err = heads_gemm(ctx, d, T, D, T, *scale, scores_of(d, g, 0), k_b, 1.0f,
                                    tokens_of(d, dq, d->q_row_stride, b, 0))))
            return err;
        if (dk && (err = heads_gemm(ctx, d, T, D, T, *scale, scores_of(d, g, 1), q_b, 1.0f,
                                    tokens_of(d, dk, d->k_row_stride, b, 0))))
            return err;
    }
    if (dscale)
        *dscale += (float)dscale_sum;
    return VB_OK;
}
