/* [layernorm]: layer normalisation over the channels of every token.
 *
 *   eps = e      added to the variance (default 1e-5, Keras CCT and PyTorch; the Keras ViT
 *                seeds use 1e-6 — the description files say which explicitly)
 *
 *   y = (x − mean) · rstd · gamma + beta,  rstd = 1/sqrt(var + eps) over the C channels
 * x, y (B·T, C); parameters "gamma" (C) ones and "beta" (C) zeros. Forward keeps mean and
 * rstd per row in the state for backward. The accounting bucket is the one the driver
 * chose (tokenizer for SPT's norm, norm for the encoder's final one). */
#include <stdlib.h>
#include "seq_common.h"

typedef struct layernorm {
    float eps;
} layernorm;

enum { GAMMA, BETA };

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len)
{
    (void)site;
    layernorm *p = calloc(1, sizeof *p);
    if (!p) return vb_cfg_error(s, err, err_len, "out of memory");
    l->priv = p;
    double eps;
    if (vb_cfg_float_or(s, "eps", 1e-5, &eps, err, err_len)) return -1;
    if (!(eps > 0 && eps < 1))
        return vb_cfg_key_error(s, "eps", err, err_len, "must be in (0, 1), got %g", eps);
    p->eps = (float)eps;
    l->out = l->in;
    return 0;
}

static int declare(vb_layer *l, vb_param_block *pb)
{
    int64_t c = l->in.c;
    if (vb_seq_declare(pb, l, "gamma", 1, &c) < 0 || vb_seq_declare(pb, l, "beta", 1, &c) < 0)
        return -1;
    return 0;
}

/* Element-wise work, per value: the sum for the mean, the centring, the square-and-add
 * for the variance, the scaling by rstd and the affine gamma·x̂ + beta: 5 ops. */
static void count(const vb_layer *l, vb_counts *c)
{
    c->params[l->component] += 2 * l->in.c;
    c->softmax_norm_ops += 5.0 * (double)vb_shape_numel(l->in);
}

/* mean and rstd, one each per row. */
static size_t state_floats(const vb_layer *l, int64_t batch)
{
    return (size_t)(2 * batch * vb_shape_tokens(l->in));
}

static void init(const vb_layer *l, vb_param_block *pb, uint64_t seed)
{
    int64_t c = l->in.c;
    vb_init_fill(vb_param_data(pb, l->first_param + GAMMA), c, VB_INIT_ONES, 0, 0, 0, seed);
    vb_init_fill(vb_param_data(pb, l->first_param + BETA), c, VB_INIT_ZEROS, 0, 0, 0, seed);
}

static vb_layernorm_desc desc(const vb_layer *l)
{
    const layernorm *p = l->priv;
    return (vb_layernorm_desc){.rows = l->batch * vb_shape_tokens(l->in), .cols = l->in.c,
                               .eps = p->eps};
}

static int forward(vb_layer *l, vb_run *r, const float *x, float *y)
{
    vb_layernorm_desc d = desc(l);
    float *mean = l->state, *rstd = l->state + d.rows;
    VB_RUN(r, layernorm_fwd, &d, x, vb_layer_param(l, r, GAMMA), vb_layer_param(l, r, BETA),
           y, mean, rstd);
    return 0;
}

static int backward(vb_layer *l, vb_run *r, const float *x, const float *y, const float *dy,
                    float *dx)
{
    (void)y;
    vb_layernorm_desc d = desc(l);
    const float *mean = l->state, *rstd = l->state + d.rows;
    VB_RUN(r, layernorm_bwd, &d, x, vb_layer_param(l, r, GAMMA), mean, rstd, dy, dx,
           vb_layer_grad(l, r, GAMMA), vb_layer_grad(l, r, BETA));
    return 0;
}

const vb_layer_kind vb_layer_layernorm = {
    .name = "layernorm",
    .component = {VB_COMP_TOKENIZER, VB_COMP_NORM},
    .configure = configure,
    .declare = declare,
    .count = count,
    .state_floats = state_floats,
    .init = init,
    .forward = forward,
    .backward = backward,
};
