/* [dense]: a fully connected layer on the last axis (Keras Dense, PyTorch Linear).
 *
 *   units = N | classes         output width (required); `classes` = the model's class count
 *   bias = yes|no               default yes
 *   activation = none|relu|gelu|gelu_tanh   default none (gelu: the exact erf form;
 *                               gelu_tanh: the tanh approximation, ops.h)
 *   init = glorot_uniform | trunc_normal | he_normal | kaiming_normal   (default: Keras's)
 *   init_scale = s              the std of trunc_normal (default 0.02, as timm / CCT)
 *
 * Every token is a row: x (B·T, C) · W (C, units) + b (units) -> y (B·T, units), with
 * T = h·w, so (T,1,C) token sequences and (1,1,C) vectors go through the same GEMM.
 * Parameters: "weight" (C, units) in Keras's layout (y = x·W + b), "bias" (units) zeros. */
#include <stdlib.h>
#include <string.h>
#include "seq_common.h"

typedef struct dense {
    int64_t units;
    int bias;
    vb_act act;
    vb_init init;
    double init_scale;
} dense;

enum { WEIGHT, BIAS };

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len)
{
    /* vb_act order */
    static const char *const acts[] = {"none", "relu", "gelu", "gelu_tanh", NULL};
    static const vb_init inits[] = {VB_INIT_GLOROT_UNIFORM, VB_INIT_TRUNC_NORMAL,
                                    VB_INIT_HE_NORMAL, VB_INIT_KAIMING_NORMAL};
    dense *p = calloc(1, sizeof *p);
    if (!p) return vb_cfg_error(s, err, err_len, "out of memory");
    l->priv = p;
    int act;
    /* `units = classes`: the classifier follows the model's class count. */
    const char *units = vb_cfg_find(s, "units");
    if (units && strcmp(units, "classes") == 0) p->units = site.classes;
    else if (vb_cfg_int_in(s, "units", 1, VB_WIDTH_MAX, &p->units, err, err_len)) return -1;
    if (vb_cfg_bool_or(s, "bias", 1, &p->bias, err, err_len) ||
        vb_cfg_enum_or(s, "activation", acts, 0, &act, err, err_len) ||
        vb_seq_read_init(s, inits, 4, VB_INIT_GLOROT_UNIFORM, &p->init, err, err_len) ||
        vb_init_scale_read(s, p->init, 0.02, &p->init_scale, err, err_len))
        return -1;
    p->act = (vb_act)act;
    l->out = (vb_shape){l->in.h, l->in.w, p->units};
    return 0;
}

static int declare(vb_layer *l, vb_param_block *pb)
{
    const dense *p = l->priv;
    int64_t w[2] = {l->in.c, p->units};
    if (vb_seq_declare(pb, l, "weight", 2, w) < 0) return -1;
    if (p->bias && vb_seq_declare(pb, l, "bias", 1, &p->units) < 0) return -1;
    return 0;
}

static void count(const vb_layer *l, vb_counts *c)
{
    const dense *p = l->priv;
    c->params[l->component] += l->in.c * p->units + (p->bias ? p->units : 0);
    c->macs[l->component] += (double)vb_shape_tokens(l->in) * l->in.c * p->units;
    if (p->bias) c->dense_bias_features += (double)p->units;
    if (p->act != VB_ACT_NONE) c->dense_activation_values += (double)vb_shape_numel(l->out);
}

/* With an activation the state holds the pre-activation (B·T, units), which GELU's and
 * ReLU's derivatives need, then as much scratch for d(pre-activation) in backward. */
static size_t state_floats(const vb_layer *l, int64_t batch)
{
    const dense *p = l->priv;
    return p->act == VB_ACT_NONE ? 0 : (size_t)(2 * batch * vb_shape_numel(l->out));
}

static void init(const vb_layer *l, vb_param_block *pb, uint64_t seed)
{
    const dense *p = l->priv;
    int64_t c = l->in.c;
    vb_init_fill(vb_param_data(pb, l->first_param + WEIGHT), c * p->units, p->init, c,
                 p->units, p->init_scale, seed);
    if (p->bias)
        vb_init_fill(vb_param_data(pb, l->first_param + BIAS), p->units, VB_INIT_ZEROS, 0, 0,
                     0, seed);
}

/* The activation is a separate element-wise op rather than the GEMM's epilogue: the
 * epilogue would overwrite the pre-activation that backward needs, and recomputing it
 * would cost a second GEMM. The pre-activation lives in the state instead. */
static int forward(vb_layer *l, vb_run *r, const float *x, float *y)
{
    const dense *p = l->priv;
    int64_t rows = l->batch * vb_shape_tokens(l->in), c = l->in.c;
    const float *w = vb_layer_param(l, r, WEIGHT);
    const float *b = p->bias ? vb_layer_param(l, r, BIAS) : NULL;
    float *pre = p->act == VB_ACT_NONE ? y : l->state;
    // x (rows, C) · w (C, units) + b -> pre (rows, units)
    vb_gemm_desc g = {.batch = 1, .m = rows, .n = p->units, .k = c, .lda = c,
                      .ldb = p->units, .ldc = p->units, .alpha = 1.0f, .beta = 0.0f,
                      .has_bias = p->bias, .act = VB_ACT_NONE};
    VB_RUN(r, gemm, &g, x, w, b, pre);
    return vb_seq_act_forward(r, p->act, rows * p->units, pre, y);
}

static int backward(vb_layer *l, vb_run *r, const float *x, const float *y, const float *dy,
                    float *dx)
{
    (void)y;
    const dense *p = l->priv;
    int64_t rows = l->batch * vb_shape_tokens(l->in), c = l->in.c, n = rows * p->units;
    const float *dpre = dy; /* ∂L/∂(x·W + b), (rows, units) */
    if (p->act != VB_ACT_NONE) {
        const float *pre = l->state;
        float *scratch = l->state + n;
        memset(scratch, 0, (size_t)n * sizeof(float));
        if (vb_seq_act_backward(r, p->act, n, pre, dy, scratch)) return -1;
        dpre = scratch;
    }
    // dW (C, units) += xᵀ (C, rows) · dpre (rows, units)
    vb_gemm_desc dw = {.batch = 1, .m = c, .n = p->units, .k = rows, .trans_a = 1, .lda = c,
                       .ldb = p->units, .ldc = p->units, .alpha = 1.0f, .beta = 1.0f};
    VB_RUN(r, gemm, &dw, x, dpre, NULL, vb_layer_grad(l, r, WEIGHT));
    if (p->bias) { // db (units) += Σ_rows dpre
        vb_add_desc db = {.n = n, .nb = p->units};
        VB_RUN(r, add_bwd, &db, dpre, NULL, vb_layer_grad(l, r, BIAS));
    }
    if (dx) { // dx (rows, C) += dpre (rows, units) · Wᵀ (units, C)
        vb_gemm_desc dd = {.batch = 1, .m = rows, .n = c, .k = p->units, .trans_b = 1,
                           .lda = p->units, .ldb = p->units, .ldc = c, .alpha = 1.0f,
                           .beta = 1.0f};
        VB_RUN(r, gemm, &dd, dpre, vb_layer_param(l, r, WEIGHT), NULL, dx);
    }
    return 0;
}

const vb_layer_kind vb_layer_dense = {
    .name = "dense",
    .component = {VB_COMP_TOKENIZER, VB_COMP_HEAD},
    .configure = configure,
    .declare = declare,
    .count = count,
    .state_floats = state_floats,
    .init = init,
    .forward = forward,
    .backward = backward,
};
