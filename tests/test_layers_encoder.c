/* [encoder] blocks: gradients (finite differences) and accumulation for every variant the
 * model files use — pre/post norm, LSA's diagonal mask and learnable temperature in every
 * combination, biases on/off, MLP shapes and activations, dropouts in training mode — the
 * forward against a literal double-precision re-statement of the block, parameter names,
 * the counts and state of the Keras CCT block, stacks through the model driver (stochastic
 * depth over `depth = 3`, post-norm), and the keys it must reject. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layer_check.h"
#include "vitbench/model.h"
#include "vitbench/rng.h"
#include "../lib/layers/encoder.h"

/* 3 tokens of width 8; 2 heads of 3 (so H·D = 6 differs from C); MLP 8 → 12 → 8. */
#define BLOCK "[encoder]\nheads = 2\nkey_dim = 3\nmlp = 12, 8\n"
#define DROPOUTS "attn_dropout = 0.3\nattn_out_dropout = 0.2\nmlp_dropout = 0.25\n"
#define QIITA                                                                  \
    "[encoder]\nnorm = post\neps = 1e-6\nheads = 2\nkey_dim = 2\nmlp = 12, 8\n" \
    "mlp_activation = relu\nmlp_dropout = 0.1\nmlp_dropout_after = last\n"     \
    "attn_out_dropout = 0.1\nattn_glorot_fans = dense\n"
#define LSA "diag_mask = yes\ntemperature = learnable\n"

static const vb_shape tokens = {3, 1, 8};

static const layer_case cases[] = {
    {"pre-norm", BLOCK, tokens, 2, 0, 0},
    {"pre-norm, training, no dropout keys", BLOCK, tokens, 2, 1, 0},
    {"pre-norm, dropouts, eval", BLOCK DROPOUTS, tokens, 2, 0, 0},
    {"pre-norm, dropouts, training", BLOCK DROPOUTS, tokens, 2, 1, 0},
    {"pre-norm, dropout after the last Dense only, training",
     BLOCK DROPOUTS "mlp_dropout_after = last\n", tokens, 2, 1, 0},
    {"LSA diagonal mask only", BLOCK "diag_mask = yes\n", tokens, 2, 0, 0},
    {"LSA temperature only", BLOCK "temperature = learnable\n", tokens, 2, 0, 0},
    {"LSA mask and temperature", BLOCK LSA, tokens, 2, 0, 0},
    {"LSA mask and temperature, dropouts, training", BLOCK LSA DROPOUTS, tokens, 2, 1, 0},
    {"LSA temperature only, training", BLOCK "temperature = learnable\n" DROPOUTS, tokens, 2,
     1, 0},
    {"no qkv or output bias", BLOCK "qkv_bias = no\nout_bias = no\n", tokens, 2, 0, 0},
    {"three-Dense MLP, GELU after the last too",
     "[encoder]\nheads = 2\nkey_dim = 3\nmlp = 5, 7, 8\nmlp_last_activation = yes\n"
     "mlp_dropout = 0.2\n",
     tokens, 2, 1, 0},
    {"ReLU MLP", BLOCK "mlp_activation = relu\n", tokens, 2, 0, 0},
    {"tanh-GELU MLP", BLOCK "mlp_activation = gelu_tanh\n", tokens, 2, 0, 0},
    {"trunc_normal init", BLOCK "init = trunc_normal\ninit_scale = 0.2\n", tokens, 2, 0, 0},
    {"2x3 grid of tokens, one head", "[encoder]\nheads = 1\nkey_dim = 4\nmlp = 6, 4\n",
     (vb_shape){2, 3, 4}, 2, 0, 0},
    {"single token", "[encoder]\nheads = 2\nkey_dim = 2\nmlp = 4\n", (vb_shape){1, 1, 4}, 3,
     0, 0},
    {"post-norm (Qiita)", QIITA, tokens, 2, 0, 0},
    {"post-norm (Qiita), training", QIITA, tokens, 2, 1, 0},
    {"post-norm with LSA, dropouts, training", QIITA LSA "attn_dropout = 0.2\n", tokens, 2, 1,
     0},
    /* GELU here: with ReLU this case puts hidden pre-activations within the finite
     * difference's step of the kink (it passes with h = 1e-3). */
    {"post-norm, mask only, no biases",
     "[encoder]\nnorm = post\nheads = 2\nkey_dim = 2\nmlp = 12, 8\nmlp_dropout_after = last\n"
     "diag_mask = yes\nqkv_bias = no\nout_bias = no\n",
     tokens, 2, 0, 0},
};

static const layer_case *find_case(const char *label)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (strcmp(cases[i].label, label) == 0) return &cases[i];
    cr_assert_fail("no case '%s'", label);
    return NULL;
}

Test(encoder, gradients)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_layer_gradients(&cases[i]);
}

Test(encoder, accumulates)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_layer_accumulates(&cases[i]);
}

Test(encoder, parameter_names_and_shapes)
{
    layer_fixture f;
    layer_fixture_make(&f, find_case("LSA mask and temperature")); /* every parameter */
    static const char *const names[] = {
        "encoder.0.norm1.gamma", "encoder.0.norm1.beta", "encoder.0.attn.qkv.weight",
        "encoder.0.attn.qkv.bias", "encoder.0.attn.out.weight", "encoder.0.attn.out.bias",
        "encoder.0.attn.tau", "encoder.0.norm2.gamma", "encoder.0.norm2.beta",
        "encoder.0.mlp.0.weight", "encoder.0.mlp.0.bias", "encoder.0.mlp.1.weight",
        "encoder.0.mlp.1.bias"};
    static const size_t numel[] = {8, 8, 8 * 18, 18, 6 * 8, 8, 1, 8, 8, 8 * 12, 12, 12 * 8, 8};
    cr_assert_eq(f.params.count, 13);
    for (int i = 0; i < 13; i++) {
        cr_expect_str_eq(f.params.params[i].name, names[i]);
        cr_expect_eq(f.params.params[i].numel, numel[i], "%s", names[i]);
    }
    cr_expect_float_eq(vb_param_data(&f.params, 6)[0], sqrtf(3.0f), 1e-6, "τ = sqrt(key_dim)");
    cr_expect_eq(vb_param_data(&f.params, 0)[0], 1.0f, "LayerNorm gain starts at 1");
    cr_expect_eq(vb_param_data(&f.params, 3)[5], 0.0f, "biases start at 0");
    layer_fixture_free(&f);
}

/* ---- the forward against a literal re-statement of the block, in double ---------- */

typedef struct literal_block {
    int post_norm;
    vb_act act; /* the MLP's */
    int last_act;
    int64_t heads, key_dim;
    double eps;
} literal_block;

static const float *param(const layer_fixture *f, const char *role)
{
    char name[VB_PARAM_NAME_MAX];
    snprintf(name, sizeof name, "encoder.0.%s", role);
    int i = vb_param_block_find(&f->params, name);
    return i < 0 ? NULL : vb_param_data(&f->params, i);
}

/* y (rows, C) = LayerNorm(x) with the parameters of norm `which` */
static void literal_norm(const layer_fixture *f, const literal_block *b, int which,
                         const double *x, int64_t rows, int64_t C, double *y)
{
    const float *g = param(f, which == 1 ? "norm1.gamma" : "norm2.gamma");
    const float *be = param(f, which == 1 ? "norm1.beta" : "norm2.beta");
    for (int64_t r = 0; r < rows; r++) {
        double mu = 0, var = 0;
        for (int64_t j = 0; j < C; j++) mu += x[r * C + j] / C;
        for (int64_t j = 0; j < C; j++) var += (x[r * C + j] - mu) * (x[r * C + j] - mu) / C;
        for (int64_t j = 0; j < C; j++)
            y[r * C + j] = (x[r * C + j] - mu) / sqrt(var + b->eps) * g[j] + be[j];
    }
}

static double literal_act(vb_act act, double z)
{
    switch (act) {
    case VB_ACT_NONE: return z;
    case VB_ACT_RELU: return fmax(z, 0.0);
    case VB_ACT_GELU: return 0.5 * z * (1.0 + erf(z / sqrt(2.0)));
    case VB_ACT_GELU_TANH:
        return 0.5 * z * (1.0 + tanh(sqrt(2.0 / M_PI) * (z + 0.044715 * z * z * z)));
    }
    return NAN;
}

/* y (rows, out) = act(x (rows, in) · w + bias) */
static void literal_dense(const double *x, int64_t rows, int64_t in, const float *w,
                          const float *bias, int64_t out, vb_act act, double *y)
{
    for (int64_t r = 0; r < rows; r++)
        for (int64_t o = 0; o < out; o++) {
            double z = bias ? bias[o] : 0.0;
            for (int64_t i = 0; i < in; i++) z += x[r * in + i] * w[i * out + o];
            y[r * out + o] = literal_act(act, z);
        }
}

/* out (B·T, C) = Attention branch(x): separate q, k, v column blocks, head-major. */
static void literal_attention(const layer_fixture *f, const literal_block *b, const double *x,
                              int64_t B, int64_t T, int64_t C, int diag_mask, double *out)
{
    const int64_t H = b->heads, D = b->key_dim, HD = H * D;
    double *qkv = malloc(sizeof(double) * (size_t)(B * T * 3 * HD));
    double *att = malloc(sizeof(double) * (size_t)(B * T * HD));
    literal_dense(x, B * T, C, param(f, "attn.qkv.weight"), param(f, "attn.qkv.bias"), 3 * HD,
                  VB_ACT_NONE, qkv);
    const float *tau = param(f, "attn.tau");
    const double scale = tau ? 1.0 / tau[0] : 1.0 / sqrt((double)D);
    for (int64_t n = 0; n < B; n++)
        for (int64_t h = 0; h < H; h++)
            for (int64_t i = 0; i < T; i++) {
                double p[16], sum = 0.0;
                for (int64_t j = 0; j < T; j++) {
                    double dot = 0.0;
                    for (int64_t d = 0; d < D; d++)
                        dot += qkv[(n * T + i) * 3 * HD + h * D + d] *
                               qkv[(n * T + j) * 3 * HD + HD + h * D + d];
                    p[j] = diag_mask && i == j ? 0.0 : exp(scale * dot);
                    sum += p[j];
                }
                for (int64_t d = 0; d < D; d++) {
                    double o = 0.0;
                    for (int64_t j = 0; j < T; j++)
                        o += p[j] / sum * qkv[(n * T + j) * 3 * HD + 2 * HD + h * D + d];
                    att[(n * T + i) * HD + h * D + d] = o;
                }
            }
    literal_dense(att, B * T, HD, param(f, "attn.out.weight"), param(f, "attn.out.bias"), C,
                  VB_ACT_NONE, out);
    free(qkv);
    free(att);
}

static void literal_mlp(const layer_fixture *f, const literal_block *b, const double *x,
                        int64_t rows, int64_t C, const int64_t *widths, int count, double *out)
{
    enum { widest = 64 }; /* of the test cases' MLPs */
    double *h = malloc(sizeof(double) * (size_t)(rows * widest));
    double *next = malloc(sizeof(double) * (size_t)(rows * widest));
    memcpy(h, x, sizeof(double) * (size_t)(rows * C));
    int64_t in = C;
    for (int j = 0; j < count; j++) {
        char w[32], bias[32];
        snprintf(w, sizeof w, "mlp.%d.weight", j);
        snprintf(bias, sizeof bias, "mlp.%d.bias", j);
        literal_dense(h, rows, in, param(f, w), param(f, bias), widths[j],
                      j < count - 1 || b->last_act ? b->act : VB_ACT_NONE, next);
        memcpy(h, next, sizeof(double) * (size_t)(rows * widths[j]));
        in = widths[j];
    }
    memcpy(out, h, sizeof(double) * (size_t)(rows * C));
    free(h);
    free(next);
}

static void expect_literal_forward(const layer_case *c, const literal_block *b,
                                   const int64_t *widths, int count, int diag_mask)
{
    layer_fixture f;
    layer_fixture_make(&f, c);
    layer_fixture_step(&f);
    const int64_t B = c->batch, T = c->in.h * c->in.w, C = c->in.c, n = B * T * C;
    double *x = calloc((size_t)n, sizeof(double)), *a = calloc((size_t)n, sizeof(double));
    double *x1 = calloc((size_t)n, sizeof(double)), *y = calloc((size_t)n, sizeof(double));
    for (int64_t i = 0; i < n; i++) x[i] = f.x[i];
    if (!b->post_norm) { /* x1 = x + Attn(LN1(x)); y = x1 + MLP(LN2(x1)) */
        literal_norm(&f, b, 1, x, B * T, C, a);
        literal_attention(&f, b, a, B, T, C, diag_mask, x1);
        for (int64_t i = 0; i < n; i++) x1[i] += x[i];
        literal_norm(&f, b, 2, x1, B * T, C, a);
        literal_mlp(&f, b, a, B * T, C, widths, count, y);
        for (int64_t i = 0; i < n; i++) y[i] += x1[i];
    } else { /* x1 = LN1(x + Attn(x)); y = LN2(x1 + MLP(x1)) */
        literal_attention(&f, b, x, B, T, C, diag_mask, a);
        for (int64_t i = 0; i < n; i++) a[i] += x[i];
        literal_norm(&f, b, 1, a, B * T, C, x1);
        literal_mlp(&f, b, x1, B * T, C, widths, count, a);
        for (int64_t i = 0; i < n; i++) a[i] += x1[i];
        literal_norm(&f, b, 2, a, B * T, C, y);
    }
    for (int64_t i = 0; i < n; i++)
        cr_expect(fabs(f.y[i] - y[i]) <= 1e-5 * (1.0 + fabs(y[i])),
                  "%s: y[%lld] = %.7g, literal %.7g", c->label, (long long)i, (double)f.y[i],
                  y[i]);
    free(x);
    free(a);
    free(x1);
    free(y);
    layer_fixture_free(&f);
}

Test(encoder, forward_matches_literal_block)
{
    const int64_t base[] = {12, 8}, three[] = {5, 7, 8};
    const literal_block pre = {0, VB_ACT_GELU, 0, 2, 3, 1e-5};
    const literal_block pre_last = {0, VB_ACT_GELU, 1, 2, 3, 1e-5};
    const literal_block pre_tanh = {0, VB_ACT_GELU_TANH, 0, 2, 3, 1e-5};
    const literal_block qiita = {1, VB_ACT_RELU, 0, 2, 2, 1e-6};
    layer_case last_act_eval = *find_case("three-Dense MLP, GELU after the last too");
    last_act_eval.training = 0;
    expect_literal_forward(find_case("pre-norm"), &pre, base, 2, 0);
    expect_literal_forward(find_case("LSA mask and temperature"), &pre, base, 2, 1);
    expect_literal_forward(find_case("no qkv or output bias"), &pre, base, 2, 0);
    expect_literal_forward(find_case("tanh-GELU MLP"), &pre_tanh, base, 2, 0);
    expect_literal_forward(&last_act_eval, &pre_last, three, 3, 0);
    expect_literal_forward(find_case("post-norm (Qiita)"), &qiita, base, 2, 0);
}

/* Keras CCT: 64 tokens of 128, 2 heads with key_dim 128, MLP [128, 128] GELU after both. */
Test(encoder, keras_cct_counts_and_state)
{
    const layer_case cct = {"keras cct",
                            "[encoder]\nheads = 2\nkey_dim = 128\nmlp = 128, 128\n"
                            "mlp_last_activation = yes\nattn_dropout = 0.1\nmlp_dropout = 0.1\n",
                            (vb_shape){8, 8, 128}, 1, 0, 0};
    layer_fixture f;
    layer_fixture_make(&f, &cct);
    vb_counts k;
    memset(&k, 0, sizeof k);
    f.layer.kind->count(&f.layer, &k);
    cr_expect_eq(k.params[VB_COMP_ATTENTION], 3 * (128 * 256 + 256) + 256 * 128 + 128);
    cr_expect_eq(k.params[VB_COMP_ATTENTION], 131968);
    cr_expect_eq(k.params[VB_COMP_MLP], 2 * (128 * 128 + 128));
    cr_expect_eq(k.params[VB_COMP_NORM], 4 * 128);
    cr_expect_eq((int64_t)vb_param_block_numel(&f.params), 131968 + 33024 + 512);
    cr_expect_eq(k.macs[VB_COMP_ATTENTION], 64.0 * 128 * 768 + 64.0 * 256 * 128);
    cr_expect_eq(k.macs[VB_COMP_MLP], 2 * 64.0 * 128 * 128);
    cr_expect_eq(k.attn_matmul_macs, 2 * 2 * 64.0 * 64 * 128);
    cr_expect_eq(k.softmax_norm_ops, 2 * 64.0 * 64 + 2 * 64.0 * 128);
    /* Batch 128, rows = 8192: kept 4·rows + 3·rows·128 + rows·(768 + 256) + 128·2·64·64
     * + 3·rows·128 (two pre-activations, one hidden); scratch 2·rows·128 + rows·768
     * + 2·rows·256. */
    const size_t rows = 8192;
    const size_t kept = 4 * rows + 3 * rows * 128 + rows * 1024 + 128 * 2 * 64 * 64 +
                        3 * rows * 128;
    const size_t scratch = 2 * rows * 128 + rows * 768 + 2 * rows * 256;
    cr_expect_eq(f.layer.kind->state_floats(&f.layer, 128), kept + scratch);
    cr_expect_eq(kept + scratch, (size_t)28344320);
    layer_fixture_free(&f);
}

/* ---- repeated sections through the model driver ---------------------------------- */

/* 3 tokens × 4 per image; the model's "classes" are the 12 output values of the last block. */
#define MODEL "[model]\nname = deep\ninput = 3x1x4\nclasses = 12\n"
#define BATCH 6 /* enough samples that some drop-path branches are dropped */

static double model_loss(vb_model *m, vb_run *r, const float *images, const float *w)
{
    const float *logits;
    cr_assert_eq(vb_model_forward(m, r, images, &logits), 0, "%s", r->err);
    double loss = 0.0;
    for (int64_t i = 0; i < m->batch * m->classes; i++) loss += (double)w[i] * logits[i];
    return loss;
}

/* Central differences on a few entries of every parameter of an allocated model, in
 * training mode; the first block runs its backward with dx NULL. */
static void check_model_gradients(vb_model *m, vb_run *r)
{
    float images[BATCH * 12], w[BATCH * 12];
    for (int i = 0; i < BATCH * 12; i++) {
        images[i] = 2.0f * vb_uniform(1, (uint64_t)i) - 1.0f;
        w[i] = 2.0f * vb_uniform(2, (uint64_t)i) - 1.0f;
    }
    vb_param_block_zero_grad(&m->params);
    model_loss(m, r, images, w);
    cr_assert_eq(vb_model_backward(m, r, w), 0, "%s", r->err);
    const float h = 1e-2f;
    for (int p = 0; p < m->params.count; p++) {
        const size_t n = m->params.params[p].numel, step = n > 5 ? n / 5 : 1;
        float *v = vb_param_data(&m->params, p);
        const float *g = vb_param_grad(&m->params, p);
        for (size_t i = 0; i < n; i += step) {
            const float v0 = v[i];
            v[i] = v0 + h;
            const double up = model_loss(m, r, images, w);
            v[i] = v0 - h;
            const double down = model_loss(m, r, images, w);
            v[i] = v0;
            const double fd = (up - down) / (2.0 * h);
            cr_expect(fabs(fd - g[i]) <= 1e-3 + 1e-2 * fmax(fabs(fd), fabs(g[i])),
                      "%s[%zu]: backward %.7g, finite difference %.7g",
                      m->params.params[p].name, i, (double)g[i], fd);
        }
    }
}

/* Parses, allocates and initialises a model; r runs it on the reference backend (returned,
 * for vb_backend_unload) in training mode. */
static vb_loaded_backend *make_model(vb_model *m, vb_run *r, const char *text)
{
    char err[512];
    cr_assert_eq(vb_model_parse(m, "deep.cfg", text, err, sizeof err), 0, "%s", err);
    cr_assert_eq(vb_model_alloc(m, BATCH), 0);
    vb_model_init_params(m, 5);
    vb_loaded_backend *be = vb_backend_load("reference", 1, err, sizeof err);
    cr_assert_not_null(be, "%s", err);
    *r = (vb_run){.backend = be, .params = &m->params, .training = 1, .seed = 99};
    return be;
}

Test(encoder, stochastic_depth_over_depth)
{
    vb_model m;
    vb_run r;
    vb_loaded_backend *be = make_model(
        &m, &r,
        MODEL "[encoder]\ndepth = 3\nheads = 2\nkey_dim = 3\nmlp = 8, 4\n"
              "stochastic_depth = 0.5\nattn_dropout = 0.1\nmlp_dropout = 0.1\n");
    cr_assert_eq(m.count, 3);
    cr_expect_geq(vb_param_block_find(&m.params, "encoder.2.attn.qkv.weight"), 0);
    const float rates[] = {0.0f, 0.25f, 0.5f}; /* linspace(0, 0.5, 3) */
    int dropped = 0; /* branches the masks drop: the check must cover some */
    for (int i = 0; i < 3; i++) {
        const enc_config *c = m.layers[i].priv;
        cr_expect_float_eq(c->drop_path, rates[i], 1e-7, "block %d", i);
        for (int tag = ENC_TAG_ATTN_PATH; tag <= ENC_TAG_MLP_PATH; tag++)
            for (int b = 0; b < BATCH; b++)
                dropped += !vb_keep(vb_run_seed(&r, i, tag), (uint64_t)b, rates[i]);
    }
    cr_expect_gt(dropped, 0);
    cr_expect_lt(dropped, 4 * BATCH);
    check_model_gradients(&m, &r);
    vb_backend_unload(be);
    vb_model_free(&m);
}

Test(encoder, post_norm_stack)
{
    vb_model m;
    vb_run r;
    vb_loaded_backend *be = make_model(
        &m, &r,
        MODEL "[encoder]\ndepth = 2\nnorm = post\nheads = 2\nkey_dim = 2\nmlp = 8, 4\n"
              "attn_out_dropout = 0.1\nmlp_dropout = 0.1\nmlp_dropout_after = last\n"
              "diag_mask = yes\ntemperature = learnable\n");
    check_model_gradients(&m, &r);
    vb_backend_unload(be);
    vb_model_free(&m);
}

/* ---- rejects ----------------------------------------------------------------------- */

Test(encoder, rejects)
{
    const vb_shape one = {1, 1, 4};
    check_layer_rejects("[encoder]\nkey_dim = 3\nmlp = 4\n", tokens, "heads");
    check_layer_rejects("[encoder]\nheads = 0\nkey_dim = 3\nmlp = 4\n", tokens, "heads");
    check_layer_rejects("[encoder]\nheads = 2\nmlp = 4\n", tokens, "key_dim");
    check_layer_rejects("[encoder]\nheads = 2\nkey_dim = 3\n", tokens, "mlp");
    check_layer_rejects("[encoder]\nheads = 2\nkey_dim = 3\nmlp = 8, 5\n", tokens, "mlp");
    check_layer_rejects("[encoder]\nheads = 2\nkey_dim = 3\nmlp = 1,2,3,4,5,6,7,8,4\n", tokens,
                        "mlp");
    check_layer_rejects(BLOCK "norm = sandwich\n", tokens, "norm");
    check_layer_rejects(BLOCK "norm = post\nstochastic_depth = 0.1\n", tokens,
                        "stochastic_depth");
    check_layer_rejects(BLOCK "stochastic_depth = 1\n", tokens, "stochastic_depth");
    check_layer_rejects(BLOCK "diag_mask = yes\n", one, "diag_mask");
    check_layer_rejects(BLOCK "attn_dropout = 1\n", tokens, "attn_dropout");
    check_layer_rejects(BLOCK "attn_out_dropout = -0.1\n", tokens, "attn_out_dropout");
    check_layer_rejects(BLOCK "mlp_dropout = 2\n", tokens, "mlp_dropout");
    check_layer_rejects(BLOCK "temperature = warm\n", tokens, "temperature");
    check_layer_rejects(BLOCK "mlp_activation = tanh\n", tokens, "mlp_activation");
    check_layer_rejects(BLOCK "mlp_dropout_after = first\n", tokens, "mlp_dropout_after");
    check_layer_rejects(BLOCK "init = trunc_normal\ninit_scale = 4\n", tokens, "init_scale");
    check_layer_rejects(BLOCK "init = he_normal\n", tokens, "init");
    check_layer_rejects(BLOCK "eps = 0\n", tokens, "eps");
    check_layer_rejects(BLOCK "qkv_bias = maybe\n", tokens, "qkv_bias");
    check_layer_rejects(BLOCK "hedas = 2\n", tokens, "hedas");
}
