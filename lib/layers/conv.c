/* [conv]: 2-D convolution with an optional bias and ReLU (the CCT tokenizer's conv).
 *
 *   filters = 64   size = 3   stride = 1   padding = valid | same | <int>
 *   bias = yes|no   activation = none|relu   init = glorot_uniform | he_normal | kaiming_normal
 *
 *   x (B, H, W, C)  weight (k, k, C, F) HWIO  bias (F)  →  y (B, OH, OW, F)
 *   y = act(conv(x, weight) + bias)
 * Parameters "<name>.weight" (fan_in = k·k·C, fan_out = k·k·F, as Keras computes them for
 * glorot_uniform) and "<name>.bias" (zeros). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "init.h"
#include "vitbench/layer.h"
#include "vitbench/rng.h"
#include "window.h"

enum { WEIGHT = 0, BIAS = 1 };

typedef struct conv {
    vb_conv2d_desc d; /* n is set per call from the layer's batch */
    int relu;
    vb_init init;
} conv;

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len)
{
    (void)site;
    static const char *const activations[] = {"none", "relu", NULL};
    static const char *const inits[] = {"glorot_uniform", "he_normal", "kaiming_normal", NULL};
    static const vb_init init_kinds[] = {VB_INIT_GLOROT_UNIFORM, VB_INIT_HE_NORMAL,
                                         VB_INIT_KAIMING_NORMAL};
    int64_t filters;
    int bias, relu, init;
    vb_layer_window w;
    if (vb_cfg_int_in(s, "filters", 1, VB_WIDTH_MAX, &filters, err, err_len) ||
        vb_layer_window_read(s, l->in, 1, &w, err, err_len) ||
        vb_cfg_bool_or(s, "bias", 1, &bias, err, err_len) ||
        vb_cfg_enum_or(s, "activation", activations, 0, &relu, err, err_len) ||
        vb_cfg_enum_or(s, "init", inits, 0, &init, err, err_len))
        return -1;
    conv *p = calloc(1, sizeof *p);
    if (!p) return vb_cfg_error(s, err, err_len, "out of memory");
    p->d = (vb_conv2d_desc){.h = l->in.h, .w = l->in.w, .c = l->in.c, .oc = filters,
                            .kh = w.size, .kw = w.size, .stride_h = w.stride,
                            .stride_w = w.stride, .pad_top = w.pad_top,
                            .pad_bottom = w.pad_bottom, .pad_left = w.pad_left,
                            .pad_right = w.pad_right, .oh = w.oh, .ow = w.ow,
                            .has_bias = bias};
    p->relu = relu;
    p->init = init_kinds[init];
    l->priv = p;
    l->out = (vb_shape){w.oh, w.ow, filters};
    return 0;
}

static int declare(vb_layer *l, vb_param_block *pb)
{
    const conv *p = l->priv;
    char name[VB_PARAM_NAME_MAX];
    int64_t wshape[4] = {p->d.kh, p->d.kw, p->d.c, p->d.oc};
    snprintf(name, sizeof name, "%s.weight", l->name);
    if (vb_param_block_add(pb, name, 4, wshape) < 0) return -1;
    if (!p->d.has_bias) return 0;
    snprintf(name, sizeof name, "%s.bias", l->name);
    return vb_param_block_add(pb, name, 1, &p->d.oc) < 0 ? -1 : 0;
}

static void count(const vb_layer *l, vb_counts *c)
{
    const vb_conv2d_desc *d = &((const conv *)l->priv)->d;
    int64_t taps = d->kh * d->kw * d->c; /* MACs per output value */
    c->params[l->component] += taps * d->oc + (d->has_bias ? d->oc : 0);
    c->macs[l->component] += (double)(d->oh * d->ow * d->oc) * (double)taps;
    if (((const conv *)l->priv)->relu) c->relu_pool_values += (double)(d->oh * d->ow * d->oc);
}

/* d(pre-activation) for the ReLU's backward, (batch, out). */
static size_t state_floats(const vb_layer *l, int64_t batch)
{
    return ((const conv *)l->priv)->relu ? (size_t)(batch * vb_shape_numel(l->out)) : 0;
}

static void init(const vb_layer *l, vb_param_block *pb, uint64_t seed)
{
    const vb_conv2d_desc *d = &((const conv *)l->priv)->d;
    int64_t area = d->kh * d->kw;
    vb_init_fill(vb_param_data(pb, l->first_param + WEIGHT), area * d->c * d->oc,
                 ((const conv *)l->priv)->init, area * d->c, area * d->oc, 0.0,
                 vb_hash64(seed, WEIGHT));
    if (d->has_bias)
        vb_init_fill(vb_param_data(pb, l->first_param + BIAS), d->oc, VB_INIT_ZEROS, 0, 0,
                     0.0, 0);
}

static int forward(vb_layer *l, vb_run *r, const float *x, float *y)
{
    const conv *p = l->priv;
    vb_conv2d_desc d = p->d;
    d.n = l->batch;
    const float *bias = d.has_bias ? vb_layer_param(l, r, BIAS) : NULL;
    VB_RUN(r, conv2d_fwd, &d, x, vb_layer_param(l, r, WEIGHT), bias, y);
    if (p->relu) {
        vb_eltwise_desc e = {l->batch * vb_shape_numel(l->out)};
        VB_RUN(r, relu_fwd, &e, y, y);
    }
    return 0;
}

static int backward(vb_layer *l, vb_run *r, const float *x, const float *y, const float *dy,
                    float *dx)
{
    const conv *p = l->priv;
    vb_conv2d_desc d = p->d;
    d.n = l->batch;
    const float *dpre = dy;
    if (p->relu) {
        /* ReLU's derivative from its output: y > 0 exactly where the pre-activation is. */
        vb_eltwise_desc e = {l->batch * vb_shape_numel(l->out)};
        memset(l->state, 0, (size_t)e.n * sizeof(float));
        VB_RUN(r, relu_bwd, &e, y, dy, l->state);
        dpre = l->state;
    }
    float *dbias = d.has_bias ? vb_layer_grad(l, r, BIAS) : NULL;
    VB_RUN(r, conv2d_bwd_weights, &d, x, dpre, vb_layer_grad(l, r, WEIGHT), dbias);
    if (dx) VB_RUN(r, conv2d_bwd_data, &d, dpre, vb_layer_param(l, r, WEIGHT), dx);
    return 0;
}

const vb_layer_kind vb_layer_conv = {
    .name = "conv",
    .component = {VB_COMP_TOKENIZER, VB_COMP_HEAD},
    .configure = configure,
    .declare = declare,
    .count = count,
    .state_floats = state_floats,
    .init = init,
    .forward = forward,
    .backward = backward,
};
