/* [seqpool]: CCT's sequence pooling, (T, 1, C) -> (1, 1, C).
 * Keys: init = glorot_uniform (Keras Dense(1), default) | trunc_normal (official CCT's
 * Linear(C, 1)), init_scale (trunc_normal's std, default 0.02).
 *
 *   s[t] = x[t,:]·weight + bias      a Dense(1) scoring every token
 *   a = softmax_t(s)                 attention weights over the tokens (kept in the state)
 *   y = Σ_t a[t] · x[t,:]            their weighted sum
 *
 * Parameters "weight" (C), Keras Dense(1)'s kernel with glorot_uniform fans (C, 1), and
 * "bias" (1) zeros. */
#include "seq_common.h"

#include <stdlib.h>

enum { WEIGHT, BIAS };

typedef struct seqpool {
    vb_init init;
    double init_scale;
} seqpool;

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len)
{
    (void)site;
    static const vb_init inits[] = {VB_INIT_GLOROT_UNIFORM, VB_INIT_TRUNC_NORMAL};
    seqpool *p = calloc(1, sizeof *p);
    if (!p) return vb_cfg_error(s, err, err_len, "out of memory");
    l->priv = p;
    if (vb_seq_read_init(s, inits, 2, VB_INIT_GLOROT_UNIFORM, &p->init, err, err_len) ||
        vb_init_scale_read(s, p->init, 0.02, &p->init_scale, err, err_len))
        return -1;
    l->out = (vb_shape){1, 1, l->in.c};
    return 0;
}

static int declare(vb_layer *l, vb_param_block *pb)
{
    int64_t one = 1;
    if (vb_seq_declare(pb, l, "weight", 1, &l->in.c) < 0 ||
        vb_seq_declare(pb, l, "bias", 1, &one) < 0)
        return -1;
    return 0;
}

/* MACs: the scores (T·C) and the weighted sum (T·C), both in its component (pool). The softmax
 * over the T scores counts 3 element-wise ops per score (exp, sum, divide). */
static void count(const vb_layer *l, vb_counts *c)
{
    int64_t t = vb_shape_tokens(l->in);
    c->params[l->component] += l->in.c + 1;
    c->macs[l->component] += 2.0 * (double)t * (double)l->in.c;
    c->dense_bias_features += 1; /* the scores' bias */
    c->softmax_norm_ops += 3.0 * (double)t;
}

/* The attention weights a, (B, T). */
static size_t state_floats(const vb_layer *l, int64_t batch)
{
    return (size_t)(batch * vb_shape_tokens(l->in));
}

static void init(const vb_layer *l, vb_param_block *pb, uint64_t seed)
{
    const seqpool *p = l->priv;
    int64_t c = l->in.c;
    vb_init_fill(vb_param_data(pb, l->first_param + WEIGHT), c, p->init, c, 1, p->init_scale,
                 seed);
    vb_init_fill(vb_param_data(pb, l->first_param + BIAS), 1, VB_INIT_ZEROS, 0, 0, 0, seed);
}

static vb_seqpool_desc desc(const vb_layer *l)
{
    return (vb_seqpool_desc){.batch = l->batch, .tokens = vb_shape_tokens(l->in),
                             .dim = l->in.c};
}

static int forward(vb_layer *l, vb_run *r, const float *x, float *y)
{
    vb_seqpool_desc d = desc(l);
    VB_RUN(r, seqpool_fwd, &d, x, vb_layer_param(l, r, WEIGHT), vb_layer_param(l, r, BIAS), y,
           l->state);
    return 0;
}

static int backward(vb_layer *l, vb_run *r, const float *x, const float *y, const float *dy,
                    float *dx)
{
    (void)y;
    vb_seqpool_desc d = desc(l);
    VB_RUN(r, seqpool_bwd, &d, x, vb_layer_param(l, r, WEIGHT), l->state, dy, dx,
           vb_layer_grad(l, r, WEIGHT), vb_layer_grad(l, r, BIAS));
    return 0;
}

const vb_layer_kind vb_layer_seqpool = {
    .name = "seqpool",
    .component = {VB_COMP_POOL, VB_COMP_POOL},
    .configure = configure,
    .declare = declare,
    .count = count,
    .state_floats = state_floats,
    .init = init,
    .forward = forward,
    .backward = backward,
};
