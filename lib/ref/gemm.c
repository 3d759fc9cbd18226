/* Batched, strided GEMM with a bias + activation epilogue (ops.h: vb_gemm_desc).
 * For each b in [0, batch):
 *   C_b (m×n) = alpha · op(A_b) (m×k) · op(B_b) (k×n) + beta · C_b  [+ bias (n)]  [then act]
 * The product is accumulated in double and rounded once per element. */
#include "ref.h"

/* op(A)[i][p] of one batch matrix: A stored m×k, or k×m when trans_a. */
static float op_a(const vb_gemm_desc *d, const float *a, int64_t i, int64_t p)
{
    return d->trans_a ? a[p * d->lda + i] : a[i * d->lda + p];
}

/* op(B)[p][j] of one batch matrix: B stored k×n, or n×k when trans_b. */
static float op_b(const vb_gemm_desc *d, const float *b, int64_t p, int64_t j)
{
    return d->trans_b ? b[j * d->ldb + p] : b[p * d->ldb + j];
}

/* The activation epilogue on one row of C (n values), in place. */
static int activate_row(vb_act act, int64_t n, float *row)
{
    const vb_eltwise_desc e = { .n = n };
    switch (act) {
    case VB_ACT_NONE: return VB_OK;
    case VB_ACT_RELU: return vb_ref_relu_fwd(NULL, &e, row, row);
    case VB_ACT_GELU: return vb_ref_gelu_fwd(NULL, &e, row, row);
    case VB_ACT_GELU_TANH: return vb_ref_gelu_tanh_fwd(NULL, &e, row, row);
    }
    return VB_EINVAL;
}

int vb_ref_gemm(vb_backend_ctx *ctx, const vb_gemm_desc *d, const float *a, const float *b,
                const float *bias, float *c)
{
    if (!d || !a || !b || !c || (d->has_bias && !bias))
        return VB_EINVAL;
    if (d->act != VB_ACT_NONE && d->act != VB_ACT_RELU && d->act != VB_ACT_GELU &&
        d->act != VB_ACT_GELU_TANH)
        return VB_EINVAL;

    for (int64_t t = 0; t < d->batch; t++) {
        const float *at = a + t * d->stride_a; /* stride 0: one matrix for every batch */
        const float *bt = b + t * d->stride_b;
        float *ct = c + t * d->stride_c;
        for (int64_t i = 0; i < d->m; i++) {
            float *crow = ct + i * d->ldc;
            for (int64_t j = 0; j < d->n; j++) {
                double dot = 0.0;
                for (int64_t p = 0; p < d->k; p++)
                    dot += (double)op_a(d, at, i, p) * op_b(d, bt, p, j);
                double cij = (double)d->alpha * dot;
                if (d->beta != 0.0f) /* beta == 0: C is not read, it may hold NaN */
                    cij += (double)d->beta * crow[j];
                if (d->has_bias)
                    cij += bias[j];
                crow[j] = (float)cij;
            }
            int err = activate_row(d->act, d->n, crow);
            if (err)
                return err;
        }
    }
    return VB_OK;
}
