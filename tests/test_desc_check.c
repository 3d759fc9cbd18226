/* Malformed descriptors are rejected with one line naming the op and the field. */
#include <criterion/criterion.h>
#include <string.h>
#include "vitbench/desc_check.h"
#include "vitbench/loader.h"

static char err[512];

static void expect_rejected(vb_op op, const void *desc, const char *field)
{
    int rc = vb_desc_check(op, desc, err, sizeof err);
    cr_assert_eq(rc, VB_EINVAL, "%s: accepted a bad descriptor (expected '%s')",
                 vb_op_name(op), field);
    cr_assert(strncmp(err, vb_op_name(op), strlen(vb_op_name(op))) == 0,
              "error must start with the op name: %s", err);
    cr_assert(strstr(err, field) != NULL, "error must name '%s': %s", field, err);
    cr_assert(strchr(err, '\n') == NULL, "one line: %s", err);
}

static void expect_accepted(vb_op op, const void *desc)
{
    cr_assert_eq(vb_desc_check(op, desc, err, sizeof err), VB_OK, "%s", err);
}

static vb_gemm_desc good_gemm(void)
{
    return (vb_gemm_desc){.batch = 2, .m = 4, .n = 5, .k = 3, .lda = 3, .ldb = 5, .ldc = 5,
                          .stride_a = 12, .stride_b = 0, .stride_c = 20, .alpha = 1};
}

/* Keras CCT's first conv: 32×32×3 → 30×30×64, 3×3 valid. */
static vb_conv2d_desc good_conv(void)
{
    return (vb_conv2d_desc){.n = 2, .h = 32, .w = 32, .c = 3, .oc = 64, .kh = 3, .kw = 3,
                            .stride_h = 1, .stride_w = 1, .oh = 30, .ow = 30};
}

Test(desc_check, good_descriptors_pass)
{
    vb_gemm_desc g = good_gemm();
    vb_conv2d_desc c = good_conv();
    vb_pool_desc p = {.n = 1, .h = 32, .w = 32, .c = 64, .kh = 3, .kw = 3, .stride_h = 2,
                      .stride_w = 2, .pad_bottom = 1, .pad_right = 1, .oh = 16, .ow = 16};
    expect_accepted(VB_OP_GEMM, &g);
    expect_accepted(VB_OP_CONV2D_FWD, &c);
    expect_accepted(VB_OP_MAXPOOL_FWD, &p);
}

Test(desc_check, gemm_fields)
{
    vb_gemm_desc g = good_gemm();
    g.lda = 2;
    expect_rejected(VB_OP_GEMM, &g, "lda");
    g = good_gemm();
    g.trans_b = 1; /* B stored n×k: ldb must cover k = 3 — 5 does, so fine; break ldc */
    g.ldc = 4;
    expect_rejected(VB_OP_GEMM, &g, "ldc");
    g = good_gemm();
    g.stride_c = 5;
    expect_rejected(VB_OP_GEMM, &g, "stride_c");
    g = good_gemm();
    g.m = 0;
    expect_rejected(VB_OP_GEMM, &g, "m");
    g = good_gemm();
    g.act = (vb_act)7;
    expect_rejected(VB_OP_GEMM, &g, "activation");
}

Test(desc_check, conv_output_size_must_match_the_window)
{
    vb_conv2d_desc c = good_conv();
    c.oh = 32;
    expect_rejected(VB_OP_CONV2D_BWD_DATA, &c, "oh");
    c = good_conv();
    c.kh = 40;
    expect_rejected(VB_OP_CONV2D_FWD, &c, "does not fit");
    c = good_conv();
    c.stride_w = 0;
    expect_rejected(VB_OP_CONV2D_BWD_WEIGHTS, &c, "stride_w");
}

Test(desc_check, pool_padding_smaller_than_kernel)
{
    vb_pool_desc p = {.n = 1, .h = 8, .w = 8, .c = 1, .kh = 2, .kw = 2, .stride_h = 1,
                      .stride_w = 1, .pad_top = 2, .oh = 9, .ow = 7};
    expect_rejected(VB_OP_MAXPOOL_FWD, &p, "padding");
}

Test(desc_check, rates_sizes_and_enums)
{
    vb_dropout_desc dr = {.n = 10, .rate = 1.0f};
    expect_rejected(VB_OP_DROPOUT_FWD, &dr, "rate");
    vb_add_desc add = {.n = 10, .nb = 3};
    expect_rejected(VB_OP_ADD_FWD, &add, "nb");
    vb_attention_desc at = {.batch = 1, .tokens = 1, .heads = 1, .head_dim = 4,
                            .q_row_stride = 4, .k_row_stride = 4, .v_row_stride = 4,
                            .o_row_stride = 4, .diag_mask = 1};
    expect_rejected(VB_OP_ATTENTION_FWD, &at, "diag_mask");
    at.tokens = 4;
    at.diag_mask = 0;
    at.k_row_stride = 3;
    expect_rejected(VB_OP_ATTENTION_BWD, &at, "row strides");
    vb_xent_desc xe = {.batch = 4, .classes = 1};
    expect_rejected(VB_OP_XENT_FWD, &xe, "classes");
    vb_adam_desc ad = {.n = 4, .step = 0, .lr = 1e-3f, .beta1 = 0.9f, .beta2 = 0.999f,
                       .eps = 1e-7f};
    expect_rejected(VB_OP_ADAM_STEP, &ad, "step");
    ad.step = 1;
    ad.decay_mode = (vb_decay_mode)9;
    expect_rejected(VB_OP_ADAM_STEP, &ad, "decay_mode");
    vb_layernorm_desc ln = {.rows = 2, .cols = 8, .eps = 0};
    expect_rejected(VB_OP_LAYERNORM_FWD, &ln, "eps");
}

Test(desc_check, null_and_unknown_op)
{
    cr_assert_eq(vb_desc_check(VB_OP_GEMM, NULL, err, sizeof err), VB_EINVAL);
    cr_assert(strstr(err, "NULL") != NULL, "%s", err);
    vb_gemm_desc g = good_gemm();
    cr_assert_eq(vb_desc_check(VB_OP_COUNT, &g, err, sizeof err), VB_EINVAL);
    cr_assert(strstr(err, "unknown op") != NULL, "%s", err);
}

Test(desc_check, every_op_has_a_descriptor_size)
{
    for (int op = 0; op < VB_OP_COUNT; op++)
        cr_assert_gt(vb_desc_size(op), 0, "%s", vb_op_name(op));
}
