/* The Keras names of the seed models' weights (keras_names.h).
 *
 * Each seed builds its model with one function; the names are those its code gives each
 * weight when that function builds the model in a fresh Keras session (after
 * keras.backend.clear_session(): the notebooks as run build other layers first — seed 002
 * two ShiftedPatchTokenization for its plots and the vanilla ViT before the SPT/LSA one —
 * which shifts the counters below):
 *
 *   keras_form            seed: model function                       our models
 *   cct_tf2               000/001: create_cct_model(), TF 2 Keras    keras_cct
 *   cct_keras3            004: create_cct_model(), Keras 3           keras_cct_keras3
 *   vit_small_ds          002: create_vit_classifier(vanilla=True)   keras_vit_small_ds_vanilla
 *   vit_small_ds_spt_lsa  002: create_vit_classifier(vanilla=False)  keras_vit_small_ds_spt_lsa
 *   qiita_vit             003: make_ViT(), TF 2 Keras                qiita_vit, vit_base/large/huge
 *
 * Sizes (depth, widths, heads, classes) are the seed functions' hyperparameters and may
 * differ; the layer order and the maths (norm placement, eps, activations, biases, LSA)
 * must be the seed's (keras_names_check).
 *
 * The rules relied on:
 * - Layer names. A layer built without name= gets its class's snake_case name, then
 *   _1, _2, ...: one counter per name for the whole session (TF 2:
 *   tensorflow/python/keras/engine/base_layer.py _init_set_name, unique_object_name with
 *   zero_based=True, generic_utils.to_snake_case; Keras 3: keras/src/utils/naming.py
 *   auto_name, uniquify). Seed 003's own model.summary() shows them: dense_25, dense_26,
 *   layer_normalization_7, add__embedding__layer (for its class Add_Embedding_Layer).
 *   Layers given name= (MultiHeadAttention's EinsumDense "query", "key", "value",
 *   "attention_output"; the seeds' data_augmentation) take no counter.
 * - Weight names, TF 2 (seeds 000-003): the variable's name, "SCOPE/WEIGHT:0", SCOPE being
 *   the name scopes of the layers being called when it is built: a layer called inside
 *   another layer's call() is scoped by it (shifted_patch_tokenization/dense/kernel:0,
 *   multi_head_attention/query/kernel:0; keras-team/keras-hub#1227 lists
 *   transformer_layer_0/cached_multi_head_attention_24/query/kernel:0), but a layer
 *   called on Keras symbolic inputs builds in a scratch graph of its own, without the
 *   outer scopes — so the convolutions inside CCTTokenizer's keras.Sequential, which a
 *   Sequential builds on an Input of its own (engine/sequential.py
 *   _build_graph_network_for_inferred_shape), are plain conv2d/kernel:0
 *   (tensorflow/tensorflow#29576: a Sequential called under a name scope gives
 *   dense/kernel:0; #36463). These are also the names an .h5 save lists per layer
 *   (weight_names) and stores each under its top-level layer's group.
 * - Weight names, Keras 3 (seed 004): Variable.path, "PATH/WEIGHT" with PATH the names of
 *   the layers whose build() or call() is running, outermost first, each layer keeping
 *   the parent path of its first call (keras/src/backend/common/variables.py,
 *   name_scope.py; keras/src/layers/layer.py opens the layer's scope around build and
 *   call) — so cct_tokenizer/sequential/conv2d/kernel, sequence_pooling/dense_4/kernel.
 * - Weights: Dense and Conv2D kernel, bias; LayerNormalization gamma, beta; Embedding
 *   embeddings; MultiHeadAttention's EinsumDense query/key/value kernel (dim, heads,
 *   key_dim), bias (heads, key_dim), attention_output kernel (heads, key_dim, dim), bias
 *   (dim) (the shapes keras-hub#1227 prints: (768, 12, 64), (12, 64), (12, 64, 768)).
 * - A variable the seed makes without a name — LSA's tf.Variable tau (seed 002), the
 *   Add_Embedding_Layer's add_weight() patch_emb and pos_emb (seed 003) — is "Variable:0"
 *   in TF 2, however many there are (tensorflow/tensorflow#26811, #28558; seed 003's model
 *   cannot even be saved to .h5 for it). A file cannot hold one name twice, so these are
 *   exported as LAYER/ATTRIBUTE:0, the layer that owns the variable and the attribute the
 *   seed keeps it in: multi_head_attention_lsa_3/tau:0, add__embedding__layer/pos_emb:0.
 * - Seeds 000/001 call their position Embedding once, eagerly, outside the model: its
 *   table is a constant of the graph, not a Keras weight (suites/models/keras_cct.cfg). It
 *   is exported as constant/position_embeddings (T, C), after the seed's variable
 *   position_embeddings; a loader must put it in place of the table the seed's code draws.
 *
 * Layouts are ours (Keras conv kernels are HWIO and Dense kernels (in, out), as here) but
 * for shapes: our fused qkv weight (C, 3·H·D), columns [q | k | v] each head-major, is
 * split into Keras's three kernels (C, H, D), its bias (3·H·D) into three (H, D); the
 * output weight (H·D, C) is (H, D, C); sequence pooling's weight (C) is Dense(1)'s kernel
 * (C, 1); LSA's tau (1) is a scalar; seed 003's token (C) and table (T, C) are its
 * (1, 1, C) and (1, T, C). Not exported: the seeds' preprocessing state (seed 002's
 * Normalization mean/variance/count: here the data pipeline's, recorded in the run's
 * summary.json in units of pixel/255). */
#include "keras_names.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/cfg.h"

/* ---- the seeds' model functions ------------------------------------------------------ */

/* A key of our description whose value makes the maths the seed's: the nth section of
 * that name (-1: every one) must have one of `values` ('|'-separated; numbers compare as
 * numbers, so 1e-5 is 1e-05). */
typedef struct key_rule {
    const char *section;
    int nth;
    const char *key, *values;
} key_rule;

typedef struct namer namer;

typedef struct keras_form {
    const char *id;        /* metadata keras_form: the builder scripts/keras-seeds.py uses */
    const char *seed_code; /* for messages and metadata keras_model */
    const char *layers;    /* our layer kinds in order, a run of encoder blocks as one */
    const key_rule *keys, *more_keys;
    int keras3;            /* Keras 3 variable paths, else TF 2 variable names */
    const char *attention; /* the Keras class of the attention layers, snake_case */
    void (*name)(namer *n);
} keras_form;

#define CCT_LAYERS "conv zeropad maxpool conv zeropad maxpool posemb encoder layernorm " \
                   "seqpool dense"
static const key_rule cct_keys[] = {
    {"conv", -1, "padding", "valid"},      {"conv", -1, "stride", "1"},
    {"conv", -1, "bias", "no"},            {"conv", -1, "activation", "relu"},
    {"maxpool", -1, "padding", "same"},    {"encoder", -1, "norm", "pre"},
    {"encoder", -1, "eps", "1e-5"},        {"encoder", -1, "qkv_bias", "yes"},
    {"encoder", -1, "out_bias", "yes"},    {"encoder", -1, "diag_mask", "no"},
    {"encoder", -1, "temperature", "fixed"}, {"encoder", -1, "mlp_last_activation", "yes"},
    {"layernorm", -1, "eps", "1e-5"},      {"dense", -1, "bias", "yes"},
    {"dense", -1, "activation", "none"},   {NULL, 0, NULL, NULL}};
static const key_rule cct_tf2_keys[] = {
    {"posemb", -1, "kind", "frozen"}, {"encoder", -1, "mlp_activation", "gelu"},
    {NULL, 0, NULL, NULL}};
static const key_rule cct_keras3_keys[] = {
    {"posemb", -1, "kind", "learnable"}, {"encoder", -1, "mlp_activation", "gelu_tanh"},
    {NULL, 0, NULL, NULL}};

#define VIT_SMALL_DS_HEAD "encoder layernorm flatten dropout dense dropout dense dropout dense"
static const key_rule vit_small_ds_keys[] = {
    {"resize", -1, "method", "bilinear"},  {"posemb", -1, "kind", "learnable"},
    {"encoder", -1, "norm", "pre"},        {"encoder", -1, "eps", "1e-6"},
    {"encoder", -1, "qkv_bias", "yes"},    {"encoder", -1, "out_bias", "yes"},
    {"encoder", -1, "mlp_activation", "gelu"}, {"encoder", -1, "mlp_last_activation", "yes"},
    {"layernorm", -1, "eps", "1e-6"},      {"dense", -1, "bias", "yes"},
    {"dense", 0, "activation", "none"},    {"dense", 1, "activation", "gelu"},
    {"dense", 2, "activation", "gelu"},    {"dense", 3, "activation", "none"},
    {NULL, 0, NULL, NULL}};
static const key_rule vanilla_keys[] = {
    {"encoder", -1, "diag_mask", "no"}, {"encoder", -1, "temperature", "fixed"},
    {NULL, 0, NULL, NULL}};
static const key_rule spt_lsa_keys[] = {
    {"shifted_patches", -1, "order", "keras"}, {"encoder", -1, "diag_mask", "yes"},
    {"encoder", -1, "temperature", "learnable"}, {NULL, 0, NULL, NULL}};

static const key_rule qiita_keys[] = {
    {"class_token", -1, "position", "append"}, {"posemb", -1, "kind", "learnable"},
    {"encoder", -1, "norm", "post"},        {"encoder", -1, "eps", "1e-6"},
    {"encoder", -1, "qkv_bias", "yes"},     {"encoder", -1, "out_bias", "yes"},
    {"encoder", -1, "diag_mask", "no"},     {"encoder", -1, "temperature", "fixed"},
    {"encoder", -1, "mlp_activation", "relu"}, {"encoder", -1, "mlp_last_activation", "no"},
    {"token", -1, "index", "0"},            {"dense", -1, "bias", "yes"},
    {"dense", 0, "activation", "none"},     {"dense", 1, "activation", "gelu_tanh"},
    {"dense", 2, "activation", "none"},     {NULL, 0, NULL, NULL}};

static void name_cct(namer *n);
static void name_vit_small_ds(namer *n);
static void name_qiita_vit(namer *n);

static const keras_form forms[] = {
    {"cct_tf2", "seeds 000/001's create_cct_model() (TF 2 Keras)", CCT_LAYERS, cct_keys,
     cct_tf2_keys, 0, "multi_head_attention", name_cct},
    {"cct_keras3", "seed 004's create_cct_model() (Keras 3)", CCT_LAYERS, cct_keys,
     cct_keras3_keys, 1, "multi_head_attention", name_cct},
    {"vit_small_ds", "seed 002's create_vit_classifier(vanilla=True)",
     "resize patches dense posemb " VIT_SMALL_DS_HEAD, vit_small_ds_keys, vanilla_keys, 0,
     "multi_head_attention", name_vit_small_ds},
    {"vit_small_ds_spt_lsa", "seed 002's create_vit_classifier(vanilla=False)",
     "resize shifted_patches layernorm dense posemb " VIT_SMALL_DS_HEAD, vit_small_ds_keys,
     spt_lsa_keys, 0, "multi_head_attention_lsa", name_vit_small_ds},
    {"qiita_vit", "seed 003's make_ViT() (TF 2 Keras)",
     "patches dense class_token posemb encoder token dense dropout dense", qiita_keys, NULL,
     0, NULL, name_qiita_vit},
};
#define FORM_COUNT ((int)(sizeof forms / sizeof forms[0]))
#define COVERED "keras_cct, keras_cct_keras3, keras_vit_small_ds_vanilla, " \
                "keras_vit_small_ds_spt_lsa, qiita_vit, vit_base, vit_large, vit_huge"

/* "conv zeropad maxpool ... encoder layernorm ...": m's layer kinds, encoder runs as one. */
static void layer_kinds(const vb_model *m, char *out, size_t len)
{
    size_t at = 0;
    out[0] = '\0';
    for (int i = 0; i < m->count && at < len; i++) {
        const char *kind = m->layers[i].kind->name;
        if (i > 0 && strcmp(kind, "encoder") == 0 &&
            strcmp(m->layers[i - 1].kind->name, "encoder") == 0)
            continue;
        at += (size_t)snprintf(out + at, len - at, "%s%s", at ? " " : "", kind);
    }
}

static int same_value(const char *value, const char *wanted)
{
    char *end_a, *end_b;
    double a = strtod(value, &end_a), b = strtod(wanted, &end_b);
    if (end_a != value && *end_a == '\0' && end_b != wanted && *end_b == '\0') return a == b;
    return strcmp(value, wanted) == 0;
}

static int one_of(const char *value, const char *values)
{
    char wanted[64];
    for (const char *v = values; v;) {
        const char *bar = strchr(v, '|');
        size_t len = bar ? (size_t)(bar - v) : strlen(v);
        snprintf(wanted, sizeof wanted, "%.*s", (int)len, v);
        if (same_value(value, wanted)) return 1;
        v = bar ? bar + 1 : NULL;
    }
    return 0;
}

/* How many of the rules cfg breaks; the first broken one and its value in *first and
 * first_value, unless *first is already set. */
static int broken_rules(vb_cfg *cfg, const key_rule *rules, const key_rule **first,
                        char *first_value, size_t len)
{
    int broken = 0;
    for (const key_rule *r = rules; r && r->section; r++) {
        int nth = 0;
        for (int i = 0; i < cfg->count; i++) {
            vb_cfg_section *s = &cfg->sections[i];
            if (strcmp(s->name, r->section) != 0) continue;
            const char *v = r->nth < 0 || r->nth == nth ? vb_cfg_find(s, r->key) : NULL;
            nth++;
            if (!v || one_of(v, r->values)) continue;
            if (!broken++ && !*first) {
                *first = r;
                snprintf(first_value, len, "%s", v);
            }
        }
    }
    return broken;
}

/* The form of m (cfg: its resolved description), or NULL with the message in err: of the
 * forms with m's layer order, the one whose maths m has; if none, the first difference
 * from the closest one. */
static const keras_form *find_form(const vb_model *m, vb_cfg *cfg, char *err, size_t err_len)
{
    char kinds[1024], value[128], best_value[128] = "";
    const keras_form *best = NULL;
    const key_rule *best_rule = NULL;
    int best_broken = 0;
    layer_kinds(m, kinds, sizeof kinds);
    for (int f = 0; f < FORM_COUNT; f++) {
        if (strcmp(forms[f].layers, kinds) != 0) continue;
        const key_rule *rule = NULL;
        int broken = broken_rules(cfg, forms[f].keys, &rule, value, sizeof value) +
                     broken_rules(cfg, forms[f].more_keys, &rule, value, sizeof value);
        if (best && broken >= best_broken) continue;
        best = &forms[f], best_broken = broken, best_rule = rule;
        snprintf(best_value, sizeof best_value, "%s", value);
    }
    if (best && best_broken == 0) return best;
    if (best)
        snprintf(err, err_len, "%s: [%s] %s = %s, but %s has %s (--format keras)", m->name,
                 best_rule->section, best_rule->key, best_value, best->seed_code,
                 best_rule->values);
    else
        snprintf(err, err_len, "%s: not a model of the Keras seeds, which --format keras "
                 "covers (" COVERED "): its layers (%s) are none of theirs", m->name, kinds);
    return NULL;
}

int keras_names_check(const vb_model *m, char *err, size_t err_len)
{
    vb_cfg cfg;
    if (vb_cfg_parse(&cfg, m->name, m->config, err, err_len)) return -1;
    const keras_form *form = find_form(m, &cfg, err, err_len);
    vb_cfg_free(&cfg);
    return form ? 0 : -1;
}

/* ---- naming -------------------------------------------------------------------------- */

#define NAME_LEN 256 /* a Keras tensor's name */

/* One exported tensor: columns [col0, col0 + cols) of our parameter `param` viewed as
 * (rows, its last axis), under Keras's name and shape (the same values in the same order). */
typedef struct keras_tensor {
    char name[NAME_LEN];
    int param;
    int64_t col0, cols;
    int ndim;
    int64_t shape[4];
} keras_tensor;

struct namer {
    const vb_model *m;
    const keras_form *form;
    int64_t heads; /* [encoder]'s, to split H·D into (H, D) */
    struct {
        char name[48];
        int made;
    } counters[16]; /* Keras's per-name layer counters */
    int counter_count;
    keras_tensor *tensors;
    int count, capacity;
    char err[512]; /* the first failure; set: naming has failed */
};

static void fail(namer *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first failure in n->err (the rest follow from it). */
static void fail(namer *n, const char *fmt, ...)
{
    if (n->err[0]) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->err, sizeof n->err, fmt, ap);
    va_end(ap);
}

/* The name Keras gives the next unnamed layer whose class is `cls` in snake_case: cls,
 * then cls_1, cls_2, ... */
static const char *uid(namer *n, const char *cls, char out[64])
{
    int i = 0;
    while (i < n->counter_count && strcmp(n->counters[i].name, cls) != 0) i++;
    if (i == (int)(sizeof n->counters / sizeof n->counters[0])) {
        fail(n, "%s: more layer classes than the namer counts", n->m->name);
        i = 0;
    } else if (i == n->counter_count) {
        snprintf(n->counters[i].name, sizeof n->counters[i].name, "%s", cls);
        n->counters[i].made = 0;
        n->counter_count++;
    }
    int made = n->counters[i].made++;
    if (made == 0) snprintf(out, 64, "%s", cls);
    else snprintf(out, 64, "%s_%d", cls, made);
    return out;
}

/* SCOPE/WEIGHT, with ":0" for a TF 2 variable name, in out. */
static const char *weight_name(const namer *n, const char *scope, const char *weight,
                               char out[NAME_LEN])
{
    snprintf(out, NAME_LEN, "%s/%s%s", scope, weight, n->form->keras3 ? "" : ":0");
    return out;
}

/* The index of our parameter OURS.REST; -1 (and a failure when `needed`) if m has none. */
static int param_index(namer *n, const char *ours, const char *rest, int needed)
{
    char name[VB_PARAM_NAME_MAX + 32];
    snprintf(name, sizeof name, "%s.%s", ours, rest);
    for (int i = 0; i < n->m->params.count; i++)
        if (strcmp(n->m->params.params[i].name, name) == 0) return i;
    if (needed) fail(n, "%s: no parameter %s", n->m->name, name);
    return -1;
}

/* Records columns [col0, col0 + cols) of OURS.REST as the Keras tensor `name` of shape
 * (ndim values; ndim 0: a scalar). */
static void emit_columns(namer *n, const char *ours, const char *rest, int64_t col0,
                         int64_t cols, const char *name, int ndim, const int64_t *shape)
{
    int p = param_index(n, ours, rest, 1);
    if (p < 0 || n->err[0]) return;
    if (n->count == n->capacity) {
        int cap = n->capacity ? 2 * n->capacity : 64;
        keras_tensor *t = realloc(n->tensors, (size_t)cap * sizeof *t);
        if (!t) {
            fail(n, "%s: out of memory", n->m->name);
            return;
        }
        n->tensors = t, n->capacity = cap;
    }
    keras_tensor *t = &n->tensors[n->count++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->param = p, t->col0 = col0, t->cols = cols, t->ndim = ndim;
    if (ndim) memcpy(t->shape, shape, (size_t)ndim * sizeof *shape);
}

/* The whole of OURS.REST as the Keras tensor `name`, in its own shape, or with `lead`
 * ones before it ((C) → (1, 1, C) for lead 2), or a 1 after it for lead -1 ((C) → (C, 1)). */
static void emit_whole(namer *n, const char *ours, const char *rest, const char *name, int lead)
{
    int p = param_index(n, ours, rest, 1);
    if (p < 0) return;
    const vb_param *q = &n->m->params.params[p];
    int64_t shape[4] = {1, 1, 1, 1};
    int ndim = q->ndim + (lead < 0 ? 1 : lead);
    if (ndim > 4) {
        fail(n, "%s: %s.%s has too many axes", n->m->name, ours, rest);
        return;
    }
    memcpy(shape + (lead > 0 ? lead : 0), q->shape, (size_t)q->ndim * sizeof *shape);
    emit_columns(n, ours, rest, 0, q->shape[q->ndim - 1], name, ndim, shape);
}

static void keras_dense(namer *n, const char *ours, const char *scope)
{
    char name[NAME_LEN];
    emit_whole(n, ours, "weight", weight_name(n, scope, "kernel", name), 0); /* (in, out) */
    emit_whole(n, ours, "bias", weight_name(n, scope, "bias", name), 0);
}

static void keras_layernorm(namer *n, const char *ours, const char *scope)
{
    char name[NAME_LEN];
    emit_whole(n, ours, "gamma", weight_name(n, scope, "gamma", name), 0);
    emit_whole(n, ours, "beta", weight_name(n, scope, "beta", name), 0);
}

/* Our attention (BLOCK.attn) as Keras's MultiHeadAttention SCOPE: qkv split into the
 * query, key and value EinsumDense, kernels (C, H, D) and biases (H, D); the output's
 * kernel (H, D, C); LSA's tau a scalar. */
static void keras_attention(namer *n, const char *block, const char *scope)
{
    static const char *const parts[] = {"query", "key", "value"};
    char attn[96], sub[200], name[NAME_LEN];
    snprintf(attn, sizeof attn, "%s.attn", block);
    int p = param_index(n, attn, "qkv.weight", 1);
    if (p < 0) return;
    const vb_param *qkv = &n->m->params.params[p];
    int64_t c = qkv->shape[0], hd = qkv->shape[1] / 3, h = n->heads, d = hd / h;
    for (int j = 0; j < 3; j++) {
        snprintf(sub, sizeof sub, "%s/%s", scope, parts[j]);
        emit_columns(n, attn, "qkv.weight", j * hd, hd, weight_name(n, sub, "kernel", name), 3,
                     (int64_t[]){c, h, d});
        emit_columns(n, attn, "qkv.bias", j * hd, hd, weight_name(n, sub, "bias", name), 2,
                     (int64_t[]){h, d});
    }
    snprintf(sub, sizeof sub, "%s/attention_output", scope);
    emit_columns(n, attn, "out.weight", 0, c, weight_name(n, sub, "kernel", name), 3,
                 (int64_t[]){h, d, c});
    emit_whole(n, attn, "out.bias", weight_name(n, sub, "bias", name), 0);
    if (param_index(n, attn, "tau", 0) >= 0)
        emit_columns(n, attn, "tau", 0, 1, weight_name(n, scope, "tau", name), 0, NULL);
}

/* BLOCK's MLP Dense layers, each the next "dense". */
static void keras_mlp(namer *n, const char *block)
{
    char ours[80], name[64];
    for (int j = 0;; j++) {
        snprintf(ours, sizeof ours, "%s.mlp.%d", block, j);
        if (param_index(n, ours, "weight", 0) < 0) break;
        keras_dense(n, ours, uid(n, "dense", name));
    }
}

/* A pre-norm block of seeds 000/001/002/004: LayerNormalization, the attention,
 * LayerNormalization, then mlp()'s Dense layers — made in that order. */
static void keras_pre_norm_block(namer *n, const char *block)
{
    char ours[80], name[64];
    snprintf(ours, sizeof ours, "%s.norm1", block);
    keras_layernorm(n, ours, uid(n, "layer_normalization", name));
    keras_attention(n, block, uid(n, n->form->attention, name));
    snprintf(ours, sizeof ours, "%s.norm2", block);
    keras_layernorm(n, ours, uid(n, "layer_normalization", name));
    keras_mlp(n, block);
}

static int is(const vb_layer *l, const char *kind)
{
    return strcmp(l->kind->name, kind) == 0;
}

/* create_cct_model(): CCTTokenizer (a keras.Sequential of Conv2D, ZeroPadding2D,
 * MaxPool2D), the position embedding, the blocks, LayerNormalization, sequence pooling's
 * Dense(1) (seed 004: inside its SequencePooling layer), the classifier Dense. */
static void name_cct(namer *n)
{
    char tokenizer[136] = "", scope[208], name[NAME_LEN], a[64], b[64];
    for (int i = 0; i < n->m->count; i++) {
        const vb_layer *l = &n->m->layers[i];
        if (is(l, "conv")) {
            if (n->form->keras3 && !tokenizer[0])
                snprintf(tokenizer, sizeof tokenizer, "%s/%s/", uid(n, "cct_tokenizer", a),
                         uid(n, "sequential", b));
            snprintf(scope, sizeof scope, "%s%s", tokenizer, uid(n, "conv2d", a));
            emit_whole(n, l->name, "weight", weight_name(n, scope, "kernel", name), 0); /* HWIO */
        } else if (is(l, "posemb") && n->form->keras3) {
            weight_name(n, uid(n, "position_embedding", a), "embeddings", name);
            emit_whole(n, l->name, "table", name, 0);
        } else if (is(l, "posemb")) { /* a constant of the graph, not a variable */
            emit_whole(n, l->name, "table", "constant/position_embeddings", 0);
        } else if (is(l, "encoder")) {
            keras_pre_norm_block(n, l->name);
        } else if (is(l, "layernorm")) {
            keras_layernorm(n, l->name, uid(n, "layer_normalization", a));
        } else if (is(l, "seqpool")) {
            if (n->form->keras3)
                snprintf(scope, sizeof scope, "%s/%s", uid(n, "sequence_pooling", a),
                         uid(n, "dense", b));
            else
                snprintf(scope, sizeof scope, "%s", uid(n, "dense", a));
            /* (C) → Dense(1)'s kernel (C, 1) */
            emit_whole(n, l->name, "weight", weight_name(n, scope, "kernel", name), -1);
            emit_whole(n, l->name, "bias", weight_name(n, scope, "bias", name), 0);
        } else if (is(l, "dense")) {
            keras_dense(n, l->name, uid(n, "dense", a));
        }
    }
}

/* create_vit_classifier(): ShiftedPatchTokenization (its __init__ makes a Dense, then a
 * LayerNormalization that only the SPT path calls), PatchEncoder (an Embedding), the
 * blocks (MultiHeadAttentionLSA for SPT/LSA), LayerNormalization, the head's Dense layers. */
static void name_vit_small_ds(namer *n)
{
    char spt_dense[136] = "", spt_norm[136] = "", scope[136], name[NAME_LEN], a[64], b[64];
    for (int i = 0; i < n->m->count; i++) {
        const vb_layer *l = &n->m->layers[i];
        if (is(l, "patches") || is(l, "shifted_patches")) {
            uid(n, "shifted_patch_tokenization", a);
            snprintf(spt_dense, sizeof spt_dense, "%s/%s", a, uid(n, "dense", b));
            snprintf(spt_norm, sizeof spt_norm, "%s/%s", a, uid(n, "layer_normalization", b));
            if (is(l, "patches")) spt_norm[0] = '\0'; /* never called, so never built */
        } else if (is(l, "layernorm")) {
            keras_layernorm(n, l->name, spt_norm[0] ? spt_norm : uid(n, "layer_normalization", a));
            spt_norm[0] = '\0';
        } else if (is(l, "dense")) {
            keras_dense(n, l->name, spt_dense[0] ? spt_dense : uid(n, "dense", a));
            spt_dense[0] = '\0';
        } else if (is(l, "posemb")) {
            snprintf(scope, sizeof scope, "%s/%s", uid(n, "patch_encoder", a),
                     uid(n, "embedding", b));
            emit_whole(n, l->name, "table", weight_name(n, scope, "embeddings", name), 0);
        } else if (is(l, "encoder")) {
            keras_pre_norm_block(n, l->name);
        }
    }
}

/* One TransformerBlock of make_ViT(): MultiHead_SelfAttention's four Dense (query, key,
 * value: kernels (C, H·D) from our qkv's columns; output), LayerNormalization, the FFN's
 * two Dense, LayerNormalization — made in that order. */
static void qiita_block(namer *n, const char *block)
{
    char attn[96], ours[112], scope[4][64], name[NAME_LEN], a[64];
    snprintf(attn, sizeof attn, "%s.attn", block);
    for (int j = 0; j < 4; j++) uid(n, "dense", scope[j]);
    int p = param_index(n, attn, "qkv.weight", 1);
    if (p < 0) return;
    const vb_param *qkv = &n->m->params.params[p];
    int64_t c = qkv->shape[0], hd = qkv->shape[1] / 3;
    for (int j = 0; j < 3; j++) {
        emit_columns(n, attn, "qkv.weight", j * hd, hd, weight_name(n, scope[j], "kernel", name),
                     2, (int64_t[]){c, hd});
        emit_columns(n, attn, "qkv.bias", j * hd, hd, weight_name(n, scope[j], "bias", name), 1,
                     &hd);
    }
    snprintf(ours, sizeof ours, "%s.out", attn);
    keras_dense(n, ours, scope[3]);
    snprintf(ours, sizeof ours, "%s.norm1", block);
    keras_layernorm(n, ours, uid(n, "layer_normalization", a));
    keras_mlp(n, block);
    snprintf(ours, sizeof ours, "%s.norm2", block);
    keras_layernorm(n, ours, uid(n, "layer_normalization", a));
}

/* make_ViT(): Dense, Add_Embedding_Layer (add_weight()s patch_emb (1, 1, C) and pos_emb
 * (1, T, C), unnamed), the TransformerBlocks, the head's Dense layers. */
static void name_qiita_vit(namer *n)
{
    char embedding[64] = "", name[NAME_LEN], a[64];
    for (int i = 0; i < n->m->count; i++) {
        const vb_layer *l = &n->m->layers[i];
        if (is(l, "dense")) {
            keras_dense(n, l->name, uid(n, "dense", a));
        } else if (is(l, "class_token")) {
            uid(n, "add__embedding__layer", embedding);
            emit_whole(n, l->name, "token", weight_name(n, embedding, "patch_emb", name), 2);
        } else if (is(l, "posemb")) {
            emit_whole(n, l->name, "table", weight_name(n, embedding, "pos_emb", name), 1);
        } else if (is(l, "encoder")) {
            qiita_block(n, l->name);
        }
    }
}

/* ---- writing ------------------------------------------------------------------------- */

/* 0 when every column of every parameter went to exactly one Keras tensor. */
static int check_coverage(namer *n)
{
    int64_t *covered = calloc((size_t)n->m->params.count, sizeof *covered);
    if (!covered) {
        fail(n, "%s: out of memory", n->m->name);
        return -1;
    }
    for (int i = 0; i < n->count; i++) covered[n->tensors[i].param] += n->tensors[i].cols;
    for (int p = 0; p < n->m->params.count && !n->err[0]; p++) {
        const vb_param *q = &n->m->params.params[p];
        if (covered[p] != q->shape[q->ndim - 1])
            fail(n, "%s: parameter %s has no Keras name in %s", n->m->name, q->name,
                 n->form->seed_code);
    }
    free(covered);
    return n->err[0] ? -1 : 0;
}

/* Copies t's columns of its parameter into `converted`, at the parameter's offset plus
 * col0·rows (the slices of one parameter tile its place), and records it in w. */
static int add_tensor(vb_st_writer *w, namer *n, const keras_tensor *t, float *converted)
{
    const vb_param *q = &n->m->params.params[t->param];
    int64_t last = q->shape[q->ndim - 1], rows = (int64_t)q->numel / last, numel = 1;
    for (int d = 0; d < t->ndim; d++) numel *= t->shape[d];
    if (numel != rows * t->cols) {
        fail(n, "%s: %s: %lld values for %s", n->m->name, q->name, (long long)(rows * t->cols),
             t->name);
        return -1;
    }
    const float *src = vb_param_data(&n->m->params, t->param);
    float *dst = converted + q->offset + t->col0 * rows;
    for (int64_t r = 0; r < rows; r++)
        memcpy(dst + r * t->cols, src + r * last + t->col0, (size_t)t->cols * sizeof *dst);
    if (vb_st_writer_add(w, t->name, VB_ST_F32, t->ndim, t->shape, dst)) {
        fail(n, "%s: cannot add %s (a second tensor of that name, or out of memory)",
             n->m->name, t->name);
        return -1;
    }
    return 0;
}

int keras_names_add(vb_st_writer *w, const vb_model *m, float *converted, char *err,
                    size_t err_len)
{
    namer n = {.m = m};
    vb_cfg cfg;
    if (vb_cfg_parse(&cfg, m->name, m->config, err, err_len)) return -1;
    n.form = find_form(m, &cfg, err, err_len);
    for (int i = 0; i < cfg.count; i++) {
        const char *heads = strcmp(cfg.sections[i].name, "encoder") == 0
                                ? vb_cfg_find(&cfg.sections[i], "heads") : NULL;
        if (heads) n.heads = strtoll(heads, NULL, 10);
    }
    vb_cfg_free(&cfg);
    if (!n.form) return -1;
    if (n.heads < 1) fail(&n, "%s: [encoder] has no heads", m->name);
    else n.form->name(&n);
    if (!n.err[0] && check_coverage(&n) == 0)
        for (int i = 0; i < n.count; i++)
            if (add_tensor(w, &n, &n.tensors[i], converted)) break;
    if (!n.err[0] && (vb_st_writer_meta(w, "keras_form", n.form->id) ||
                      vb_st_writer_meta(w, "keras_model", n.form->seed_code)))
        fail(&n, "%s: out of memory", m->name);
    free(n.tensors);
    if (n.err[0]) snprintf(err, err_len, "%s", n.err);
    return n.err[0] ? -1 : 0;
}
