/* Multi-head scaled dot-product self-attention (ops.h: vb_attention_desc).
 * Per batch b and head h, with q_i, k_j, v_j, o_i the head_dim-long rows of token i/j:
 *   S_ij = scale · q_i·k_j,  S_ii = −∞ if diag_mask       (B, H, T, T)
 *   P    = softmax_j(S)                                    saved to probs
 *   P'_ij = P_ij · keep_ij / (1 − dropout)                 keep_ij = vb_keep(seed, ((b·H+h)·T+i)·T+j)
 *   o_i  = Σ_j P'_ij v_j
 * Rows live at ptr + (b·T + t)·row_stride + h·head_dim (a fused qkv buffer is read in place). */
#include <math.h>
#include <stdlib.h>
#include "vitbench/rng.h"
#include "ref.h"

/* Offset of the head_dim-long row of token t, batch b, head h in a strided tensor. */
static int64_t row_at(const vb_attention_desc *d, int64_t row_stride, int64_t b, int64_t t,
                      int64_t h)
{
    return (b * d->tokens + t) * row_stride + h * d->head_dim;
}

static double dot(const float *a, const float *b, int64_t n)
{
    double acc = 0.0;
    for (int64_t i = 0; i < n; i++)
        acc += (double)a[i] * b[i];
    return acc;
}

/* Flat index of (b, h, i, j) in probs. */
static int64_t prob_index(const vb_attention_desc *d, int64_t b, int64_t h, int64_t i, int64_t j)
{
    return ((b * d->heads + h) * d->tokens + i) * d->tokens + j;
}

/* The dropout mask index of probs entry `at`: the same flat index counted from the start
 * of the global batch. */
static int64_t mask_index(const vb_attention_desc *d, int64_t at)
{
    return d->first_sample * d->heads * d->tokens * d->tokens + at;
}

/* The dropout factor keep_ij / (1 − dropout) of entry `at` of probs. */
static double drop_factor(const vb_attention_desc *d, int64_t at)
{
    if (d->dropout <= 0.0f)
        return 1.0;
    return vb_keep(d->seed, (uint64_t)mask_index(d, at), d->dropout)
               ? 1.0 / (1.0 - (double)d->dropout)
               : 0.0;
}

static int bad_args(const vb_attention_desc *d, const float *q, const float *k, const float *v,
                    const float *scale)
{
    /* With a diagonal mask a 1-token row would have nothing left to attend to. */
    return !d || !q || !k || !v || !scale || (d->diag_mask && d->tokens < 2);
}

int vb_ref_attention_fwd(vb_backend_ctx *ctx, const vb_attention_desc *d, const float *q,
                         const float *k, const float *v, const float *scale, float *o,
                         float *probs)
{
    if (bad_args(d, q, k, v, scale) || !o || !probs)
        return VB_EINVAL;
    const int64_t T = d->tokens, D = d->head_dim;
    double *s = malloc((size_t)T * sizeof(double)); /* one row of S */
    if (!s)
        return VB_ENOMEM;

    for (int64_t b = 0; b < d->batch; b++)
        for (int64_t h = 0; h < d->heads; h++)
            for (int64_t i = 0; i < T; i++) {
                const float *qi = q + row_at(d, d->q_row_stride, b, i, h);
                /* S_i· and its row softmax P_i· (the masked entry gives exactly 0) */
                double mx = -INFINITY, sum = 0.0;
                for (int64_t j = 0; j < T; j++) {
                    const float *kj = k + row_at(d, d->k_row_stride, b, j, h);
                    s[j] = (d->diag_mask && i == j) ? -INFINITY
                                                    : (double)*scale * dot(qi, kj, D);
                    mx = fmax(mx, s[j]);
                }
                for (int64_t j = 0; j < T; j++)
                    sum += exp(s[j] - mx);
                for (int64_t j = 0; j < T; j++)
                    probs[prob_index(d, b, h, i, j)] = (float)(exp(s[j] - mx) / sum);

                /* o_i = Σ_j P'_ij v_j, from the saved probs so backward sees the same P */
                float *oi = o + row_at(d, d->o_row_stride, b, i, h);
                for (int64_t c = 0; c < D; c++) {
                    double acc = 0.0;
                    for (int64_t j = 0; j < T; j++) {
                        int64_t at = prob_index(d, b, h, i, j);
                        acc += probs[at] * drop_factor(d, at) *
                               v[row_at(d, d->v_row_stride, b, j, h) + c];
                    }
                    oi[c] = (float)acc;
                }
            }
    free(s);
    return VB_OK;
}

/* Per (b, h), from the saved P and dO:
 *   dv_j   += Σ_i P'_ij do_i
 *   dP_ij   = (do_i·v_j) · keep_ij / (1 − dropout)
 *   dS_ij   = P_ij · (dP_ij − Σ_l P_il dP_il)          (softmax backward; masked: P = 0 → 0)
 *   dq_i   += scale · Σ_j dS_ij k_j
 *   dk_j   += scale · Σ_i dS_ij q_i
 *   dscale += Σ_ij dS_ij · (q_i·k_j)                    (= Σ dS ⊙ S / scale, unmasked entries) */
int vb_ref_attention_bwd(vb_backend_ctx *ctx, const vb_attention_desc *d, const float *q,
                         const float *k, const float *v, const float *scale,
                         const float *probs, const float *dout, float *dq, float *dk,
                         float *dv, float *dscale)
{
    if (bad_args(d, q, k, v, scale) || !probs || !dout)
        return VB_EINVAL;
    const int64_t T = d->tokens, D = d->head_dim;
    double *ds = malloc((size_t)(T * T) * sizeof(double)); /* dS of one (b, h), (T, T) */
    if (!ds)
        return VB_ENOMEM;
    double dscale_sum = 0.0;

    for (int64_t b = 0; b < d->batch; b++)
        for (int64_t h = 0; h < d->heads; h++) {
            /* dS, one row at a time: dP_i· first (kept in ds), then the softmax backward. */
            for (int64_t i = 0; i < T; i++) {
                const float *doi = dout + row_at(d, d->o_row_stride, b, i, h);
                double pdp = 0.0; /* Σ_l P_il dP_il */
                for (int64_t j = 0; j < T; j++) {
                    int64_t at = prob_index(d, b, h, i, j);
                    ds[i * T + j] = dot(doi, v + row_at(d, d->v_row_stride, b, j, h), D) *
                                    drop_factor(d, at);
                    pdp += probs[at] * ds[i * T + j];
                }
                for (int64_t j = 0; j < T; j++)
                    ds[i * T + j] = probs[prob_index(d, b, h, i, j)] * (ds[i * T + j] - pdp);
            }

            for (int64_t t = 0; t < T; t++)
                for (int64_t c = 0; c < D; c++) {
                    /* token t in the role of query (dq), key (dk) and value (dv) */
                    double gq = 0.0, gk = 0.0, gv = 0.0;
                    for (int64_t u = 0; u < T; u++) {
                        gq += ds[t * T + u] * k[row_at(d, d->k_row_stride, b, u, h) + c];
                        gk += ds[u * T + t] * q[row_at(d, d->q_row_stride, b, u, h) + c];
                        int64_t at = prob_index(d, b, h, u, t);
                        gv += probs[at] * drop_factor(d, at) *
                              dout[row_at(d, d->o_row_stride, b, u, h) + c];
                    }
                    if (dq)
                        dq[row_at(d, d->q_row_stride, b, t, h) + c] += (float)(*scale * gq);
                    if (dk)
                        dk[row_at(d, d->k_row_stride, b, t, h) + c] += (float)(*scale * gk);
                    if (dv)
                        dv[row_at(d, d->v_row_stride, b, t, h) + c] += (float)gv;
                }

            if (dscale)
                for (int64_t i = 0; i < T; i++)
                    for (int64_t j = 0; j < T; j++)
                        if (!(d->diag_mask && i == j))
                            dscale_sum += ds[i * T + j] *
                                          dot(q + row_at(d, d->q_row_stride, b, i, h),
                                              k + row_at(d, d->k_row_stride, b, j, h), D);
        }
    if (dscale)
        *dscale += (float)dscale_sum;
    free(ds);
    return VB_OK;
}
