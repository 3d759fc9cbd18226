/* [posemb]: position embedding added to the token sequence, (T, 1, C) -> (T, 1, C).
 *
 *   kind = learnable | frozen | sinusoidal | none          default learnable
 *   init = uniform | trunc_normal | glorot_uniform | zeros   (learnable and frozen)
 *   init_scale = s     uniform: the limit (default 0.05, Keras Embedding);
 *                      trunc_normal: the std (default 0.2, the official CCT code)
 *
 * y[b,t,:] = x[b,t,:] + table[t,:]. learnable: parameter "table" (T, C); glorot_uniform
 * uses Keras's fans for an add_weight of shape (1, T, C), fan_in T and fan_out C (the Qiita
 * ViT). frozen: a table drawn like a learnable one, saved with the weights, but never
 * trained (no gradient, no update, no weight decay) and not counted as a parameter: the TF
 * Keras CCT example (seeds 000/001) calls its Embedding on a constant tf.range outside the
 * functional graph, so Keras adds the initial table as a constant and never trains it (its
 * model.summary() omits the layer; keras-core PR #663 found and fixed the same pattern).
 * sinusoidal: the fixed table of the official CCT code, precomputed here; none: the
 * identity (a model without position information). */
#include <math.h>
#include <stdlib.h>
#include "seq_common.h"

enum { LEARNABLE, FROZEN, SINUSOIDAL, NONE };

typedef struct posemb {
    int kind;
    vb_init init;
    double init_scale;
    float table[]; /* sinusoidal only: (T, C) */
} posemb;

/* learnable and frozen keep their table in the parameter block (vb_layer_param). */
static int has_table(const posemb *p)
{
    return p->kind == LEARNABLE || p->kind == FROZEN;
}

/* table[t][i] = sin(t / 10000^(2⌊i/2⌋/C)) on even i, cos(...) on odd i. The angle is
 * rounded to f32 before the sine, as the official code builds it in a FloatTensor. */
static void sinusoidal(float *table, int64_t tokens, int64_t c)
{
    for (int64_t t = 0; t < tokens; t++)
        for (int64_t i = 0; i < c; i++) {
            float angle = (float)((double)t / pow(10000.0, (double)(2 * (i / 2)) / (double)c));
            table[t * c + i] = (float)(i % 2 == 0 ? sin(angle) : cos(angle));
        }
}

static int read_init(posemb *p, vb_cfg_section *s, char *err, size_t err_len)
{
    static const vb_init inits[] = {VB_INIT_UNIFORM, VB_INIT_TRUNC_NORMAL,
                                    VB_INIT_GLOROT_UNIFORM, VB_INIT_ZEROS};
    if (!has_table(p)) {
        if (vb_cfg_find(s, "init") || vb_cfg_find(s, "init_scale"))
            return vb_cfg_error(s, err, err_len,
                                "init and init_scale apply only to kind = learnable or frozen");
        return 0;
    }
    if (vb_seq_read_init(s, inits, 4, VB_INIT_UNIFORM, &p->init, err, err_len))
        return -1;
    return vb_init_scale_read(s, p->init, p->init == VB_INIT_UNIFORM ? 0.05 : 0.2,
                              &p->init_scale, err, err_len);
}

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len)
{
    (void)site;
    static const char *const kinds[] = {"learnable", "frozen", "sinusoidal", "none", NULL};
    int kind;
    if (vb_cfg_enum_or(s, "kind", kinds, LEARNABLE, &kind, err, err_len)) return -1;
    size_t table = kind == SINUSOIDAL ? (size_t)vb_shape_numel(l->in) : 0;
    posemb *p = calloc(1, sizeof *p + table * sizeof(float));
    if (!p) return vb_cfg_error(s, err, err_len, "out of memory");
    l->priv = p;
    p->kind = kind;
    if (read_init(p, s, err, err_len)) return -1;
    if (kind == SINUSOIDAL) sinusoidal(p->table, vb_shape_tokens(l->in), l->in.c);
    l->out = l->in;
    return 0;
}

static int declare(vb_layer *l, vb_param_block *pb)
{
    const posemb *p = l->priv;
    if (!has_table(p)) return 0;
    int64_t shape[2] = {vb_shape_tokens(l->in), l->in.c};
    int index = vb_seq_declare(pb, l, "table", 2, shape);
    if (index < 0) return -1;
    pb->params[index].frozen = p->kind == FROZEN;
    return 0;
}

static void count(const vb_layer *l, vb_counts *c)
{
    const posemb *p = l->priv;
    if (p->kind == LEARNABLE) c->params[l->component] += vb_shape_numel(l->in);
}

static void init(const vb_layer *l, vb_param_block *pb, uint64_t seed)
{
    const posemb *p = l->priv;
    if (!has_table(p)) return;
    vb_init_fill(vb_param_data(pb, l->first_param), vb_shape_numel(l->in), p->init,
                 vb_shape_tokens(l->in), l->in.c, p->init_scale, seed);
}

static vb_add_desc desc(const vb_layer *l)
{
    return (vb_add_desc){.n = l->batch * vb_shape_numel(l->in), .nb = vb_shape_numel(l->in)};
}

// x (B, T, C) + table (T, C) -> y (B, T, C)
static int forward(vb_layer *l, vb_run *r, const float *x, float *y)
{
    const posemb *p = l->priv;
    if (p->kind == NONE) return vb_seq_pass_forward(l, r, x, y);
    const float *table = has_table(p) ? vb_layer_param(l, r, 0) : p->table;
    vb_add_desc d = desc(l);
    VB_RUN(r, add_fwd, &d, x, table, y);
    return 0;
}

// dx += dy;  dtable += Σ_b dy[b]  (learnable only)
static int backward(vb_layer *l, vb_run *r, const float *x, const float *y, const float *dy,
                    float *dx)
{
    const posemb *p = l->priv;
    if (p->kind == NONE) return vb_seq_pass_backward(l, r, x, y, dy, dx);
    float *dtable = p->kind == LEARNABLE ? vb_layer_grad(l, r, 0) : NULL;
    if (!dx && !dtable) return 0;
    vb_add_desc d = desc(l);
    VB_RUN(r, add_bwd, &d, dy, dx, dtable);
    return 0;
}

const vb_layer_kind vb_layer_posemb = {
    .name = "posemb",
    .component = {VB_COMP_POSITION, VB_COMP_POSITION},
    .configure = configure,
    .declare = declare,
    .count = count,
    .init = init,
    .forward = forward,
    .backward = backward,
};
