/* The sequence layers: dense, layernorm, dropout, flatten, token, posemb, class_token and
 * seqpool. Every case is checked against finite differences and for accumulation; a few
 * tests pin values the gradient checks cannot see (which token, which table, counts). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <string.h>
#include "layer_check.h"

#define TOKENS(t, c) ((vb_shape){(t), 1, (c)})

static layer_case cases[] = {
    /* dense: tokens, vectors, images (last axis), every activation and init */
    {"dense", "[dense]\nunits = 5\n", TOKENS(4, 3), 2, 0, 0},
    {"dense no bias", "[dense]\nunits = 3\nbias = no\n", TOKENS(4, 6), 2, 0, 0},
    {"dense relu", "[dense]\nunits = 5\nactivation = relu\n", TOKENS(3, 4), 2, 0, 0},
    {"dense gelu", "[dense]\nunits = 4\nactivation = gelu\nbias = no\n", TOKENS(3, 5), 2, 0,
     0},
    {"dense gelu_tanh", "[dense]\nunits = 4\nactivation = gelu_tanh\n", TOKENS(3, 5), 2, 0, 0},
    {"dense vector", "[dense]\nunits = 4\ninit = he_normal\n", TOKENS(1, 6), 3, 0, 0},
    {"dense image", "[dense]\nunits = 2\ninit = kaiming_normal\n", (vb_shape){2, 3, 4}, 2, 0,
     0},
    {"dense trunc_normal", "[dense]\nunits = 3\ninit = trunc_normal\ninit_scale = 0.3\n",
     TOKENS(2, 3), 1, 0, 0},
    /* layernorm */
    {"layernorm", "[layernorm]\n", TOKENS(5, 8), 2, 0, 0},
    {"layernorm eps 1e-6", "[layernorm]\neps = 1e-6\n", (vb_shape){2, 2, 6}, 2, 0, 0},
    /* dropout: the mask is fixed by the step seed, so training is linear in x too */
    {"dropout training", "[dropout]\nrate = 0.3\n", TOKENS(6, 4), 2, 1, 0},
    {"dropout inference", "[dropout]\nrate = 0.3\n", TOKENS(6, 4), 2, 0, 0},
    {"dropout rate 0", "[dropout]\nrate = 0\n", TOKENS(3, 4), 2, 1, 0},
    /* flatten */
    {"flatten tokens", "[flatten]\n", TOKENS(3, 4), 2, 0, 0},
    {"flatten image", "[flatten]\n", (vb_shape){2, 2, 3}, 2, 0, 0},
    /* token */
    {"token first", "[token]\n", TOKENS(4, 3), 2, 0, 0},
    {"token last", "[token]\nindex = -1\n", TOKENS(4, 3), 2, 0, 0},
    {"token 2", "[token]\nindex = 2\n", TOKENS(4, 3), 3, 0, 0},
    /* posemb */
    {"posemb learnable", "[posemb]\n", TOKENS(5, 4), 2, 0, 0},
    {"posemb trunc_normal", "[posemb]\ninit = trunc_normal\n", TOKENS(5, 4), 2, 0, 0},
    {"posemb glorot", "[posemb]\ninit = glorot_uniform\n", TOKENS(3, 4), 2, 0, 0},
    {"posemb frozen", "[posemb]\nkind = frozen\n", TOKENS(5, 4), 2, 0, 0},
    {"posemb sinusoidal", "[posemb]\nkind = sinusoidal\n", TOKENS(5, 6), 2, 0, 0},
    {"posemb none", "[posemb]\nkind = none\n", TOKENS(3, 4), 2, 0, 0},
    /* class_token */
    {"class_token prepend", "[class_token]\n", TOKENS(4, 3), 2, 0, 0},
    {"class_token append", "[class_token]\nposition = append\n", TOKENS(4, 3), 3, 0, 0},
    {"class_token zeros", "[class_token]\ninit = zeros\n", (vb_shape){2, 2, 3}, 2, 0, 0},
    {"class_token trunc_normal", "[class_token]\ninit = trunc_normal\n", TOKENS(2, 5), 2, 0,
     0},
    /* seqpool */
    {"seqpool", "[seqpool]\n", TOKENS(6, 5), 2, 0, 0},
    {"seqpool one token", "[seqpool]\n", TOKENS(1, 4), 3, 0, 0},
    {"seqpool image", "[seqpool]\n", (vb_shape){2, 3, 4}, 2, 0, 0},
};

#define CASE_COUNT (sizeof cases / sizeof cases[0])

/* Test instances run in fresh processes, where the tables' string pointers differ: the
 * parameters are indices into the tables, in Criterion's shared arena. */
static void free_indices(struct criterion_test_params *p)
{
    cr_free(p->params);
}

static struct criterion_test_params indices(size_t n)
{
    size_t *index = cr_malloc(n * sizeof *index);
    for (size_t i = 0; i < n; i++) index[i] = i;
    return cr_make_param_array(size_t, index, n, free_indices);
}

ParameterizedTestParameters(sequence, gradients)
{
    return indices(CASE_COUNT);
}

ParameterizedTest(size_t *i, sequence, gradients)
{
    check_layer_gradients(&cases[*i]);
}

ParameterizedTestParameters(sequence, accumulates)
{
    return indices(CASE_COUNT);
}

ParameterizedTest(size_t *i, sequence, accumulates)
{
    check_layer_accumulates(&cases[*i]);
}

/* ---- bad keys and shapes ------------------------------------------------------------ */

typedef struct reject_case {
    const char *section;
    vb_shape in;
    const char *expect;
} reject_case;

static reject_case rejects[] = {
    {"[dense]\n", TOKENS(4, 3), "test.cfg:1: [dense] missing key 'units'"},
    {"[dense]\nunits = 0\n", TOKENS(4, 3), "test.cfg:2: [dense] key 'units'"},
    {"[dense]\nunits = four\n", TOKENS(4, 3), "test.cfg:2: [dense] key 'units'"},
    {"[dense]\nunits = 4\nactivation = tanh\n", TOKENS(4, 3),
     "test.cfg:3: [dense] key 'activation'"},
    {"[dense]\nunits = 4\ninit = zeros\n", TOKENS(4, 3), "test.cfg:3: [dense] key 'init'"},
    {"[dense]\nunits = 4\nbias = maybe\n", TOKENS(4, 3), "test.cfg:3: [dense] key 'bias'"},
    {"[dense]\nunits = 4\ninit = trunc_normal\ninit_scale = 0\n", TOKENS(4, 3),
     "key 'init_scale'"},
    {"[dense]\nunits = 4\nunit = 4\n", TOKENS(4, 3), "test.cfg:3: [dense] unknown key 'unit'"},
    {"[layernorm]\neps = 0\n", TOKENS(4, 3), "test.cfg:2: [layernorm] key 'eps'"},
    {"[layernorm]\nepsilon = 1e-6\n", TOKENS(4, 3), "unknown key 'epsilon'"},
    {"[dropout]\n", TOKENS(4, 3), "test.cfg:1: [dropout] missing key 'rate'"},
    {"[dropout]\nrate = 1\n", TOKENS(4, 3), "key 'rate'"},
    {"[dropout]\nrate = -0.1\n", TOKENS(4, 3), "key 'rate'"},
    {"[flatten]\naxis = 1\n", TOKENS(4, 3), "test.cfg:2: [flatten] unknown key 'axis'"},
    {"[token]\nindex = 4\n", TOKENS(4, 3), "test.cfg:2: [token] key 'index': 4 is outside"},
    {"[token]\nindex = -5\n", TOKENS(4, 3), "key 'index'"},
    {"[posemb]\nkind = rope\n", TOKENS(4, 3), "test.cfg:2: [posemb] key 'kind'"},
    {"[posemb]\ninit = he_normal\n", TOKENS(4, 3), "test.cfg:2: [posemb] key 'init'"},
    {"[posemb]\nkind = sinusoidal\ninit = zeros\n", TOKENS(4, 3),
     "init and init_scale apply only to kind = learnable"},
    {"[posemb]\ninit_scale = -1\n", TOKENS(4, 3), "key 'init_scale'"},
    /* trunc_normal draws by rejection inside the values ±2: a std of 1e300 never ended */
    {"[posemb]\ninit = trunc_normal\ninit_scale = 1e300\n", TOKENS(4, 3),
     "test.cfg:3: [posemb] key 'init_scale': trunc_normal cuts at the values ±2"},
    {"[class_token]\ninit = trunc_normal\ninit_scale = 2.5\n", TOKENS(4, 3),
     "test.cfg:3: [class_token] key 'init_scale'"},
    {"[seqpool]\ninit = trunc_normal\ninit_scale = 3\n", TOKENS(4, 3),
     "test.cfg:3: [seqpool] key 'init_scale'"},
    {"[class_token]\nposition = middle\n", TOKENS(4, 3),
     "test.cfg:2: [class_token] key 'position'"},
    {"[class_token]\ninit = ones\n", TOKENS(4, 3), "key 'init'"},
    {"[seqpool]\nunits = 1\n", TOKENS(4, 3), "test.cfg:2: [seqpool] unknown key 'units'"},
};

ParameterizedTestParameters(sequence, rejects)
{
    return indices(sizeof rejects / sizeof rejects[0]);
}

ParameterizedTest(size_t *i, sequence, rejects)
{
    check_layer_rejects(rejects[*i].section, rejects[*i].in, rejects[*i].expect);
}

/* ---- values the gradient checks cannot tell apart ----------------------------------- */

static layer_case one(const char *section, vb_shape in, int64_t batch)
{
    return (layer_case){"value check", section, in, batch, 0, 0};
}

/* x[b, t, i] of the fixture's input. */
static float x_at(const layer_fixture *f, int64_t b, int64_t t, int64_t i)
{
    return f->x[(b * vb_shape_tokens(f->layer.in) + t) * f->layer.in.c + i];
}

Test(sequence, token_selects_and_counts_from_the_end)
{
    layer_case c = one("[token]\nindex = -2\n", TOKENS(5, 3), 2);
    layer_fixture f;
    layer_fixture_make(&f, &c);
    layer_fixture_step(&f);
    for (int64_t b = 0; b < 2; b++)
        for (int64_t i = 0; i < 3; i++) cr_expect_eq(f.y[b * 3 + i], x_at(&f, b, 3, i));
    layer_fixture_free(&f);
}

Test(sequence, class_token_appends_after_the_patches)
{
    layer_case c = one("[class_token]\nposition = append\n", TOKENS(2, 3), 2);
    layer_fixture f;
    layer_fixture_make(&f, &c);
    layer_fixture_step(&f);
    cr_assert_eq(f.layer.out.h, 3);
    const float *tok = vb_param_data(&f.params, 0);
    cr_expect_str_eq(f.params.params[0].name, "class_token.0.token");
    for (int64_t b = 0; b < 2; b++)
        for (int64_t i = 0; i < 3; i++) {
            cr_expect_eq(f.y[(b * 3 + 0) * 3 + i], x_at(&f, b, 0, i));
            cr_expect_eq(f.y[(b * 3 + 1) * 3 + i], x_at(&f, b, 1, i));
            cr_expect_eq(f.y[(b * 3 + 2) * 3 + i], tok[i]);
        }
    layer_fixture_free(&f);
}

/* The official CCT table: sin on even channels, cos on odd, t / 10000^(2⌊i/2⌋/C). */
Test(sequence, posemb_sinusoidal_table)
{
    const int64_t T = 7, C = 6;
    layer_case c = one("[posemb]\nkind = sinusoidal\n", TOKENS(T, C), 1);
    layer_fixture f;
    layer_fixture_make(&f, &c);
    layer_fixture_step(&f);
    cr_expect_eq(f.params.count, 0);
    for (int64_t t = 0; t < T; t++)
        for (int64_t i = 0; i < C; i++) {
            double angle = (double)t / pow(10000.0, (double)(2 * (i / 2)) / (double)C);
            double want = x_at(&f, 0, t, i) + (i % 2 ? cos(angle) : sin(angle));
            cr_expect(fabs(f.y[t * C + i] - want) < 1e-6, "t %lld i %lld: %g, want %g",
                      (long long)t, (long long)i, (double)f.y[t * C + i], want);
        }
    layer_fixture_free(&f);
}

Test(sequence, dropout_is_the_identity_outside_training)
{
    layer_case c = one("[dropout]\nrate = 0.5\n", TOKENS(4, 4), 2);
    layer_fixture f;
    layer_fixture_make(&f, &c);
    layer_fixture_step(&f);
    cr_expect_arr_eq(f.y, f.x, 32 * sizeof(float));
    cr_expect_arr_eq(f.dx, f.dy, 32 * sizeof(float));
    layer_fixture_free(&f);
}

Test(sequence, dropout_drops_about_rate_while_training)
{
    layer_case c = {"dropout", "[dropout]\nrate = 0.25\n", TOKENS(64, 64), 2, 1, 0};
    layer_fixture f;
    layer_fixture_make(&f, &c);
    layer_fixture_step(&f);
    int dropped = 0;
    for (int i = 0; i < 2 * 64 * 64; i++) {
        if (f.y[i] == 0.0f) dropped++;
        else cr_expect_float_eq(f.y[i], f.x[i] / 0.75f, 1e-6f);
    }
    cr_expect(dropped > 1900 && dropped < 2200, "dropped %d of 8192", dropped);
    layer_fixture_free(&f);
}

/* Parameters and MACs of each kind, per image, in the buckets they belong to. */
static void counts_of(const char *section, vb_shape in, vb_counts *counts, layer_fixture *f)
{
    layer_case c = one(section, in, 1);
    layer_fixture_make(f, &c);
    memset(counts, 0, sizeof *counts);
    f->layer.kind->count(&f->layer, counts);
    cr_expect_eq((size_t)vb_counts_params(counts), vb_param_block_trainable_numel(&f->params),
                 "%s", section);
}

Test(sequence, counts)
{
    layer_fixture f;
    vb_counts k;
    counts_of("[dense]\nunits = 64\n", TOKENS(64, 48), &k, &f); /* the Qiita ViT's embedding */
    cr_expect_eq(k.params[VB_COMP_TOKENIZER], 3136);
    cr_expect_eq(k.macs[VB_COMP_TOKENIZER], 64.0 * 48 * 64);
    layer_fixture_free(&f);
    counts_of("[layernorm]\n", TOKENS(65, 64), &k, &f);
    cr_expect_eq(k.params[VB_COMP_TOKENIZER], 128);
    cr_expect_eq(k.softmax_norm_ops, 5.0 * 65 * 64);
    layer_fixture_free(&f);
    counts_of("[posemb]\n", TOKENS(65, 64), &k, &f);
    cr_expect_eq(k.params[VB_COMP_POSITION], 65 * 64);
    layer_fixture_free(&f);
    counts_of("[posemb]\nkind = frozen\n", TOKENS(65, 64), &k, &f); /* a constant */
    cr_expect_eq(vb_counts_params(&k), 0);
    cr_expect_eq(vb_param_block_numel(&f.params), 65 * 64);
    layer_fixture_free(&f);
    counts_of("[posemb]\nkind = sinusoidal\n", TOKENS(65, 64), &k, &f);
    cr_expect_eq(vb_counts_params(&k), 0);
    layer_fixture_free(&f);
    counts_of("[class_token]\n", TOKENS(64, 64), &k, &f);
    cr_expect_eq(k.params[VB_COMP_POOL], 64);
    layer_fixture_free(&f);
    counts_of("[seqpool]\n", TOKENS(64, 128), &k, &f); /* the Keras CCT's pooling */
    cr_expect_eq(k.params[VB_COMP_POOL], 129);
    cr_expect_eq(k.macs[VB_COMP_POOL], 2.0 * 64 * 128);
    layer_fixture_free(&f);
    counts_of("[dropout]\nrate = 0.1\n", TOKENS(4, 4), &k, &f);
    cr_expect_eq(vb_counts_macs(&k, VB_MACS_ATTN_MATMULS | VB_MACS_SOFTMAX_NORM), 0.0);
    layer_fixture_free(&f);
}

/* Initial values: ones/zeros where fixed, and the limits of the uniform initialisers. */
Test(sequence, initial_values)
{
    layer_fixture f;
    layer_case ln = one("[layernorm]\n", TOKENS(2, 8), 1);
    layer_fixture_make(&f, &ln);
    for (int i = 0; i < 8; i++) {
        cr_expect_eq(vb_param_data(&f.params, 0)[i], 1.0f);
        cr_expect_eq(vb_param_data(&f.params, 1)[i], 0.0f);
    }
    layer_fixture_free(&f);

    layer_case pe = one("[posemb]\n", TOKENS(16, 16), 1); /* Keras Embedding: U(±0.05) */
    layer_fixture_make(&f, &pe);
    float most = 0;
    for (int i = 0; i < 256; i++) most = fmaxf(most, fabsf(vb_param_data(&f.params, 0)[i]));
    cr_expect(most <= 0.05f && most > 0.04f, "max |table| = %g", (double)most);
    layer_fixture_free(&f);

    layer_case sp = one("[seqpool]\n", TOKENS(4, 24), 1); /* glorot fans (24, 1) */
    layer_fixture_make(&f, &sp);
    float limit = sqrtf(6.0f / 25.0f);
    most = 0;
    for (int i = 0; i < 24; i++) most = fmaxf(most, fabsf(vb_param_data(&f.params, 0)[i]));
    cr_expect(most <= limit && most > 0.5f * limit, "max |weight| = %g", (double)most);
    cr_expect_eq(vb_param_data(&f.params, 1)[0], 0.0f);
    cr_expect_str_eq(f.params.params[1].name, "seqpool.0.bias");
    layer_fixture_free(&f);
}
