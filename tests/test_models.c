/* Shipped model descriptions: they load, their parameter counts are the published ones,
 * their MACs match the CCT paper's table (counted as its ptflops run counted them), the
 * Keras CCT starts from Keras' initialisers, and every ablation switch provably changes
 * what the model computes. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "vitbench/loader.h"
#include "vitbench/model.h"
#include "vitbench/rng.h"

#define MODEL(name) VB_SRCDIR "/suites/models/" name ".cfg"

static char err[1024];

static vb_counts count_of(const char *path, int64_t classes)
{
    vb_model m;
    vb_model_opts opts = {.classes = classes};
    cr_assert_eq(vb_model_load_opts(&m, path, &opts, err, sizeof err), 0, "%s", err);
    vb_counts c;
    vb_model_count(&m, &c);
    vb_model_free(&m);
    return c;
}

/* ---- exact counts from the seeds ---------------------------------------------------- */

static void expect_params(const char *name, int64_t want)
{
    char path[512];
    snprintf(path, sizeof path, MODEL("%s"), name);
    vb_counts c = count_of(path, 0);
    cr_expect_eq(vb_counts_params(&c), want, "%s: %lld parameters, the source says %lld",
                 name, (long long)vb_counts_params(&c), (long long)want);
}

Test(counts, seed_models_exactly)
{
    expect_params("keras_cct", 408139); /* its 64x128 position table is a constant */
    expect_params("keras_cct_keras3", 416331);
    expect_params("qiita_vit", 150858);
    expect_params("qiita_vit_cls", 150858);
    expect_params("vit_base", 87535882);
    expect_params("vit_large", 306666506);
    expect_params("vit_huge", 636435210);
}

/* ---- the CCT paper's table, to its printed precision ---------------------------------- */

/* MACs as the table's counter (ptflops on the CCT repository's modules) saw them: dense
 * and conv multiply-adds plus the values through nn.ReLU and nn.MaxPool2d modules; the
 * attention matmuls, softmax and GELU are functional calls it does not hook. */
typedef struct paper_row {
    const char *name;
    double params_m; /* millions, 3 decimals */
    double macs_g;   /* G, 3 decimals */
} paper_row;

static const paper_row cct_table[] = {
    {"vit_lite_7_4", 3.717, 0.239}, {"vit_lite_6_4", 3.191, 0.205}, {"cvt_7_4", 3.717, 0.236},
    {"cvt_6_4", 3.190, 0.202},      {"cct_2_3x2", 0.284, 0.033},    {"cct_4_3x2", 0.482, 0.046},
    {"cct_6_3x2", 3.327, 0.241},    {"cct_7_3x2", 3.853, 0.275},    {"cct_7_3x1", 3.760, 0.947},
    {"cct_6_3x1", 3.168, 0.813},
};

Test(counts, cct_paper_table_for_10_and_100_classes)
{
    for (size_t i = 0; i < sizeof cct_table / sizeof cct_table[0]; i++) {
        const paper_row *row = &cct_table[i];
        char path[512];
        snprintf(path, sizeof path, MODEL("%s"), row->name);
        vb_counts c = count_of(path, 10);
        double params_m = round(vb_counts_params(&c) / 1e3) / 1e3;
        double macs_g = round(vb_counts_macs_ptflops(&c, VB_ACTIVATIONS_FUNCTIONAL) / 1e6) / 1e3;
        cr_expect(fabs(params_m - row->params_m) < 1e-9, "%s: %.3fM parameters, paper %.3fM",
                  row->name, params_m, row->params_m);
        cr_expect(fabs(macs_g - row->macs_g) < 1e-9, "%s: %.3fG MACs, paper %.3fG", row->name,
                  macs_g, row->macs_g);
        /* 100 classes: only the classifier grows, by 90 rows of (dim + 1). */
        vb_counts c100 = count_of(path, 100);
        cr_expect_eq(vb_counts_params(&c100) - vb_counts_params(&c),
                     90 * (c.params[VB_COMP_HEAD] / 10), "%s with 100 classes", row->name);
    }
}

/* The SPT/LSA README's FLOPs (Tiny-ImageNet models): ptflops 0.6.8-0.6.9 hooks on the
 * official modules plus the attention matmuls. ViT: 174,921,216 dense MACs + 7,304 bias
 * features (patch 192, 9 x (out 192 + MLP 384 + 192), head 200) + 224,640 nn.GELU values
 * (9 x 65 x 384) + 14,601,600 for QKᵀ and AV (9 x 2 x 12 x 65 x 65 x 16) = 189,754,760
 * (189.8M); SL-ViT adds 9,437,184 for SPT's 960-wide patches: 199,191,944 (199.2M). */
Test(counts, spt_lsa_readme_flops)
{
    vb_counts vit = count_of(MODEL("spt_lsa_paper_vit_tiny_imagenet"), 0);
    vb_counts sl = count_of(MODEL("spt_lsa_paper_sl_vit_tiny_imagenet"), 0);
    cr_expect_eq(vb_counts_macs_ptflops(&vit, VB_ACTIVATIONS_MODULES) + vit.attn_matmul_macs,
                 189754760.0);
    cr_expect_eq(vb_counts_macs_ptflops(&sl, VB_ACTIVATIONS_MODULES) + sl.attn_matmul_macs,
                 199191944.0);
}

Test(counts, keras_cct_differs_from_cct_2_3x2_in_attention)
{
    vb_counts keras = count_of(MODEL("keras_cct_keras3"), 0),
              paper = count_of(MODEL("cct_2_3x2"), 0);
    /* key_dim 128 per head doubles q/k/v/out widths (2·128 = 256 instead of 128) */
    cr_expect_gt(keras.params[VB_COMP_ATTENTION], paper.params[VB_COMP_ATTENTION] * 3 / 2);
    cr_expect_eq(keras.params[VB_COMP_TOKENIZER], paper.params[VB_COMP_TOKENIZER]);
    cr_expect_eq(keras.params[VB_COMP_POSITION], paper.params[VB_COMP_POSITION]);
}

Test(counts, every_shipped_model_loads)
{
    static const char *const names[] = {
        "keras_cct", "keras_cct_keras3", "qiita_vit", "qiita_vit_cls", "vit_base", "vit_large",
        "vit_huge",
        "keras_vit_small_ds_vanilla", "keras_vit_small_ds_spt", "keras_vit_small_ds_lsa",
        "keras_vit_small_ds_spt_lsa", "cct_2_3x2", "cct_4_3x2", "cct_6_3x2", "cct_7_3x2",
        "cct_6_3x1", "cct_7_3x1", "cct_7_7x2", "cct_14_7x2", "vit_lite_7_4", "vit_lite_6_4",
        "vit_lite_7_8", "cvt_7_4", "cvt_6_4", "spt_lsa_paper_vit", "spt_lsa_paper_sl_vit",
        "spt_lsa_paper_vit_tiny_imagenet", "spt_lsa_paper_sl_vit_tiny_imagenet"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, MODEL("%s"), names[i]);
        vb_counts c = count_of(path, 0);
        cr_expect_gt(vb_counts_params(&c), 0, "%s", names[i]);
    }
}

/* ---- sizes are bounded ---------------------------------------------------------------- */

/* A model of one [model] section with `input` and the given layers must be refused with
 * an error at `line` holding every needle. */
static void refused(const char *input, const char *layers, int line, const char *needle,
                    const char *needle2)
{
    char text[1024], want[32];
    snprintf(text, sizeof text, "[model]\nname = big\ninput = %s\nclasses = 10\n%s", input,
             layers);
    vb_model m;
    cr_assert_eq(vb_model_parse(&m, "big.cfg", text, err, sizeof err), -1, "accepted:\n%s", text);
    snprintf(want, sizeof want, "big.cfg:%d: ", line);
    cr_expect_eq(strncmp(err, want, strlen(want)), 0, "'%s' is not at line %d", err, line);
    cr_expect(strstr(err, needle) && strstr(err, needle2), "'%s' lacks '%s' or '%s'", err,
              needle, needle2);
    cr_expect_null(strchr(err, '\n'), "more than one line: %s", err);
}

/* Every size a description gives is bounded, and the totals built from them are checked,
 * so a huge model is an error naming the key, never a wrapped (negative) count. */
Test(sizes, huge_models_are_errors_not_wrapped_counts)
{
    static const char head[] = "[flatten]\n[dense]\nunits = classes\n";
    refused("2147483647x2147483647x3", head, 3, "key 'input'", "out of range");
    refused("65536x65536x1048576", head, 3, "key 'input'", "too large");
    refused("32x32x3", "[conv]\nfilters = 2147483647\nsize = 3\n", 6, "key 'filters'",
            "out of range [1, 1048576]");
    refused("32x32x3", "[conv]\nfilters = 8\nsize = 3\nstride = 9223372036854775807\n", 8,
            "key 'stride'", "out of range");
    refused("32x32x3", "[zeropad]\npad = 9223372036854775807\n", 6, "key 'pad'",
            "out of range");
    refused("1x1x1048576", "[dense]\nunits = 1048576\n[dense]\nunits = classes\n", 5,
            "[dense] cannot declare the parameters of dense.0", "too large");
    refused("256x256x3",
            "[patches]\nsize = 1\n[encoder]\nheads = 4096\nkey_dim = 1\nmlp = 3\n"
            "[flatten]\n[dense]\nunits = classes\n",
            7, "encoder.0: state of", "too large");
}

/* The model's name becomes folder names (results/train/NAME.RECIPE.seedS): a path, an
 * empty or a hidden name is refused at its line, never written outside the folder. */
Test(names, only_letters_digits_underscore_and_dash)
{
    static const char *const bad[] = {"../../etc/x", "", "a/b", ".hidden", "two words"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "[model]\nname = %s\ninput = 8x8x1\nclasses = 2\n"
                 "[flatten]\n[dense]\nunits = classes\n", bad[i]);
        vb_model m;
        cr_assert_eq(vb_model_parse(&m, "n.cfg", text, err, sizeof err), -1, "'%s' accepted",
                     bad[i]);
        cr_expect(strstr(err, "n.cfg:2: [model] key 'name'") &&
                  strstr(err, "letters, digits, '_' and '-'"), "%s", err);
    }
    vb_model m;
    cr_assert_eq(vb_model_parse(&m, "n.cfg",
                                "[model]\nname = vit_lite-7_4\ninput = 8x8x1\nclasses = 2\n"
                                "[flatten]\n[dense]\nunits = classes\n",
                                err, sizeof err),
                 0, "%s", err);
    vb_model_free(&m);
}

/* The memory a batch needs saturates instead of wrapping to a few bytes. */
Test(sizes, model_bytes_never_wrap)
{
    vb_model m;
    cr_assert_eq(vb_model_load(&m, MODEL("cct_2_3x2"), err, sizeof err), 0, "%s", err);
    size_t most = vb_model_bytes(&m, VB_BATCH_MAX);
    cr_expect(most > vb_model_bytes(&m, VB_BATCH_MAX / 2) && most < SIZE_MAX);
    cr_expect_eq(vb_model_bytes(&m, (int64_t)1 << 62), SIZE_MAX);
    cr_expect_eq(vb_model_alloc(&m, (int64_t)1 << 62), -1);
    vb_model_free(&m);
}

/* ---- keras_cct starts where the Keras example starts -------------------------------- */

typedef enum { KERAS_UNIFORM, KERAS_HE_NORMAL } keras_init;

typedef struct init_row {
    const char *name;
    keras_init kind;
    double scale; /* uniform: the limit a of U(−a, a); he_normal: sqrt(2 / fan_in) */
} init_row;

/* Keras' fans for MultiHeadAttention's 3-D kernels (_compute_fans: receptive field =
 * product of all but the last two axes): query/key/value (in 128, heads 2, key_dim 128)
 * → fan_in 2·128, fan_out 128·128; output (2, 128, out 128) → 128·2 and 128·2. */
static const init_row keras_cct_init[] = {
    {"conv.0.weight", KERAS_HE_NORMAL, 0.2721655},             /* sqrt(2 / 27) */
    {"conv.1.weight", KERAS_HE_NORMAL, 0.0589256},             /* sqrt(2 / 576) */
    {"posemb.0.table", KERAS_UNIFORM, 0.05},                   /* Embedding: U(±0.05) */
    {"encoder.0.attn.qkv.weight", KERAS_UNIFORM, 0.0189889},   /* sqrt(6 / (256 + 16384)) */
    {"encoder.1.attn.out.weight", KERAS_UNIFORM, 0.1082532},   /* sqrt(6 / (256 + 256)) */
    {"encoder.0.mlp.0.weight", KERAS_UNIFORM, 0.1530931},      /* sqrt(6 / (128 + 128)) */
    {"encoder.1.mlp.1.weight", KERAS_UNIFORM, 0.1530931},
    {"seqpool.0.weight", KERAS_UNIFORM, 0.2156655},            /* sqrt(6 / (128 + 1)) */
    {"dense.0.weight", KERAS_UNIFORM, 0.2085144},              /* sqrt(6 / (128 + 10)) */
};

static void expect_keras_init(const init_row *row, const float *w, int64_t n)
{
    double sum2 = 0, top = 0;
    for (int64_t i = 0; i < n; i++) {
        sum2 += (double)w[i] * w[i];
        top = fmax(top, fabs(w[i]));
    }
    /* he_normal: a normal of σ = scale / 0.8796 cut at 2σ, whose std is scale again. */
    double bound = row->kind == KERAS_UNIFORM ? row->scale : 2.0 * row->scale / 0.87962566;
    double want_std = row->kind == KERAS_UNIFORM ? row->scale / sqrt(3.0) : row->scale;
    double std = sqrt(sum2 / (double)n);
    /* The sample std of n draws errs by ≈ 0.6/√n relative (both laws' kurtosis < 2.5), so
     * 3/√n is 5 standard errors; the largest of n ≥ 128 draws lies within 10% of the bound
     * except with probability < 1e-5, while a wrong fan moves both by ×√2 or more. */
    cr_expect_leq(top, bound * (1 + 1e-6), "%s: |w| up to %g, Keras' bound %g", row->name,
                  top, bound);
    cr_expect_geq(top, bound * 0.9, "%s: |w| only up to %g, Keras' bound %g", row->name, top,
                  bound);
    cr_expect_leq(fabs(std / want_std - 1), 3 / sqrt((double)n), "%s: std %g, Keras' %g",
                  row->name, std, want_std);
}

Test(init, keras_cct_draws_from_keras_initialisers)
{
    vb_model m;
    cr_assert_eq(vb_model_load(&m, MODEL("keras_cct"), err, sizeof err), 0, "%s", err);
    cr_assert_eq(vb_model_alloc(&m, 1), 0);
    vb_model_init_params(&m, 11);
    for (size_t r = 0; r < sizeof keras_cct_init / sizeof keras_cct_init[0]; r++) {
        int i = vb_param_block_find(&m.params, keras_cct_init[r].name);
        cr_assert_geq(i, 0, "keras_cct has no parameter %s", keras_cct_init[r].name);
        expect_keras_init(&keras_cct_init[r], vb_param_data(&m.params, i),
                          (int64_t)m.params.params[i].numel);
    }
    /* Dense/MHA biases and LayerNorm shifts start at 0, LayerNorm gains at 1. */
    for (int i = 0; i < m.params.count; i++) {
        const vb_param *p = &m.params.params[i];
        const char *suffix = strrchr(p->name, '.');
        if (strcmp(suffix, ".bias") && strcmp(suffix, ".beta") && strcmp(suffix, ".gamma"))
            continue;
        float constant = strcmp(suffix, ".gamma") ? 0.0f : 1.0f;
        const float *w = vb_param_data(&m.params, i);
        for (size_t j = 0; j < p->numel; j++)
            cr_expect_eq(w[j], constant, "%s[%zu] = %g, Keras starts at %g", p->name, j, w[j],
                         constant);
    }
    vb_model_free(&m);
}

/* ---- ablation switches change the computation --------------------------------------- */

/* A tiny ViT in the shape of seed 002, with one switch's text spliced in. */
static const char *tiny_vit(char *buf, size_t len, const char *tokenizer, const char *pos,
                            const char *attention, const char *readout)
{
    snprintf(buf, len,
             "[model]\nname = tiny\ninput = 8x8x3\nclasses = 5\n"
             "%s\n[dense]\nunits = 16\n%s\n"
             "[encoder]\ndepth = 2\nheads = 2\nkey_dim = 8\nmlp = 32, 16\n%s\n"
             "[layernorm]\n%s\n[dense]\nunits = classes\n",
             tokenizer, pos, attention, readout);
    return buf;
}

/* Forward of a model built from text, on the reference backend, eval mode. */
static void forward(const char *text, float *logits, float tau)
{
    vb_model m;
    cr_assert_eq(vb_model_parse(&m, "tiny.cfg", text, err, sizeof err), 0, "%s", err);
    cr_assert_eq(vb_model_alloc(&m, 2), 0);
    vb_model_init_params(&m, 3);
    for (int i = 0; i < m.params.count; i++)
        if (strstr(m.params.params[i].name, ".attn.tau")) vb_param_data(&m.params, i)[0] = tau;
    vb_loaded_backend *b = vb_backend_load("reference", 1, err, sizeof err);
    cr_assert_not_null(b);
    float images[2 * 8 * 8 * 3];
    for (int i = 0; i < 2 * 8 * 8 * 3; i++) images[i] = vb_uniform(9, (uint64_t)i);
    vb_run r = {.backend = b};
    const float *out;
    cr_assert_eq(vb_model_forward(&m, &r, images, &out), 0, "%s", r.err);
    memcpy(logits, out, 2 * 5 * sizeof(float));
    vb_backend_unload(b);
    vb_model_free(&m);
}

static void expect_differs(const char *what, const char *off, const char *on, float tau)
{
    float a[10], b[10];
    forward(off, a, tau);
    forward(on, b, tau);
    double diff = 0;
    for (int i = 0; i < 10; i++) diff = fmax(diff, fabs(a[i] - b[i]));
    cr_expect_gt(diff, 1e-4, "turning on %s did not change the output", what);
}

#define PATCHES "[patches]\nsize = 4\n"
#define SPT "[shifted_patches]\nsize = 4\n[layernorm]\n"
#define POS "[posemb]\nkind = learnable\n"
#define NO_POS "[posemb]\nkind = none\n"
#define PLAIN "diag_mask = no\ntemperature = fixed\n"
#define SEQPOOL "[seqpool]\n"
#define CLS_READOUT "[token]\nindex = 0\n"

Test(ablation, every_switch_changes_the_forward_output)
{
    char off[2048], on[2048];
    tiny_vit(off, sizeof off, PATCHES, POS, PLAIN, SEQPOOL);
    expect_differs("SPT", off, tiny_vit(on, sizeof on, SPT, POS, PLAIN, SEQPOOL), 0);
    expect_differs("the LSA diagonal mask", off,
                   tiny_vit(on, sizeof on, PATCHES, POS, "diag_mask = yes\n", SEQPOOL), 0);
    /* A learnable temperature starts at sqrt(key_dim) — the fixed scale — so it changes
     * the output once it moves: set it to 2·sqrt(8). */
    expect_differs("the LSA learnable temperature", off,
                   tiny_vit(on, sizeof on, PATCHES, POS, "temperature = learnable\n", SEQPOOL),
                   2.0f * sqrtf(8.0f));
    tiny_vit(off, sizeof off, PATCHES, NO_POS, PLAIN, SEQPOOL);
    expect_differs("the position embedding", off,
                   tiny_vit(on, sizeof on, PATCHES, POS, PLAIN, SEQPOOL), 0);
    tiny_vit(off, sizeof off, PATCHES, "[class_token]\n" POS, PLAIN, CLS_READOUT);
    expect_differs("sequence pooling (vs the class token)", off,
                   tiny_vit(on, sizeof on, PATCHES, "[class_token]\n" POS, PLAIN, SEQPOOL), 0);
}

/* ---- data-parallel slices draw the whole batch's dropout masks ------------------------ */

#define SLICE_BATCH 4
#define SLICE_LOGITS (SLICE_BATCH * 5)

/* Training-mode logits of images [first, first + n) of a batch of SLICE_BATCH, the slice
 * told it starts at sample `told_first`, every dropout kind on, on the reference backend. */
static void training_logits(int64_t first, int64_t n, int64_t told_first, float *logits)
{
    char text[2048];
    tiny_vit(text, sizeof text, PATCHES, POS,
             PLAIN "attn_dropout = 0.3\nattn_out_dropout = 0.3\nmlp_dropout = 0.3\n"
                   "stochastic_depth = 0.5\n",
             SEQPOOL "[dropout]\nrate = 0.3\n");
    vb_model m;
    cr_assert_eq(vb_model_parse(&m, "tiny.cfg", text, err, sizeof err), 0, "%s", err);
    cr_assert_eq(vb_model_alloc(&m, n), 0);
    vb_model_init_params(&m, 3);
    vb_loaded_backend *b = vb_backend_load("reference", 1, err, sizeof err);
    cr_assert_not_null(b);
    float images[SLICE_BATCH * 8 * 8 * 3];
    for (int i = 0; i < SLICE_BATCH * 8 * 8 * 3; i++) images[i] = vb_uniform(9, (uint64_t)i);
    vb_run r = {.backend = b, .training = 1, .seed = 77, .first_sample = told_first};
    const float *out;
    cr_assert_eq(vb_model_forward(&m, &r, images + first * 8 * 8 * 3, &out), 0, "%s", r.err);
    memcpy(logits, out, (size_t)(n * 5) * sizeof(float));
    vb_backend_unload(b);
    vb_model_free(&m);
}

Test(data_parallel, slices_draw_the_whole_batchs_dropout_masks)
{
    float whole[SLICE_LOGITS], sliced[SLICE_LOGITS], misplaced[SLICE_LOGITS];
    training_logits(0, SLICE_BATCH, 0, whole);
    training_logits(0, 2, 0, sliced);
    training_logits(2, 2, 2, sliced + 10);
    training_logits(2, 2, 0, misplaced + 10); /* the second slice, told it starts at 0 */
    double diff = 0, misplaced_diff = 0;
    for (int i = 10; i < SLICE_LOGITS; i++)
        misplaced_diff = fmax(misplaced_diff, fabs(misplaced[i] - whole[i]));
    for (int i = 0; i < SLICE_LOGITS; i++) diff = fmax(diff, fabs(sliced[i] - whole[i]));
    /* The reference computes every sample's row on its own: the same bits either way. */
    cr_expect_eq(diff, 0.0, "two slices differ from the whole batch by %g", diff);
    cr_expect_gt(misplaced_diff, 1e-4, "the slice's offset changes nothing: masks unchecked");
}
