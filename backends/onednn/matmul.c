/* GEMM on oneDNN's matmul primitive.
 *
 * Each operand is a 3-D (batch, rows, cols) memory descriptor with explicit strides, so
 * every layout of the ABI maps without a copy: a transpose swaps the two inner strides,
 * and a batch stride of 0 becomes a batch dimension of 1, which matmul broadcasts.
 *
 * The epilogue of ops.h, C = act(alpha·AB + beta·C + bias), as attributes:
 *   beta ≠ 0  → a sum post-op (beta == 0 adds none, so C is never read);
 *   act       → an eltwise post-op (ReLU, GELU with erf, or GELU with tanh);
 *   alpha = 1 → the bias goes in matmul's own bias argument, (1, 1, n);
 *   alpha ≠ 1 → alpha is a runtime output scale, so one primitive serves every alpha
 *               (LSA's temperature changes each step); oneDNN scales the bias too
 *               (dst = scale·(AB + bias)), so the bias moves to a binary-add post-op
 *               placed after the sum.
 *
 * Two batched cases oneDNN 2.6 cannot take as one primitive run one 2-D matmul per
 * batch instead (see per_batch): both A and B broadcast, and the binary bias on a C
 * whose batch stride is not a whole number of rows.
 *
 * bf16 (backend.h): matmul takes A and B as bf16 copies, each operand's matrices packed
 * densely in their stored orientation (vb_common_to_bf16 converts them, a transposed
 * operand stays transposed) into the context's two bf16 buffers; C, the bias and the
 * accumulation stay f32. A product whose operands exceed VB_ONEDNN_BF16_PIECE_MAX runs in
 * halves (vb_onednn_gemm) until they fit. */
#include "cache.h"
#include "check.h"
#include "onednn.h"

/* Argument positions, also the order of the pointers given to vb_prim_run. */
enum { ARG_A, ARG_B, ARG_BIAS, ARG_C, ARG_ALPHA, ARG_BIAS_POST, N_ARGS };

static int scaled(const vb_gemm_desc *d) { return d->alpha != 1.0f; }

/* Whether the batch runs as a loop of batch-1 primitives, for what matmul gets wrong:
 *   - A and B both broadcast: matmul wants dst's batch to be that of src or weights,
 *     so a 1×1 → batch product is rejected (dnnl_unimplemented);
 *   - the binary bias (alpha ≠ 1) with stride_c not a multiple of ldc: the post-op
 *     finds each element's column from its offset in C modulo ldc, so every batch after
 *     the first adds the wrong bias entries. */
static int per_batch(const vb_gemm_desc *d)
{
    if (d->batch == 1)
        return 0;
    const int both_broadcast = d->stride_a == 0 && d->stride_b == 0;
    const int binary_bias = d->has_bias && scaled(d);
    return both_broadcast || (binary_bias && d->stride_c % d->ldc != 0);
}

/* One operand, op(X) (rows, cols) per batch: element (r, c) of matrix i lies at
 * i·stride + r·ld + c, or i·stride + c·ld + r when X is stored transposed. */
static int operand_md_dt(dnnl_memory_desc_t *md, dnnl_data_type_t dt, int64_t batch,
                         int64_t stride, int64_t rows, int64_t cols, int64_t ld, int trans)
{
    const int broadcast = batch == 1 || stride == 0;
    const int64_t extent = (trans ? cols : rows) * ld; /* one matrix, for a batch of 1 */
    dnnl_dims_t dims = { broadcast ? 1 : batch, rows, cols };
    dnnl_dims_t strides = { broadcast ? extent : stride, trans ? 1 : ld, trans ? ld : 1 };
    return vb_md_strided_dt(md, 3, dims, dt, strides);
}

static int operand_md(dnnl_memory_desc_t *md, int64_t batch, int64_t stride, int64_t rows,
                      int64_t cols, int64_t ld, int trans)
{
    return operand_md_dt(md, dnnl_f32, batch, stride, rows, cols, ld, trans);
}

/* The eltwise post-op of an activation; undef (which oneDNN rejects) for any other. */
static dnnl_alg_kind_t act_alg(vb_act act)
{
    switch (act) {
    case VB_ACT_RELU: return dnnl_eltwise_relu;
    case VB_ACT_GELU: return dnnl_eltwise_gelu_erf;
    case VB_ACT_GELU_TANH: return dnnl_eltwise_gelu_tanh;
    default: return dnnl_alg_kind_undef;
    }
}

static int epilogue_attr(dnnl_primitive_attr_t attr, const vb_gemm_desc *d,
                         const dnnl_memory_desc_t *bias_md)
{
    dnnl_post_ops_t po;
    VB_DNNL_TRY(dnnl_post_ops_create(&po));
    const float runtime = DNNL_RUNTIME_F32_VAL;
    dnnl_status_t s = dnnl_success;
    if (scaled(d))
        s = dnnl_primitive_attr_set_output_scales(attr, 1, 0, &runtime);
    if (s == dnnl_success && d->beta != 0.0f)
        s = dnnl_post_ops_append_sum(po, d->beta);
    if (s == dnnl_success && scaled(d) && d->has_bias)
        s = dnnl_post_ops_append_binary(po, dnnl_binary_add, bias_md);
    if (s == dnnl_success && d->act != VB_ACT_NONE)
        s = dnnl_post_ops_append_eltwise(po, 1.0f, act_alg(d->act), 0.0f, 0.0f);
    if (s == dnnl_success)
        s = dnnl_primitive_attr_set_post_ops(attr, po);
    dnnl_post_ops_destroy(po);
    return vb_dnnl_err(s);
}

/* Whether A and B are converted to bf16 rather than read in place. */
static int in_bf16(const vb_backend_ctx *ctx) { return vb_compute_dt(ctx) != dnnl_f32; }

/* An operand as the caller stores it (op(X) is rows × cols), or as its bf16 copy:
 * the same matrices in the same orientation, packed densely (ld = stored columns, one
 * matrix after another). */
typedef struct operand {
    int64_t batch, stride, rows, cols, ld;
    int trans;
} operand;

static operand packed(operand x)
{
    const int64_t stored_rows = x.trans ? x.cols : x.rows;
    const int64_t stored_cols = x.trans ? x.rows : x.cols;
    x.ld = stored_cols;
    x.stride = x.batch == 1 || x.stride == 0 ? 0 : stored_rows * stored_cols;
    return x;
}

static int operand_md_of(const vb_backend_ctx *ctx, dnnl_memory_desc_t *md, operand x)
{
    if (!in_bf16(ctx))
        return operand_md(md, x.batch, x.stride, x.rows, x.cols, x.ld, x.trans);
    x = packed(x);
    return operand_md_dt(md, vb_compute_dt(ctx), x.batch, x.stride, x.rows, x.cols, x.ld,
                         x.trans);
}

/* The operand's matrices (one, when it broadcasts) converted into the context's bf16
 * buffer `which`; NULL when out of memory. */
static const uint16_t *to_bf16(vb_backend_ctx *ctx, int which, const float *x, operand o)
{
    const int64_t n = o.batch == 1 || o.stride == 0 ? 1 : o.batch;
    const int64_t rows = o.trans ? o.cols : o.rows, cols = o.trans ? o.rows : o.cols;
    uint16_t *dst = vb_common_bf16_buffer(ctx, which, (size_t)(n * rows * cols));
    if (dst)
        vb_common_to_bf16(ctx, x, n, o.stride, rows, cols, o.ld, dst);
    return dst;
}

/* A and B of the primitive (batch = its batch). */
static operand operand_a(const vb_gemm_desc *d, int64_t batch)
{
    return (operand){ batch, d->stride_a, d->m, d->k, d->lda, d->trans_a };
}

static operand operand_b(const vb_gemm_desc *d, int64_t batch)
{
    return (operand){ batch, d->stride_b, d->k, d->n, d->ldb, d->trans_b };
}

static int build_gemm(vb_backend_ctx *ctx, vb_entry *e, const void *desc)
{
    const vb_gemm_desc *d = desc;
    const int64_t batch = per_batch(d) ? 1 : d->batch; /* of the primitive */
    dnnl_memory_desc_t a, b, c, bias;
    VB_TRY(operand_md_of(ctx, &a, operand_a(d, batch)));
    VB_TRY(operand_md_of(ctx, &b, operand_b(d, batch)));
    VB_TRY(operand_md(&c, batch, d->stride_c, d->m, d->n, d->ldc, 0));
    VB_TRY(vb_md_tag(&bias, 3, (dnnl_dims_t){ 1, 1, d->n }, dnnl_abc));

    const int native_bias = d->has_bias && !scaled(d);
    dnnl_matmul_desc_t op;
    VB_DNNL_TRY(dnnl_matmul_desc_init(&op, &a, &b, native_bias ? &bias : NULL, &c));

    const int post_bias = DNNL_ARG_ATTR_MULTIPLE_POST_OP(d->beta != 0.0f ? 1 : 0) |
                          DNNL_ARG_SRC_1;
    const int args[N_ARGS] = {
        [ARG_A] = DNNL_ARG_SRC,
        [ARG_B] = DNNL_ARG_WEIGHTS,
        [ARG_BIAS] = native_bias ? DNNL_ARG_BIAS : VB_ARG_NONE,
        [ARG_C] = DNNL_ARG_DST,
        [ARG_ALPHA] = scaled(d) ? DNNL_ARG_ATTR_OUTPUT_SCALES : VB_ARG_NONE,
        [ARG_BIAS_POST] = d->has_bias && scaled(d) ? post_bias : VB_ARG_NONE,
    };

    dnnl_primitive_attr_t attr;
    VB_DNNL_TRY(dnnl_primitive_attr_create(&attr));
    int err = epilogue_attr(attr, d, &bias);
    if (err == VB_OK)
        err = vb_prim_create(ctx, &e->prim[0], &op, attr, NULL, args, N_ARGS);
    dnnl_primitive_attr_destroy(attr);
    return err;
}

int vb_onednn_gemm_supported(const vb_gemm_desc *d)
{
    /* All batches writing one C would race; empty products have nothing to run. */
    return d->batch >= 1 && d->m >= 1 && d->n >= 1 && d->k >= 1 &&
           !(d->batch > 1 && d->stride_c == 0);
}

/* The product as one primitive (or one per matrix, per_batch). */
static int gemm_whole(vb_backend_ctx *ctx, const vb_gemm_desc *d, const float *a,
                      const float *b, const float *bias, float *c)
{
    const vb_key key = VB_KEY(VB_OP_GEMM, d->batch, d->m, d->n, d->k, d->trans_a, d->trans_b,
                              d->lda, d->ldb, d->ldc, d->stride_a, d->stride_b, d->stride_c,
                              vb_key_f32(d->beta), d->has_bias, d->act, scaled(d));
    vb_entry *e;
    VB_TRY(vb_cache_get(ctx, &key, build_gemm, d, &e));
    /* One run of the whole batch, or one run per matrix (per_batch). */
    const int64_t runs = per_batch(d) ? d->batch : 1;
    for (int64_t i = 0; i < runs; i++) {
        const void *ai = a + i * d->stride_a, *bi = b + i * d->stride_b;
        if (in_bf16(ctx)) { /* matmul reads bf16 copies */
            const int64_t batch = runs > 1 ? 1 : d->batch;
            ai = to_bf16(ctx, 0, a + i * d->stride_a, operand_a(d, batch));
            bi = to_bf16(ctx, 1, b + i * d->stride_b, operand_b(d, batch));
            if (!ai || !bi)
                return VB_ENOMEM;
        }
        VB_TRY(vb_prim_run(ctx, &e->prim[0], (const void *[N_ARGS]){
            [ARG_A] = ai, [ARG_B] = bi, [ARG_BIAS] = bias, [ARG_C] = c + i * d->stride_c,
            [ARG_ALPHA] = &d->alpha, [ARG_BIAS_POST] = bias }));
    }
    return VB_OK;
}

/* Elements of the bf16 copy of an operand of d (one matrix when it broadcasts). */
static int64_t copy_elems(operand o)
{
    return (o.batch == 1 || o.stride == 0 ? 1 : o.batch) * o.rows * o.cols;
}

/* The dimension a product too large for VB_ONEDNN_BF16_PIECE_MAX is halved along: the
 * batch first; else the larger of the big operand's two dimensions, its rows or columns
 * (M or N, independent products) or the inner K (whose second half adds into C, so only
 * without an activation). NONE when nothing is left to split. */
typedef enum split { SPLIT_NONE, SPLIT_BATCH, SPLIT_M, SPLIT_N, SPLIT_K } split;

static split split_of(const vb_gemm_desc *d)
{
    const int big_a = copy_elems(operand_a(d, d->batch)) > VB_ONEDNN_BF16_PIECE_MAX;
    const int big_b = copy_elems(operand_b(d, d->batch)) > VB_ONEDNN_BF16_PIECE_MAX;
    if (!big_a && !big_b)
        return SPLIT_NONE;
    if (d->batch > 1)
        return SPLIT_BATCH;
    const int64_t outer = big_a ? d->m : d->n; /* the big operand's own dimension */
    const int k_splits = d->act == VB_ACT_NONE && d->k > 1;
    if (k_splits && d->k >= outer)
        return SPLIT_K;
    if (outer > 1)
        return big_a ? SPLIT_M : SPLIT_N;
    return k_splits ? SPLIT_K : SPLIT_NONE;
}

/* In bf16, C = act(alpha·AB + beta·C + bias) in halves until every operand's copy fits
 * (VB_ONEDNN_BF16_PIECE_MAX); each half is a product of the ABI in its own right, with the
 * caller's leading dimensions and strides. */
int vb_onednn_gemm(vb_backend_ctx *ctx, const vb_gemm_desc *d, const float *a, const float *b,
                   const float *bias, float *c)
{
    if (!vb_onednn_gemm_supported(d))
        return VB_EUNSUPPORTED;
    const split how = in_bf16(ctx) ? split_of(d) : SPLIT_NONE;
    if (how == SPLIT_NONE)
        return gemm_whole(ctx, d, a, b, bias, c);
    vb_gemm_desc first = *d, second = *d;
    const float *a2 = a, *b2 = b, *bias2 = bias;
    float *c2 = c;
    switch (how) {
    case SPLIT_BATCH:
        first.batch = d->batch / 2;
        a2 += first.batch * d->stride_a, b2 += first.batch * d->stride_b;
        c2 += first.batch * d->stride_c;
        break;
    case SPLIT_M: /* rows of op(A) and of C */
        first.m = d->m / 2;
        a2 += d->trans_a ? first.m : first.m * d->lda;
        c2 += first.m * d->ldc;
        break;
    case SPLIT_N: /* columns of op(B), of C and of the bias */
        first.n = d->n / 2;
        b2 += d->trans_b ? first.n * d->ldb : first.n;
        c2 += first.n;
        bias2 = bias ? bias + first.n : NULL;
        break;
    default: /* SPLIT_K: the second half adds alpha·A₂B₂ to what the first wrote */
        first.k = d->k / 2;
        a2 += d->trans_a ? first.k * d->lda : first.k;
        b2 += d->trans_b ? first.k : first.k * d->ldb;
        second.beta = 1.0f, second.has_bias = 0, bias2 = NULL;
        break;
    }
    second.batch = d->batch - (how == SPLIT_BATCH ? first.batch : 0);
    second.m = d->m - (how == SPLIT_M ? first.m : 0);
    second.n = d->n - (how == SPLIT_N ? first.n : 0);
    second.k = d->k - (how == SPLIT_K ? first.k : 0);
    VB_TRY(vb_onednn_gemm(ctx, &first, a, b, bias, c));
    return vb_onednn_gemm(ctx, &second, a2, b2, bias2, c2);
}
