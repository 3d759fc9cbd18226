/* Building a model from its description, allocating it, and walking it forward and
 * backward (model.h). */
#include "vitbench/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/checked.h"
#include "vitbench/rng.h"

/* ---- building ----------------------------------------------------------------------- */

/* Copies key's value into out[size]: an error rather than a silently cut name. */
static int copy_text(vb_cfg_section *s, const char *key, const char *value, char *out,
                     size_t size, char *err, size_t err_len)
{
    size_t n = strlen(value);
    if (n >= size)
        return vb_cfg_key_error(s, key, err, err_len, "longer than %zu characters", size - 1);
    memcpy(out, value, n + 1);
    return 0;
}

/* 1 if a shape's values per image stay within VB_VALUES_MAX (layer.h), computed without
 * overflow. */
static int values_fit(vb_shape shape)
{
    int64_t tokens, values;
    return !vb_i64_mul(shape.h, shape.w, &tokens) && !vb_i64_mul(tokens, shape.c, &values) &&
           values <= VB_VALUES_MAX;
}

static int read_model_section(vb_model *m, vb_cfg_section *s, char *err, size_t err_len)
{
    const char *source;
    int64_t dims[3];
    if (vb_cfg_name(s, "name", m->name, sizeof m->name, err, err_len) ||
        vb_cfg_dims(s, "input", 1, VB_WIDTH_MAX, dims, 3, err, err_len) ||
        vb_cfg_int_in(s, "classes", 2, VB_WIDTH_MAX, &m->classes, err, err_len))
        return -1;
    vb_cfg_str_or(s, "source", "", &source);
    vb_cfg_find(s, "notes"); /* free text for readers */
    if (copy_text(s, "source", source, m->source, sizeof m->source, err, err_len))
        return -1;
    m->input = (vb_shape){dims[0], dims[1], dims[2]};
    if (dims[0] > VB_SIDE_MAX || dims[1] > VB_SIDE_MAX || !values_fit(m->input))
        return vb_cfg_key_error(s, "input", err, err_len,
                                "%lldx%lldx%lld too large (sides at most 2^16, at most 2^36 "
                                "values)", (long long)dims[0], (long long)dims[1],
                                (long long)dims[2]);
    return 0;
}

/* A configured layer's output and state per image stay within VB_VALUES_MAX, so that
 * its sizes for any batch up to VB_BATCH_MAX fit (layer.h). Its kind bounds each key, so
 * the per-image state is computed without overflow. */
static int check_sizes(const vb_layer *l, vb_cfg_section *s, char *err, size_t err_len)
{
    if (!values_fit(l->out))
        return vb_cfg_error(s, err, err_len,
                            "%s: output %lldx%lldx%lld too large (at most 2^36 values per "
                            "image)", l->name, (long long)l->out.h, (long long)l->out.w,
                            (long long)l->out.c);
    size_t state = l->kind->state_floats ? l->kind->state_floats(l, 1) : 0;
    if (state > (size_t)VB_VALUES_MAX)
        return vb_cfg_error(s, err, err_len,
                            "%s: state of %zu values per image too large (at most 2^36)",
                            l->name, state);
    return 0;
}

/* Layers of `kind` in the model so far: the next one is named "KIND.N" with this N
 * ("conv.0", "conv.1", "dense.0", ... in model order). */
static int layers_of_kind(const vb_model *m, const vb_layer_kind *kind)
{
    int n = 0;
    for (int i = 0; i < m->count; i++) n += m->layers[i].kind == kind;
    return n;
}

/* Appends one configured layer of `kind`, counted in `component`; its input is the previous
 * layer's output. */
static int add_layer(vb_model *m, const vb_layer_kind *kind, vb_cfg_section *s,
                     vb_layer_site site, vb_component component, char *err, size_t err_len)
{
    vb_layer *grown = realloc(m->layers, (size_t)(m->count + 1) * sizeof *grown);
    if (!grown) return vb_cfg_error(s, err, err_len, "out of memory");
    m->layers = grown;
    vb_layer *l = &m->layers[m->count];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    l->index = m->count;
    l->component = component;
    l->first_param = -1;
    l->in = m->count ? m->layers[m->count - 1].out : m->input;
    snprintf(l->name, sizeof l->name, "%s.%d", kind->name, layers_of_kind(m, kind));
    if (kind->configure(l, s, site, err, err_len) != 0) {
        /* not counted yet, so vb_model_free would not release what configure made */
        if (kind->destroy) kind->destroy(l);
        else free(l->priv);
        return -1;
    }
    m->count++;
    if (check_sizes(l, s, err, err_len)) return -1;
    if (kind->declare) {
        int before = m->params.count;
        if (kind->declare(l, &m->params) != 0 || m->params.total > (size_t)VB_VALUES_MAX)
            return vb_cfg_error(s, err, err_len,
                                "cannot declare the parameters of %s (too large: at most 2^36 "
                                "in all, or out of memory)", l->name);
        l->first_param = m->params.count > before ? before : -1;
    }
    return 0;
}

/* Each layer counts in its kind's component for where it stands (vb_layer_component): the
 * encoder part begins with the first layer counted in attention. */
static int build_layers(vb_model *m, vb_cfg *cfg, char *err, size_t err_len)
{
    int after_encoder = 0;
    for (int i = 1; i < cfg->count; i++) {
        vb_cfg_section *s = &cfg->sections[i];
        const vb_layer_kind *kind = vb_layer_kind_find(s->name);
        if (!kind)
            return vb_cfg_error(s, err, err_len, "unknown layer kind (known: %s)",
                                vb_layer_kind_names());
        int64_t depth;
        if (vb_cfg_int_in_or(s, "depth", 1, 1, 1000, &depth, err, err_len)) return -1;
        after_encoder |= kind->component.before_encoder == VB_COMP_ATTENTION;
        vb_component component = after_encoder ? kind->component.after_encoder
                                               : kind->component.before_encoder;
        for (int64_t b = 0; b < depth; b++) {
            vb_layer_site site = {(int)b, (int)depth, m->classes};
            if (add_layer(m, kind, s, site, component, err, err_len)) return -1;
        }
    }
    return 0;
}

static int build(vb_model *m, vb_cfg *cfg, const vb_model_opts *opts, char *err,
                 size_t err_len)
{
    if (cfg->count == 0 || strcmp(cfg->sections[0].name, "model") != 0) {
        snprintf(err, err_len, "%s: the first section must be [model]", cfg->file);
        return -1;
    }
    vb_cfg_section *head = &cfg->sections[0];
    if (read_model_section(m, head, err, err_len)) return -1;
    if (opts && opts->classes > 0) m->classes = opts->classes;
    if (build_layers(m, cfg, err, err_len) || vb_cfg_check_unused(cfg, err, err_len))
        return -1;
    if (m->count == 0) return vb_cfg_error(head, err, err_len, "the model has no layers");
    vb_shape out = m->layers[m->count - 1].out;
    if (vb_shape_numel(out) != m->classes)
        return vb_cfg_error(&cfg->sections[cfg->count - 1], err, err_len,
                            "the last layer gives %lldx%lldx%lld values per image, but "
                            "classes = %lld",
                            (long long)out.h, (long long)out.w, (long long)out.c,
                            (long long)m->classes);
    return 0;
}

static int load_with(vb_model *m, vb_cfg *cfg, int parsed, const vb_model_opts *opts,
                     char *err, size_t err_len)
{
    int rc = parsed == 0 ? build(m, cfg, opts, err, err_len) : -1;
    if (rc == 0 && !(m->config = vb_cfg_resolved_text(cfg))) {
        snprintf(err, err_len, "%s: out of memory", m->name);
        rc = -1;
    }
    vb_cfg_free(cfg);
    if (rc != 0) vb_model_free(m);
    return rc;
}

int vb_model_load_opts(vb_model *m, const char *path, const vb_model_opts *opts, char *err,
                       size_t err_len)
{
    memset(m, 0, sizeof *m);
    vb_param_block_init(&m->params);
    vb_cfg cfg;
    return load_with(m, &cfg, vb_cfg_load(&cfg, path, err, err_len), opts, err, err_len);
}

int vb_model_load(vb_model *m, const char *path, char *err, size_t err_len)
{
    return vb_model_load_opts(m, path, NULL, err, err_len);
}

int vb_model_parse(vb_model *m, const char *name, const char *text, char *err, size_t err_len)
{
    memset(m, 0, sizeof *m);
    vb_param_block_init(&m->params);
    vb_cfg cfg;
    return load_with(m, &cfg, vb_cfg_parse(&cfg, name, text, err, err_len), NULL, err,
                     err_len);
}

void vb_model_count(const vb_model *m, vb_counts *c)
{
    memset(c, 0, sizeof *c);
    for (int i = 0; i < m->count; i++) m->layers[i].kind->count(&m->layers[i], c);
}

/* ---- memory ------------------------------------------------------------------------- */

/* Floats of the arena for `batch`: activations and their gradients between layers (the
 * input and the logits' gradient belong to the caller), plus every layer's state. Each
 * layer's part fits (check_sizes); their sum saturates at SIZE_MAX. */
static size_t arena_floats(const vb_model *m, int64_t batch)
{
    if (batch < 1 || batch > VB_BATCH_MAX) return SIZE_MAX;
    size_t total = 0;
    for (int i = 0; i < m->count; i++) {
        const vb_layer *l = &m->layers[i];
        size_t out = (size_t)(batch * vb_shape_numel(l->out));
        total = vb_size_add(total, i + 1 < m->count ? 2 * out : out); /* logits: no gradient */
        if (l->kind->state_floats) total = vb_size_add(total, l->kind->state_floats(l, batch));
    }
    return total;
}

size_t vb_model_bytes(const vb_model *m, int64_t batch)
{
    size_t floats = vb_size_add(arena_floats(m, batch), vb_size_mul(2, m->params.total));
    return vb_size_mul(floats, sizeof(float));
}

static void free_arena(vb_model *m)
{
    vb_free(m->arena);
    free(m->act);
    free(m->grad);
    m->arena = NULL;
    m->act = m->grad = NULL;
    m->batch = m->capacity = 0;
}

int vb_model_alloc(vb_model *m, int64_t batch)
{
    if (batch < 1 || batch > VB_BATCH_MAX ||
        (!m->params.data && vb_param_block_alloc(&m->params) != 0))
        return -1;
    free_arena(m);
    m->arena_floats = arena_floats(m, batch);
    m->arena = vb_alloc(vb_size_mul(m->arena_floats, sizeof(float)));
    m->act = calloc((size_t)m->count + 1, sizeof *m->act);
    m->grad = calloc((size_t)m->count + 1, sizeof *m->grad);
    if (!m->arena || !m->act || !m->grad) {
        free_arena(m);
        return -1;
    }
    float *next = m->arena;
    for (int i = 0; i < m->count; i++) {
        vb_layer *l = &m->layers[i];
        size_t out = (size_t)(batch * vb_shape_numel(l->out));
        m->act[i + 1] = next;
        next += out;
        if (i + 1 < m->count) {
            m->grad[i + 1] = next;
            next += out;
        }
        l->batch = batch;
        l->state = next;
        if (l->kind->state_floats) next += l->kind->state_floats(l, batch);
    }
    m->batch = m->capacity = batch;
    return 0;
}

/* Layers lay their state out from l->state by l->batch, so a smaller batch fits in the
 * region planned for the capacity. */
int vb_model_set_batch(vb_model *m, int64_t batch)
{
    if (batch < 1 || batch > m->capacity) return -1;
    for (int i = 0; i < m->count; i++) m->layers[i].batch = batch;
    m->batch = batch;
    return 0;
}

void vb_model_init_params(vb_model *m, uint64_t seed)
{
    for (int i = 0; i < m->count; i++) {
        const vb_layer *l = &m->layers[i];
        if (l->kind->init) l->kind->init(l, &m->params, vb_hash64(seed, (uint64_t)i));
    }
}

int vb_model_replicate(vb_model *replica, const vb_model *origin, int64_t capacity,
                       char *err, size_t err_len)
{
    memset(replica, 0, sizeof *replica);
    vb_param_block_init(&replica->params);
    vb_cfg cfg;
    const vb_model_opts opts = {.classes = origin->classes};
    if (load_with(replica, &cfg, vb_cfg_parse(&cfg, origin->name, origin->config, err, err_len),
                  &opts, err, err_len) != 0)
        return -1;
    /* The same description gives the same parameter layout; borrow origin's values. */
    replica->params.data = origin->params.data;
    replica->params_borrowed = 1;
    if (replica->params.total != origin->params.total || vb_model_alloc(replica, capacity)) {
        snprintf(err, err_len, "%s: cannot make a replica for %lld images", origin->name,
                 (long long)capacity);
        vb_model_free(replica);
        return -1;
    }
    return 0;
}

/* ---- running ------------------------------------------------------------------------ */

int vb_model_forward(vb_model *m, vb_run *r, const float *images, const float **logits)
{
    m->act[0] = (float *)images; /* read only: layer 0 never writes its input */
    r->params = &m->params;
    for (int i = 0; i < m->count; i++) {
        vb_layer *l = &m->layers[i];
        r->layer = l->name;
        if (l->kind->forward(l, r, m->act[i], m->act[i + 1]) != 0) return -1;
    }
    *logits = m->act[m->count];
    return 0;
}

int vb_model_backward(vb_model *m, vb_run *r, const float *dlogits)
{
    r->params = &m->params;
    for (int i = 1; i < m->count; i++)
        memset(m->grad[i], 0, (size_t)(m->batch * vb_shape_numel(m->layers[i - 1].out)) *
                                  sizeof(float));
    m->grad[m->count] = (float *)dlogits; /* read only */
    for (int i = m->count - 1; i >= 0; i--) {
        vb_layer *l = &m->layers[i];
        r->layer = l->name;
        float *dx = i > 0 ? m->grad[i] : NULL;
        if (l->kind->backward(l, r, m->act[i], m->act[i + 1], m->grad[i + 1], dx) != 0)
            return -1;
    }
    return 0;
}

void vb_model_free(vb_model *m)
{
    for (int i = 0; i < m->count; i++) {
        vb_layer *l = &m->layers[i];
        if (l->kind->destroy) l->kind->destroy(l);
        else free(l->priv);
    }
    free(m->layers);
    free(m->config);
    free_arena(m);
    if (m->params_borrowed) m->params.data = m->params.grad = NULL; /* origin's; not ours */
    vb_param_block_free(&m->params);
    memset(m, 0, sizeof *m);
}
