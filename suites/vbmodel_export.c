/* vbmodel export: trained weights under the names and layouts of the official code.
 *
 *   vbmodel export MODEL WEIGHTS --format compact-transformers|keras --out FILE
 *                  [--weights best|last] [--classes N]
 *
 * --classes: the classes the run's data had, when they differ from the description's
 * (a CIFAR-100 run of a model described for CIFAR-10); metadata "classes" records the
 * export's.
 *
 * compact-transformers: the PyTorch state_dict of github.com/SHI-Labs/Compact-Transformers
 * (src/cct.py, src/cvt.py, src/vit.py: CCT, CVT, ViT-Lite), for a model in that code's
 * form — conv (+ max-pool) tokenizer or patch conv, learnable or no position embedding,
 * official encoder blocks (norm = cct, GELU MLP of two Dense, no qkv bias), final
 * LayerNorm, sequence pooling or the prepended class token, one classifier. The model's
 * resolved description goes along as metadata "vitbench_model", so that a reader can
 * build the official module with the same sizes (scripts/official-cct.py). Layouts:
 *
 *   ours                           official                                     layout
 *   conv.K.weight (kh,kw,I,O)      tokenizer.conv_layers.K.0.weight (O,I,kh,kw)  HWIO → OIHW
 *   conv.K.bias                    tokenizer.conv_layers.K.0.bias
 *   class_token.0.token (C)        classifier.class_emb (1,1,C)
 *   posemb.0.table (T,C)           classifier.positional_emb (1,T,C)
 *   encoder.i.norm1.*              classifier.blocks.i.pre_norm.{weight,bias}
 *   encoder.i.attn.qkv.weight      classifier.blocks.i.self_attn.qkv.weight     transposed:
 *     (C, 3·H·D), columns [q|k|v]    (3·H·D, C), rows [q|k|v], head-major both  fused both
 *   encoder.i.attn.out.*           classifier.blocks.i.self_attn.proj.*         transposed
 *   encoder.i.norm2.*              classifier.blocks.i.norm1.* (between branches)
 *   encoder.i.mlp.{0,1}.*          classifier.blocks.i.linear{1,2}.*            transposed
 *   layernorm.0.{gamma,beta}       classifier.norm.{weight,bias}
 *   seqpool.0.weight (C), bias     classifier.attention_pool.weight (1,C), bias
 *   dense.0.*                      classifier.fc.*                              transposed
 *
 * keras: the Keras weight names of the seeds' own code, for their models (keras_names.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/cfg.h"
#include "vitbench/safetensors.h"
#include "vitbench/train.h"
#include "cli.h"
#include "keras_names.h"
#include "run_inputs.h"
#include "vbmodel.h"

static const char PROGRAM[] = "vbmodel export";

/* The command line, with its defaults. */
typedef struct export_options {
    const char *model, *weights, *format, *out;
    int last; /* --weights best|last: the choice's index */
    int64_t classes;
} export_options;

static export_options opt;

/* A format: whether the model has a counterpart there (before any weights are read), and
 * its parameters under that format's names, converted into `converted` (the parameter
 * block's size and offsets) and recorded in w. Each 0, or -1 with a one-line message. */
typedef struct export_format {
    const char *name;
    int (*check)(const vb_model *m, char *err, size_t err_len);
    int (*add)(vb_st_writer *w, const vb_model *m, float *converted, char *err, size_t err_len);
} export_format;

static const export_format *find_format(const char *name);

static const cli_option options[] = {
    CLI_REQUIRED_STRING_OPT("--format", "compact-transformers|keras", &opt.format,
                            "the layout: the official CCT code's state_dict, or the Keras "
                            "weight names of the seed's own model"),
    CLI_REQUIRED_STRING_OPT("--out", "FILE", &opt.out, "the safetensors file to write"),
    CLI_CHOICE_OPT("--weights", "best|last", &opt.last,
                   "a checkpoint's kept best weights, or its last ones"),
    CLI_CLASSES(&opt.classes, "the classes the run's data had, when they differ from the "
                              "description's (a CIFAR-100 run of a CIFAR-10 model)"),
    {0}};

const cli_command vbmodel_export_command = {
    .name = "export",
    .summary = "trained weights under the names and layouts of the official code",
    .args = {{"MODEL", &opt.model}, {"WEIGHTS", &opt.weights}},
    .options = options};

static void check_format(const char *format)
{
    if (!find_format(format))
        cli_bad_value(PROGRAM, "--format", "compact-transformers|keras", format);
}

/* ---- the official form -------------------------------------------------------------- */

/* Sections of the official models, and the keys whose value makes the maths theirs
 * ('|' separates the accepted values). */
static const char *const official_sections[] = {
    "model", "conv", "maxpool", "class_token", "posemb", "encoder", "layernorm", "seqpool",
    "token", "dense", NULL};

static const struct { const char *section, *key, *values; } official_keys[] = {
    {"conv", "activation", "relu|none"},
    {"class_token", "position", "prepend"},
    {"posemb", "kind", "learnable|none"},
    {"encoder", "norm", "cct"},
    {"encoder", "eps", "1e-05"},
    {"encoder", "mlp_activation", "gelu"},
    {"encoder", "mlp_last_activation", "no"},
    {"encoder", "diag_mask", "no"},
    {"encoder", "temperature", "fixed"},
    {"layernorm", "eps", "1e-05"},
    {"token", "index", "0"},
};

static int one_of(const char *value, const char *values)
{
    size_t n = strlen(value);
    for (const char *v = values; v; v = strchr(v, '|') ? strchr(v, '|') + 1 : NULL)
        if (strncmp(v, value, n) == 0 && (v[n] == '|' || v[n] == '\0')) return 1;
    return 0;
}

static int known_section(const char *name)
{
    for (int i = 0; official_sections[i]; i++)
        if (strcmp(official_sections[i], name) == 0) return 1;
    return 0;
}

/* 0 when every section of the resolved description is one the official code has, with
 * its maths; else -1 naming the first section or key that differs. */
static int check_official(const vb_model *m, char *err, size_t err_len)
{
    vb_cfg cfg;
    if (vb_cfg_parse(&cfg, m->name, m->config, err, err_len)) return -1;
    int rc = 0;
    for (int i = 0; i < cfg.count && !rc; i++) {
        vb_cfg_section *s = &cfg.sections[i];
        if (!known_section(s->name)) {
            snprintf(err, err_len, "%s: section [%s] has no counterpart in the official code",
                     m->name, s->name);
            rc = -1;
        }
        for (size_t k = 0; k < sizeof official_keys / sizeof official_keys[0] && !rc; k++) {
            const char *v = strcmp(s->name, official_keys[k].section) == 0
                                ? vb_cfg_find(s, official_keys[k].key) : NULL;
            if (v && !one_of(v, official_keys[k].values)) {
                snprintf(err, err_len, "%s: [%s] %s = %s, the official code has %s", m->name,
                         s->name, official_keys[k].key, v, official_keys[k].values);
                rc = -1;
            }
        }
    }
    vb_cfg_free(&cfg);
    return rc;
}

/* ---- names and layouts -------------------------------------------------------------- */

typedef enum layout {
    SAME,      /* as is */
    TRANSPOSE, /* Dense (in, out) → Linear (out, in) */
    OIHW,      /* conv (kh, kw, in, out) → (out, in, kh, kw) */
    BATCH,     /* (…) → (1, …) */
    BATCH2     /* (…) → (1, 1, …) */
} layout;

/* Our parameter LAYER.K.REST (K: the layer's number among its kind; -1 below: any) →
 * theirs, with %d standing for K. */
typedef struct renaming {
    const char *layer;
    int k;
    const char *rest, *theirs;
    layout how;
} renaming;

static const renaming compact_transformers[] = {
    {"conv", -1, "weight", "tokenizer.conv_layers.%d.0.weight", OIHW},
    {"conv", -1, "bias", "tokenizer.conv_layers.%d.0.bias", SAME},
    {"class_token", 0, "token", "classifier.class_emb", BATCH2},
    {"posemb", 0, "table", "classifier.positional_emb", BATCH},
    {"encoder", -1, "norm1.gamma", "classifier.blocks.%d.pre_norm.weight", SAME},
    {"encoder", -1, "norm1.beta", "classifier.blocks.%d.pre_norm.bias", SAME},
    {"encoder", -1, "attn.qkv.weight", "classifier.blocks.%d.self_attn.qkv.weight", TRANSPOSE},
    {"encoder", -1, "attn.out.weight", "classifier.blocks.%d.self_attn.proj.weight", TRANSPOSE},
    {"encoder", -1, "attn.out.bias", "classifier.blocks.%d.self_attn.proj.bias", SAME},
    {"encoder", -1, "norm2.gamma", "classifier.blocks.%d.norm1.weight", SAME},
    {"encoder", -1, "norm2.beta", "classifier.blocks.%d.norm1.bias", SAME},
    {"encoder", -1, "mlp.0.weight", "classifier.blocks.%d.linear1.weight", TRANSPOSE},
    {"encoder", -1, "mlp.0.bias", "classifier.blocks.%d.linear1.bias", SAME},
    {"encoder", -1, "mlp.1.weight", "classifier.blocks.%d.linear2.weight", TRANSPOSE},
    {"encoder", -1, "mlp.1.bias", "classifier.blocks.%d.linear2.bias", SAME},
    {"layernorm", 0, "gamma", "classifier.norm.weight", SAME},
    {"layernorm", 0, "beta", "classifier.norm.bias", SAME},
    {"seqpool", 0, "weight", "classifier.attention_pool.weight", BATCH},
    {"seqpool", 0, "bias", "classifier.attention_pool.bias", SAME},
    {"dense", 0, "weight", "classifier.fc.weight", TRANSPOSE},
    {"dense", 0, "bias", "classifier.fc.bias", SAME},
};

/* The rule for a parameter name, with its layer number in *k; NULL if none. */
static const renaming *find_rule(const char *name, int *k)
{
    char layer[64], rest[128];
    if (sscanf(name, "%63[^.].%d.%127s", layer, k, rest) != 3) return NULL;
    for (size_t i = 0; i < sizeof compact_transformers / sizeof compact_transformers[0]; i++) {
        const renaming *r = &compact_transformers[i];
        if (strcmp(r->layer, layer) == 0 && strcmp(r->rest, rest) == 0 &&
            (r->k < 0 || r->k == *k))
            return r;
    }
    return NULL;
}

/* One tensor in the other layout: out's values and shape. */
static void convert(const vb_param *p, const float *in, layout how, float *out, int *ndim,
                    int64_t shape[VB_ST_MAX_DIMS])
{
    const int64_t *s = p->shape;
    *ndim = p->ndim;
    memcpy(shape, s, (size_t)p->ndim * sizeof *shape);
    if (how == TRANSPOSE) { /* in (r, c) → out (c, r) */
        for (int64_t i = 0; i < s[0]; i++)
            for (int64_t j = 0; j < s[1]; j++) out[j * s[0] + i] = in[i * s[1] + j];
        shape[0] = s[1];
        shape[1] = s[0];
        return;
    }
    if (how == OIHW) { /* in (kh, kw, I, O) → out (O, I, kh, kw) */
        for (int64_t y = 0; y < s[0]; y++)
            for (int64_t x = 0; x < s[1]; x++)
                for (int64_t i = 0; i < s[2]; i++)
                    for (int64_t o = 0; o < s[3]; o++)
                        out[((o * s[2] + i) * s[0] + y) * s[1] + x] =
                            in[((y * s[1] + x) * s[2] + i) * s[3] + o];
        shape[0] = s[3], shape[1] = s[2], shape[2] = s[0], shape[3] = s[1];
        return;
    }
    memcpy(out, in, p->numel * sizeof *out);
    int lead = how == BATCH ? 1 : how == BATCH2 ? 2 : 0;
    memmove(shape + lead, shape, (size_t)p->ndim * sizeof *shape);
    for (int d = 0; d < lead; d++) shape[d] = 1;
    *ndim += lead;
}

/* Every parameter renamed and converted into `converted` (the block's size and offsets),
 * recorded in w. 0, or -1 naming the first parameter without a counterpart. */
static int add_renamed(vb_st_writer *w, const vb_model *m, float *converted, char *err,
                       size_t err_len)
{
    char name[160];
    for (int i = 0; i < m->params.count; i++) {
        const vb_param *p = &m->params.params[i];
        int k, ndim;
        int64_t shape[VB_ST_MAX_DIMS];
        const renaming *r = find_rule(p->name, &k);
        if (!r) {
            snprintf(err, err_len, "%s: parameter %s has no counterpart in the official code",
                     m->name, p->name);
            return -1;
        }
        snprintf(name, sizeof name, r->theirs, k);
        convert(p, vb_param_data(&m->params, i), r->how, converted + p->offset, &ndim, shape);
        if (vb_st_writer_add(w, name, VB_ST_F32, ndim, shape, converted + p->offset)) {
            snprintf(err, err_len, "%s: cannot add %s (out of memory)", m->name, name);
            return -1;
        }
    }
    return 0;
}

static const export_format formats[] = {
    {"compact-transformers", check_official, add_renamed},
    {"keras", keras_names_check, keras_names_add},
};

static const export_format *find_format(const char *name)
{
    for (size_t i = 0; name && i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].name, name) == 0) return &formats[i];
    return NULL;
}

/* The export written to o->out; *tensors: how many it holds. */
static int write_export(const vb_model *m, const export_options *o, int used_best,
                        int *tensors, char *err, size_t err_len)
{
    float *converted = vb_alloc(m->params.total * sizeof(float));
    vb_st_writer w;
    vb_st_writer_init(&w);
    int rc = -1;
    if (!converted)
        snprintf(err, err_len, "%s: out of memory", o->out);
    else if (find_format(o->format)->add(&w, m, converted, err, err_len) == 0) {
        char classes[32]; /* the description's, or --classes */
        snprintf(classes, sizeof classes, "%lld", (long long)m->classes);
        rc = vb_st_writer_meta(&w, "format", o->format) ||
             vb_st_writer_meta(&w, "model", m->name) ||
             vb_st_writer_meta(&w, "weights", used_best ? "best" : "last") ||
             vb_st_writer_meta(&w, "vitbench_model", m->config) ||
             vb_st_writer_meta(&w, "classes", classes);
        if (rc) snprintf(err, err_len, "%s: out of memory", o->out);
        else rc = vb_st_writer_write(&w, o->out, err, err_len);
    }
    *tensors = w.count;
    vb_st_writer_free(&w);
    vb_free(converted);
    return rc ? -1 : 0;
}

int vbmodel_export(void)
{
    const export_options o = opt;
    check_format(o.format);
    char err[1200];
    vb_model m;
    int used_best = 0, tensors = 0;
    int rc = run_inputs_load_model(&m, o.model, o.classes, err, sizeof err);
    if (!rc) rc = find_format(o.format)->check(&m, err, sizeof err);
    if (!rc && vb_param_block_alloc(&m.params) != 0) {
        snprintf(err, sizeof err, "%s: cannot allocate its parameters", m.name);
        rc = -1;
    }
    rc = rc || vb_weights_load(o.weights, &m, !o.last, &used_best, err, sizeof err) ||
         write_export(&m, &o, used_best, &tensors, err, sizeof err);
    if (rc) fprintf(stderr, "%s: %s\n", PROGRAM, err);
    else printf("wrote %d tensors of %s from %s as %s to %s\n", tensors, m.name, o.weights,
                o.format, o.out);
    vb_model_free(&m);
    return rc ? 1 : 0;
}
