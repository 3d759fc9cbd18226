/* Tokenizer layers: conv, zeropad, maxpool, patches, shifted_patches, resize.
 * Every case of the table runs the finite-difference and accumulation checks of
 * layer_check.h; the data-movement layers are also compared with values worked out by
 * hand from the TensorFlow / PyTorch definitions, since a gather and its transpose can
 * agree with each other and both be wrong. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <string.h>
#include "layer_check.h"

static const layer_case cases[] = {
    /* conv: the CCT tokenizer's conv (Keras: valid, no bias, ReLU). With ReLU, a central
     * difference is wrong wherever a pre-activation lies within the step of 0, and a weight
     * or bias step moves every output of its filter: the ReLU cases keep few outputs, so
     * that (for the fixture's fixed seed) none does. The convolution itself is checked on
     * larger outputs by the cases without ReLU. */
    {"conv 3x3 valid relu no-bias", "[conv]\nfilters = 4\nsize = 3\nbias = no\n"
                                    "activation = relu\n",
     {4, 4, 3}, 2, 0, 0},
    {"conv 3x3 valid no-bias", "[conv]\nfilters = 4\nsize = 3\nbias = no\n", {7, 7, 3}, 2,
     0, 0},
    /* TF "same" with stride 2 on odd/even sizes: asymmetric pads on both axes */
    {"conv 3x3 same stride 2 bias", "[conv]\nfilters = 3\nsize = 3\nstride = 2\n"
                                    "padding = same\n",
     {8, 7, 2}, 2, 0, 0},
    /* the official CCT tokenizer conv: stride 1 pad 1, he/kaiming inits */
    {"conv 3x3 pad 1 relu he_normal", "[conv]\nfilters = 2\nsize = 3\npadding = 1\n"
                                      "activation = relu\ninit = he_normal\n",
     {2, 3, 3}, 2, 0, 0},
    {"conv 7x7 stride 2 pad 3 kaiming", "[conv]\nfilters = 2\nsize = 7\nstride = 2\n"
                                        "padding = 3\nbias = no\ninit = kaiming_normal\n",
     {9, 9, 2}, 1, 0, 0},
    {"conv 1x1 same", "[conv]\nfilters = 5\nsize = 1\npadding = same\n", {3, 4, 6}, 2, 0, 0},
    /* zeropad */
    {"zeropad 1", "[zeropad]\npad = 1\n", {4, 5, 3}, 2, 0, 0},
    {"zeropad 1,0,2,3", "[zeropad]\npad = 1, 0, 2, 3\n", {3, 2, 2}, 2, 0, 0},
    /* maxpool without overlap; the overlapping ones are in overlapping_pools below */
    {"maxpool 2 default stride", "[maxpool]\nsize = 2\n", {4, 6, 2}, 2, 0, 0},
    /* patches */
    {"patches 2", "[patches]\nsize = 2\n", {4, 6, 3}, 2, 0, 0},
    {"patches 4 (qiita)", "[patches]\nsize = 4\n", {8, 8, 3}, 1, 0, 0},
    {"patches 1", "[patches]\nsize = 1\n", {2, 3, 2}, 2, 0, 0},
    /* shifted_patches: even and odd patch sizes (half = P/2 rounds down) */
    {"shifted_patches 2", "[shifted_patches]\nsize = 2\n", {4, 4, 2}, 2, 0, 0},
    {"shifted_patches 6 (seed 002)", "[shifted_patches]\nsize = 6\n", {12, 12, 3}, 1, 0, 0},
    {"shifted_patches 3", "[shifted_patches]\nsize = 3\n", {6, 9, 1}, 2, 0, 0},
    /* resize: seed 002's 32 → 72, an odd upsampling, a downsampling, mixed */
    {"resize 32 to 72", "[resize]\nsize = 72x72\n", {32, 32, 3}, 1, 0, 0},
    {"resize 4x5 to 9x7", "[resize]\nsize = 9x7\nmethod = bilinear\n", {4, 5, 2}, 2, 0, 0},
    {"resize 6x6 to 4x3", "[resize]\nsize = 4x3\n", {6, 6, 2}, 2, 0, 0},
};
#define CASE_COUNT (sizeof cases / sizeof cases[0])

/* CCT's Keras pool (3, stride 2, same) and the official one (3, stride 2, pad 1). A central
 * difference is wrong where two values of a window lie within the step of each other; the
 * shapes are such that, for the fixture's fixed seed, no sampled entry has one.
 * Their windows overlap, so an input can be the maximum of two windows; the reference
 * maxpool_bwd adds each window's dy into dx on its own, and a second backward then
 * rounds differently from doubling: accumulation is checked within rounding instead. */
static const layer_case overlapping_pools[] = {
    {"maxpool 3 s2 same", "[maxpool]\nsize = 3\nstride = 2\npadding = same\n", {7, 6, 3}, 2,
     0, 0},
    {"maxpool 3 s2 pad 1", "[maxpool]\nsize = 3\nstride = 2\npadding = 1\n", {6, 6, 2}, 2, 0,
     0},
};
#define POOL_COUNT (sizeof overlapping_pools / sizeof overlapping_pools[0])

/* Criterion copies parameters into a fresh test process, where the tables' string
 * pointers would not be valid: the tests take the index of their case instead. */
static struct criterion_test_params indices(size_t n)
{
    static size_t index[CASE_COUNT > POOL_COUNT ? CASE_COUNT : POOL_COUNT];
    for (size_t i = 0; i < n; i++) index[i] = i;
    return cr_make_param_array(size_t, index, n);
}

ParameterizedTestParameters(tokenizer, gradients) { return indices(CASE_COUNT); }

ParameterizedTest(size_t *i, tokenizer, gradients) { check_layer_gradients(&cases[*i]); }

ParameterizedTestParameters(tokenizer, accumulates) { return indices(CASE_COUNT); }

ParameterizedTest(size_t *i, tokenizer, accumulates) { check_layer_accumulates(&cases[*i]); }

ParameterizedTestParameters(tokenizer, pool_gradients) { return indices(POOL_COUNT); }

ParameterizedTest(size_t *i, tokenizer, pool_gradients)
{
    check_layer_gradients(&overlapping_pools[*i]);
}

ParameterizedTestParameters(tokenizer, pool_accumulates) { return indices(POOL_COUNT); }

/* A second backward adds as much again, up to the rounding of adding in another order. */
ParameterizedTest(size_t *i, tokenizer, pool_accumulates)
{
    const layer_case *c = &overlapping_pools[*i];
    layer_fixture f;
    layer_fixture_make(&f, c);
    layer_fixture_step(&f);
    int64_t n = c->batch * vb_shape_numel(c->in);
    float *once = vb_alloc((size_t)n * sizeof(float));
    memcpy(once, f.dx, (size_t)n * sizeof(float));
    cr_assert_eq(f.layer.kind->backward(&f.layer, &f.run, f.x, f.y, f.dy, f.dx), 0);
    for (int64_t k = 0; k < n; k++)
        cr_expect(fabsf(f.dx[k] - 2.0f * once[k]) <= 1e-6f * (1.0f + fabsf(once[k])),
                  "%s: dx[%lld] = %g after two backwards, %g after one", c->label,
                  (long long)k, (double)f.dx[k], (double)once[k]);
    vb_free(once);
    layer_fixture_free(&f);
}

/* ---- bad descriptions ------------------------------------------------------------- */

Test(tokenizer, rejects_bad_conv)
{
    vb_shape in = {8, 8, 3};
    check_layer_rejects("[conv]\nsize = 3\n", in, "filters");
    check_layer_rejects("[conv]\nfilters = 0\nsize = 3\n", in, "filters");
    check_layer_rejects("[conv]\nfilters = 4\n", in, "size");
    check_layer_rejects("[conv]\nfilters = 4\nsize = 9\n", in, "size");
    check_layer_rejects("[conv]\nfilters = 4\nsize = 3\nstride = 0\n", in, "stride");
    check_layer_rejects("[conv]\nfilters = 4\nsize = 3\npadding = sme\n", in, "padding");
    check_layer_rejects("[conv]\nfilters = 4\nsize = 3\npadding = -1\n", in, "padding");
    check_layer_rejects("[conv]\nfilters = 4\nsize = 3\nbias = maybe\n", in, "bias");
    check_layer_rejects("[conv]\nfilters = 4\nsize = 3\nactivation = gelu\n", in,
                        "activation");
    check_layer_rejects("[conv]\nfilters = 4\nsize = 3\ninit = zeros\n", in, "init");
    check_layer_rejects("[conv]\nfilters = 4\nsize = 3\nfilter = 3\n", in,
                        "unknown key 'filter'");
}

Test(tokenizer, rejects_bad_zeropad_and_maxpool)
{
    vb_shape in = {6, 6, 2};
    check_layer_rejects("[zeropad]\n", in, "pad");
    check_layer_rejects("[zeropad]\npad = 1, 2\n", in, "pad");
    check_layer_rejects("[zeropad]\npad = -1\n", in, "pad");
    check_layer_rejects("[zeropad]\npad = one\n", in, "pad");
    check_layer_rejects("[maxpool]\nstride = 2\n", in, "size");
    check_layer_rejects("[maxpool]\nsize = 3\npadding = 3\n", in, "padding");
    check_layer_rejects("[maxpool]\nsize = 7\n", in, "size");
    check_layer_rejects("[maxpool]\nsize = 2\nstrides = 2\n", in, "unknown key 'strides'");
}

Test(tokenizer, rejects_bad_patches)
{
    vb_shape in = {8, 12, 3};
    check_layer_rejects("[patches]\n", in, "size");
    check_layer_rejects("[patches]\nsize = 0\n", in, "size");
    check_layer_rejects("[patches]\nsize = 3\n", in, "size"); /* 8 is not a multiple */
    check_layer_rejects("[patches]\nsize = 8\n", in, "size"); /* 12 is not either */
    check_layer_rejects("[shifted_patches]\nsize = 5\n", in, "size");
    check_layer_rejects("[shifted_patches]\nsize = 4\nvanilla = yes\n", in,
                        "unknown key 'vanilla'");
}

Test(tokenizer, rejects_bad_resize)
{
    vb_shape in = {32, 32, 3};
    check_layer_rejects("[resize]\n", in, "size");
    check_layer_rejects("[resize]\nsize = 72\n", in, "size");
    check_layer_rejects("[resize]\nsize = 0x72\n", in, "size");
    check_layer_rejects("[resize]\nsize = 72x72\nmethod = bicubic\n", in, "method");
}

/* ---- values worked out by hand ------------------------------------------------------ */

/* Builds the case's layer, sets x from fill(b, i, j, c), runs forward. */
static void run_forward(layer_fixture *f, const char *section, vb_shape in, int64_t batch,
                        float (*fill)(int64_t b, int64_t i, int64_t j, int64_t c))
{
    layer_case c = {"hand check", section, in, batch, 0, 0};
    layer_fixture_make(f, &c);
    for (int64_t b = 0; b < batch; b++)
        for (int64_t i = 0; i < in.h; i++)
            for (int64_t j = 0; j < in.w; j++)
                for (int64_t k = 0; k < in.c; k++)
                    f->x[((b * in.h + i) * in.w + j) * in.c + k] = fill(b, i, j, k);
    cr_assert_eq(f->layer.kind->forward(&f->layer, &f->run, f->x, f->y), 0, "%s", f->run.err);
}

static float digits(int64_t b, int64_t i, int64_t j, int64_t c)
{
    return (float)(1000 * b + 100 * i + 10 * j + c);
}

/* TF extract_patches order: token (gi, gj) row-major, values (ph, pw, c). */
Test(tokenizer, patches_value_order)
{
    layer_fixture f;
    const int64_t P = 2, H = 4, W = 6, C = 3;
    run_forward(&f, "[patches]\nsize = 2\n", (vb_shape){H, W, C}, 2, digits);
    cr_assert_eq(f.layer.out.h, (H / P) * (W / P));
    cr_assert_eq(f.layer.out.w, 1);
    cr_assert_eq(f.layer.out.c, P * P * C);
    const float *y = f.y;
    for (int64_t b = 0; b < 2; b++)
        for (int64_t gi = 0; gi < H / P; gi++)
            for (int64_t gj = 0; gj < W / P; gj++)
                for (int64_t ph = 0; ph < P; ph++)
                    for (int64_t pw = 0; pw < P; pw++)
                        for (int64_t c = 0; c < C; c++)
                            cr_expect_eq(*y++, digits(b, gi * P + ph, gj * P + pw, c));
    layer_fixture_free(&f);
}

/* The five 4×4 planes of seed 002's tf.concat for x(i, j) = 10i + j + 1 and P = 2 (half
 * patch 1), each worked out from crop_to_bounding_box then pad_to_bounding_box:
 *   left-up:    crop rows 1..3, cols 1..3, placed at (0, 0)
 *   left-down:  crop rows 0..2, cols 1..3, placed at (1, 0)
 *   right-up:   crop rows 1..3, cols 0..2, placed at (0, 1)
 *   right-down: crop rows 0..2, cols 0..2, placed at (1, 1) */
static const float spt_planes[5][4][4] = {
    {{1, 2, 3, 4}, {11, 12, 13, 14}, {21, 22, 23, 24}, {31, 32, 33, 34}},  /* image */
    {{12, 13, 14, 0}, {22, 23, 24, 0}, {32, 33, 34, 0}, {0, 0, 0, 0}},     /* left-up */
    {{0, 0, 0, 0}, {2, 3, 4, 0}, {12, 13, 14, 0}, {22, 23, 24, 0}},        /* left-down */
    {{0, 11, 12, 13}, {0, 21, 22, 23}, {0, 31, 32, 33}, {0, 0, 0, 0}},     /* right-up */
    {{0, 0, 0, 0}, {0, 1, 2, 3}, {0, 11, 12, 13}, {0, 21, 22, 23}},        /* right-down */
};

/* Channel 1 is channel 0 negated, so the (view, channel) order inside a pixel shows. */
static float spt_image(int64_t b, int64_t i, int64_t j, int64_t c)
{
    (void)b;
    return (float)(10 * i + j + 1) * (c ? -1.0f : 1.0f);
}

Test(tokenizer, shifted_patches_planes)
{
    layer_fixture f;
    const int64_t P = 2, C = 2;
    run_forward(&f, "[shifted_patches]\nsize = 2\n", (vb_shape){4, 4, C}, 1, spt_image);
    cr_assert_eq(f.layer.out.h, 4);
    cr_assert_eq(f.layer.out.c, P * P * 5 * C);
    const float *y = f.y;
    for (int gi = 0; gi < 2; gi++)
        for (int gj = 0; gj < 2; gj++)
            for (int ph = 0; ph < P; ph++)
                for (int pw = 0; pw < P; pw++)
                    for (int v = 0; v < 5; v++)
                        for (int c = 0; c < C; c++) {
                            float want = spt_planes[v][gi * P + ph][gj * P + pw] *
                                         (c ? -1.0f : 1.0f);
                            cr_expect_eq(*y, want, "token (%d,%d) (%d,%d) view %d c %d: %g",
                                         gi, gj, ph, pw, v, c, (double)*y);
                            y++;
                        }
    layer_fixture_free(&f);
}

/* Backward of shifted_patches with dy = 1: each input pixel gets 1 from the image plus
 * one for every shifted view that keeps it on the image. With half patch 1 on 4×4, the
 * views keep rows/cols as: left-up drops row 0 and col 0 of the *input*, left-down drops
 * row 3 and col 0, right-up row 0 and col 3, right-down row 3 and col 3. */
Test(tokenizer, shifted_patches_backward_counts)
{
    layer_fixture f;
    run_forward(&f, "[shifted_patches]\nsize = 2\n", (vb_shape){4, 4, 1}, 1, spt_image);
    for (int64_t k = 0; k < 4 * 20; k++) f.dy[k] = 1.0f;
    memset(f.dx, 0, 16 * sizeof(float));
    cr_assert_eq(f.layer.kind->backward(&f.layer, &f.run, f.x, f.y, f.dy, f.dx), 0);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            int want = 1 + (i > 0 && j > 0) + (i < 3 && j > 0) + (i > 0 && j < 3) +
                       (i < 3 && j < 3);
            cr_expect_eq(f.dx[i * 4 + j], (float)want, "dx(%d,%d)", i, j);
        }
    layer_fixture_free(&f);
}

static float constant(int64_t b, int64_t i, int64_t j, int64_t c)
{
    (void)b, (void)i, (void)j, (void)c;
    return 0.7f;
}

Test(tokenizer, resize_keeps_a_constant_image)
{
    layer_fixture f;
    run_forward(&f, "[resize]\nsize = 72x72\n", (vb_shape){32, 32, 3}, 2, constant);
    for (int64_t k = 0; k < 2 * 72 * 72 * 3; k++)
        cr_expect_float_eq(f.y[k], 0.7f, 1e-6f, "y[%lld] = %g", (long long)k, (double)f.y[k]);
    layer_fixture_free(&f);
}

static float ramp(int64_t b, int64_t i, int64_t j, int64_t c)
{
    return (float)(2 * i + 3 * j + c - b);
}

/* Half-pixel centres: output row i samples input row s = (i + ½)·H/OH − ½. Inside
 * [0, H − 1] a linear ramp comes out linear in s; outside, the edge value repeats. */
Test(tokenizer, resize_of_a_ramp)
{
    layer_fixture f;
    const int64_t H = 8, W = 6, OH = 16, OW = 15;
    run_forward(&f, "[resize]\nsize = 16x15\n", (vb_shape){H, W, 2}, 2, ramp);
    for (int64_t b = 0; b < 2; b++)
        for (int64_t i = 0; i < OH; i++)
            for (int64_t j = 0; j < OW; j++)
                for (int64_t c = 0; c < 2; c++) {
                    double si = (i + 0.5) * H / OH - 0.5, sj = (j + 0.5) * W / OW - 0.5;
                    si = fmin(fmax(si, 0.0), H - 1.0);
                    sj = fmin(fmax(sj, 0.0), W - 1.0);
                    double want = 2 * si + 3 * sj + c - b;
                    float got = f.y[((b * OH + i) * OW + j) * 2 + c];
                    cr_expect(fabs(got - want) < 1e-5, "y(%lld,%lld,%lld,%lld) = %g, want %g",
                              (long long)b, (long long)i, (long long)j, (long long)c,
                              (double)got, want);
                }
    layer_fixture_free(&f);
}

static float one_to_four(int64_t b, int64_t i, int64_t j, int64_t c)
{
    (void)b, (void)c;
    return (float)(2 * i + j + 1);
}

/* F.interpolate([[1, 2], [3, 4]], size = 4, mode = "bilinear", align_corners = False),
 * the example of PyTorch's documentation discussions; tf.image.resize agrees. */
Test(tokenizer, resize_2x2_to_4x4)
{
    static const float want[4][4] = {{1.0f, 1.25f, 1.75f, 2.0f},
                                     {1.5f, 1.75f, 2.25f, 2.5f},
                                     {2.5f, 2.75f, 3.25f, 3.5f},
                                     {3.0f, 3.25f, 3.75f, 4.0f}};
    layer_fixture f;
    run_forward(&f, "[resize]\nsize = 4x4\n", (vb_shape){2, 2, 1}, 1, one_to_four);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            cr_expect_float_eq(f.y[i * 4 + j], want[i][j], 1e-6f, "y(%d,%d) = %g", i, j,
                               (double)f.y[i * 4 + j]);
    layer_fixture_free(&f);
}

/* Halving samples at s = 2i + ½: the mean of each 2×2 block (no antialias needed). */
Test(tokenizer, resize_halving_averages_blocks)
{
    layer_fixture f;
    run_forward(&f, "[resize]\nsize = 2x2\n", (vb_shape){4, 4, 1}, 1, digits);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            float mean = 0.25f * (digits(0, 2 * i, 2 * j, 0) + digits(0, 2 * i, 2 * j + 1, 0) +
                                  digits(0, 2 * i + 1, 2 * j, 0) +
                                  digits(0, 2 * i + 1, 2 * j + 1, 0));
            cr_expect_float_eq(f.y[i * 2 + j], mean, 1e-4f, "y(%d,%d)", i, j);
        }
    layer_fixture_free(&f);
}

static float row_major(int64_t b, int64_t i, int64_t j, int64_t c)
{
    (void)b, (void)c;
    return (float)(4 * i + j);
}

/* TF "same", size 3 stride 2 on 4×4: total padding 1, all of it after (bottom/right). */
Test(tokenizer, maxpool_same_pads_after)
{
    layer_fixture f;
    run_forward(&f, "[maxpool]\nsize = 3\nstride = 2\npadding = same\n", (vb_shape){4, 4, 1},
                1, row_major);
    cr_assert_eq(f.layer.out.h, 2);
    cr_assert_eq(f.layer.out.w, 2);
    static const float want[4] = {10, 11, 14, 15}; /* padded on top it would start with 5 */
    for (int k = 0; k < 4; k++) cr_expect_eq(f.y[k], want[k], "y[%d] = %g", k, (double)f.y[k]);
    layer_fixture_free(&f);
}

/* TF "same", size 2 stride 2 on 3×3: one row and column of padding, after. A conv with a
 * ones filter then sums each 2×2 window that the padding leaves. */
Test(tokenizer, conv_same_pads_after)
{
    layer_fixture f;
    run_forward(&f, "[conv]\nfilters = 1\nsize = 2\nstride = 2\npadding = same\n",
                (vb_shape){3, 3, 1}, 1, row_major);
    cr_assert_eq(f.layer.out.h, 2);
    float *w = vb_param_data(&f.params, 0), *bias = vb_param_data(&f.params, 1);
    for (int k = 0; k < 4; k++) w[k] = 1.0f;
    bias[0] = 0.5f;
    cr_assert_eq(f.layer.kind->forward(&f.layer, &f.run, f.x, f.y), 0, "%s", f.run.err);
    /* x = [[0 1 2] [4 5 6] [8 9 10]] (row_major uses 4i + j) */
    static const float want[4] = {0 + 1 + 4 + 5 + 0.5f, 2 + 6 + 0.5f, 8 + 9 + 0.5f, 10.5f};
    for (int k = 0; k < 4; k++) cr_expect_eq(f.y[k], want[k], "y[%d] = %g", k, (double)f.y[k]);
    layer_fixture_free(&f);
}

/* ReLU after the bias: a negative bias clamps, and backward passes nothing there. */
Test(tokenizer, conv_relu_clamps)
{
    layer_fixture f;
    run_forward(&f, "[conv]\nfilters = 1\nsize = 1\nactivation = relu\n", (vb_shape){2, 2, 1},
                1, row_major);
    vb_param_data(&f.params, 0)[0] = 1.0f;
    vb_param_data(&f.params, 1)[0] = -4.5f;
    layer_fixture_step(&f);
    static const float want[4] = {0, 0, 0, 0.5f}; /* x = 0 1 4 5 */
    for (int k = 0; k < 4; k++) {
        cr_expect_eq(f.y[k], want[k]);
        cr_expect_eq(f.dx[k], k == 3 ? f.dy[k] : 0.0f, "dx[%d]", k);
    }
    cr_expect_eq(vb_param_grad(&f.params, 1)[0], f.dy[3]);
    layer_fixture_free(&f);
}

Test(tokenizer, zeropad_places_the_image)
{
    layer_fixture f;
    run_forward(&f, "[zeropad]\npad = 1, 0, 2, 1\n", (vb_shape){2, 2, 1}, 1, row_major);
    cr_assert_eq(f.layer.out.h, 3);
    cr_assert_eq(f.layer.out.w, 5);
    static const float want[15] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4, 5, 0};
    for (int k = 0; k < 15; k++) cr_expect_eq(f.y[k], want[k], "y[%d] = %g", k, (double)f.y[k]);
    layer_fixture_free(&f);
}

/* The first layer of a model gets dx = NULL: parameter gradients only, no crash. */
Test(tokenizer, backward_without_dx)
{
    for (size_t i = 0; i < CASE_COUNT; i++) {
        layer_fixture f;
        layer_fixture_make(&f, &cases[i]);
        cr_assert_eq(f.layer.kind->forward(&f.layer, &f.run, f.x, f.y), 0);
        cr_expect_eq(f.layer.kind->backward(&f.layer, &f.run, f.x, f.y, f.dy, NULL), 0,
                     "%s: %s", cases[i].label, f.run.err);
        layer_fixture_free(&f);
    }
}

/* CCT's first conv on CIFAR: 3·3·3·64 weights, 30·30 outputs of 64 filters × 27 taps. */
Test(tokenizer, conv_counts)
{
    layer_fixture f;
    layer_case c = {"count", "[conv]\nfilters = 64\nsize = 3\nbias = no\nactivation = relu\n",
                    {32, 32, 3}, 1, 0, 0};
    layer_fixture_make(&f, &c);
    vb_counts n;
    memset(&n, 0, sizeof n);
    f.layer.kind->count(&f.layer, &n);
    cr_expect_eq(n.params[VB_COMP_TOKENIZER], 1728);
    cr_expect_eq(n.macs[VB_COMP_TOKENIZER], 30.0 * 30 * 64 * 27);
    cr_expect_str_eq(f.params.params[0].name, "conv.0.weight");
    cr_expect_eq(f.params.count, 1);
    layer_fixture_free(&f);

    c.section = "[conv]\nfilters = 8\nsize = 3\nstride = 2\npadding = same\n";
    layer_fixture_make(&f, &c);
    memset(&n, 0, sizeof n);
    f.layer.kind->count(&f.layer, &n);
    cr_expect_eq(n.params[VB_COMP_TOKENIZER], 3 * 3 * 3 * 8 + 8);
    cr_expect_eq(n.macs[VB_COMP_TOKENIZER], 16.0 * 16 * 8 * 27);
    cr_expect_str_eq(f.params.params[1].name, "conv.0.bias");
    layer_fixture_free(&f);
}
