/* [class_token]: a learned token joined to the sequence, (T, 1, C) -> (T+1, 1, C).
 *
 *   position = prepend | append    default prepend (ViT, CCT's class-token variant); the
 *                                  Qiita ViT appends it after the patch tokens
 *   init = glorot_uniform | zeros | trunc_normal   default glorot_uniform (Keras add_weight)
 *   init_scale = s                 the std of trunc_normal (default 0.02, as timm)
 *
 * Parameter "token" (C). glorot_uniform uses Keras's fans for a (1, 1, C) weight, computed
 * from its last two dims: fan_in 1, fan_out C. Backward adds dy's patch rows into dx and
 * the sum over the batch of dy's token row into the token's gradient. */
#include <stdlib.h>
#include <string.h>
#include "seq_common.h"

typedef struct class_token {
    int append;
    vb_init init;
    double init_scale;
} class_token;

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len)
{
    (void)site;
    static const char *const positions[] = {"prepend", "append", NULL};
    static const vb_init inits[] = {VB_INIT_GLOROT_UNIFORM, VB_INIT_ZEROS,
                                    VB_INIT_TRUNC_NORMAL};
    class_token *p = calloc(1, sizeof *p);
    if (!p) return vb_cfg_error(s, err, err_len, "out of memory");
    l->priv = p;
    if (vb_cfg_enum_or(s, "position", positions, 0, &p->append, err, err_len) ||
        vb_seq_read_init(s, inits, 3, VB_INIT_GLOROT_UNIFORM, &p->init, err, err_len) ||
        vb_init_scale_read(s, p->init, 0.02, &p->init_scale, err, err_len))
        return -1;
    l->out = (vb_shape){vb_shape_tokens(l->in) + 1, 1, l->in.c};
    return 0;
}

static int declare(vb_layer *l, vb_param_block *pb)
{
    return vb_seq_declare(pb, l, "token", 1, &l->in.c) < 0 ? -1 : 0;
}

static void count(const vb_layer *l, vb_counts *c)
{
    c->params[l->component] += l->in.c;
}

static void init(const vb_layer *l, vb_param_block *pb, uint64_t seed)
{
    const class_token *p = l->priv;
    vb_init_fill(vb_param_data(pb, l->first_param), l->in.c, p->init, 1, l->in.c,
                 p->init_scale, seed);
}

/* Row of the output sequence (per sample) where the token sits, and where x starts. */
static int64_t token_row(const vb_layer *l)
{
    const class_token *p = l->priv;
    return p->append ? vb_shape_tokens(l->in) : 0;
}

static int64_t first_patch_row(const vb_layer *l)
{
    const class_token *p = l->priv;
    return p->append ? 0 : 1;
}

// x (B, T, C), token (C) -> y (B, T+1, C)
static int forward(vb_layer *l, vb_run *r, const float *x, float *y)
{
    int64_t c = l->in.c, per_x = vb_shape_numel(l->in), per_y = vb_shape_numel(l->out);
    const float *tok = vb_layer_param(l, r, 0);
    for (int64_t b = 0; b < l->batch; b++) {
        float *yb = y + b * per_y;
        memcpy(yb + first_patch_row(l) * c, x + b * per_x, (size_t)per_x * sizeof(float));
        memcpy(yb + token_row(l) * c, tok, (size_t)c * sizeof(float));
    }
    return 0;
}

/* The token's gradient is summed over the batch in double and added once, so that a
 * second backward adds exactly the same amount (gradients accumulate, layer.h). */
static int backward(vb_layer *l, vb_run *r, const float *x, const float *y, const float *dy,
                    float *dx)
{
    (void)x, (void)y;
    int64_t c = l->in.c, per_x = vb_shape_numel(l->in), per_y = vb_shape_numel(l->out);
    for (int64_t b = 0; dx && b < l->batch; b++) {
        const float *dpatches = dy + b * per_y + first_patch_row(l) * c;
        for (int64_t i = 0; i < per_x; i++) dx[b * per_x + i] += dpatches[i];
    }
    float *dtok = vb_layer_grad(l, r, 0);
    const float *dtoken_rows = dy + token_row(l) * c; /* sample b's at + b·per_y */
    for (int64_t i = 0; i < c; i++) {
        double sum = 0;
        for (int64_t b = 0; b < l->batch; b++) sum += dtoken_rows[b * per_y + i];
        dtok[i] += (float)sum;
    }
    return 0;
}

const vb_layer_kind vb_layer_class_token = {
    .name = "class_token",
    .component = {VB_COMP_POOL, VB_COMP_POOL},
    .configure = configure,
    .declare = declare,
    .count = count,
    .init = init,
    .forward = forward,
    .backward = backward,
};
