/* One Dense unit of an encoder block (encoder.h: enc_dense), the building brick of both
 * branches:  x (rows, in) · w (in, out) + b → z → act → dropout → drop path → y (rows, out)
 * Forward runs the element-wise tail in place on y; backward regenerates the masks and
 * walks the tail in reverse through two scratch buffers, since backward ops add (+=). */
#include <string.h>
#include "encoder.h"
#include "seq_common.h"

/* The unit's dropout and drop path over its output (batch, tokens, out); the masks are
 * indexed from the start of the global batch (ops.h). */
static vb_dropout_desc dropout_desc(const vb_run *r, const enc_dense *u)
{
    const int64_t per_sample = u->tokens * u->out;
    return (vb_dropout_desc){.n = u->batch * per_sample, .rate = u->dropout,
                             .first = r->first_sample * per_sample, .seed = u->dropout_seed};
}

static vb_drop_path_desc drop_path_desc(const vb_run *r, const enc_dense *u)
{
    return (vb_drop_path_desc){.batch = u->batch, .per_sample = u->tokens * u->out,
                               .rate = u->drop_path, .first_sample = r->first_sample,
                               .seed = u->path_seed};
}

int enc_dense_forward(vb_run *r, const enc_dense *u, const float *x, float *y)
{
    const int64_t rows = u->batch * u->tokens, n = rows * u->out;
    float *lin = u->act != VB_ACT_NONE ? u->z : y; /* keep z when an activation follows */
    const vb_gemm_desc mm = {.batch = 1, .m = rows, .n = u->out, .k = u->in,
                             .lda = u->in, .ldb = u->out, .ldc = u->out,
                             .alpha = 1.0f, .beta = 0.0f, .has_bias = u->b != NULL};
    VB_RUN(r, gemm, &mm, x, u->w, u->b, lin);
    if (vb_seq_act_forward(r, u->act, n, lin, y)) return -1;
    if (u->dropout > 0.0f) {
        const vb_dropout_desc dd = dropout_desc(r, u);
        VB_RUN(r, dropout_fwd, &dd, y, y);
    }
    if (u->drop_path > 0.0f) {
        const vb_drop_path_desc dp = drop_path_desc(r, u);
        VB_RUN(r, drop_path_fwd, &dp, y, y);
    }
    return 0;
}

float *enc_spare(const float *used, float *const g[2])
{
    return used == g[0] ? g[1] : g[0];
}

/* Zeroes the spare buffer that the next element-wise backward op adds into. */
static float *fresh(const float *used, float *const g[2], int64_t n)
{
    float *next = enc_spare(used, g);
    memset(next, 0, (size_t)n * sizeof(float));
    return next;
}

int enc_dense_backward_eltwise(vb_run *r, const enc_dense *u, const float **d,
                               float *const g[2])
{
    const int64_t n = u->batch * u->tokens * u->out;
    if (u->drop_path > 0.0f) {
        const vb_drop_path_desc dp = drop_path_desc(r, u);
        float *next = fresh(*d, g, n);
        VB_RUN(r, drop_path_bwd, &dp, *d, next);
        *d = next;
    }
    if (u->dropout > 0.0f) {
        const vb_dropout_desc dd = dropout_desc(r, u);
        float *next = fresh(*d, g, n);
        VB_RUN(r, dropout_bwd, &dd, *d, next);
        *d = next;
    }
    if (u->act != VB_ACT_NONE) {
        float *next = fresh(*d, g, n);
        if (vb_seq_act_backward(r, u->act, n, u->z, *d, next)) return -1;
        *d = next;
    }
    return 0;
}

int enc_dense_backward_linear(vb_run *r, const enc_dense *u, const float *x, const float *dz,
                              float *dx, float dx_beta)
{
    const int64_t rows = u->batch * u->tokens;
    /* dw (in, out) += xᵀ (in, rows) · dz (rows, out) */
    const vb_gemm_desc gw = {.batch = 1, .m = u->in, .n = u->out, .k = rows, .trans_a = 1,
                             .lda = u->in, .ldb = u->out, .ldc = u->out,
                             .alpha = 1.0f, .beta = 1.0f};
    VB_RUN(r, gemm, &gw, x, dz, NULL, u->dw);
    if (u->db) { /* the bias was broadcast-added to every row: db += Σ_rows dz */
        const vb_add_desc ad = {.n = rows * u->out, .nb = u->out};
        VB_RUN(r, add_bwd, &ad, dz, NULL, u->db);
    }
    if (dx) { /* dx (rows, in) = dx_beta·dx + dz (rows, out) · wᵀ (out, in) */
        const vb_gemm_desc gx = {.batch = 1, .m = rows, .n = u->in, .k = u->out,
                                 .trans_b = 1, .lda = u->out, .ldb = u->out, .ldc = u->in,
                                 .alpha = 1.0f, .beta = dx_beta};
        VB_RUN(r, gemm, &gx, dz, u->w, NULL, dx);
    }
    return 0;
}
