/* [token]: one token of the sequence as the representation, (T, 1, C) -> (1, 1, C).
 *
 *   index = i    which token (default 0; negative counts from the end, -1 = the last)
 *
 * The Qiita ViT reads x[:, 0], the first patch token (its learned token is appended at
 * the end); a prepended class token is read with index = 0 as well. Backward adds dy into
 * that token's rows of dx only. */
#include <stdlib.h>
#include <string.h>
#include "seq_common.h"

typedef struct token {
    int64_t index; /* in [0, T) */
} token;

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len)
{
    (void)site;
    token *p = calloc(1, sizeof *p);
    if (!p) return vb_cfg_error(s, err, err_len, "out of memory");
    l->priv = p;
    int64_t index, tokens = vb_shape_tokens(l->in);
    if (vb_cfg_int_or(s, "index", 0, &index, err, err_len)) return -1;
    if (index < -tokens || index >= tokens)
        return vb_cfg_key_error(s, "index", err, err_len, "%lld is outside the %lld tokens",
                            (long long)index, (long long)tokens);
    p->index = index < 0 ? tokens + index : index;
    l->out = (vb_shape){1, 1, l->in.c};
    return 0;
}

// x (B, T, C) -> y (B, C) = x[:, index, :]
static int forward(vb_layer *l, vb_run *r, const float *x, float *y)
{
    (void)r;
    const token *p = l->priv;
    int64_t t = vb_shape_tokens(l->in), c = l->in.c;
    for (int64_t b = 0; b < l->batch; b++)
        memcpy(y + b * c, x + (b * t + p->index) * c, (size_t)c * sizeof(float));
    return 0;
}

static int backward(vb_layer *l, vb_run *r, const float *x, const float *y, const float *dy,
                    float *dx)
{
    (void)r, (void)x, (void)y;
    if (!dx) return 0;
    const token *p = l->priv;
    int64_t t = vb_shape_tokens(l->in), c = l->in.c;
    for (int64_t b = 0; b < l->batch; b++) {
        float *row = dx + (b * t + p->index) * c;
        for (int64_t i = 0; i < c; i++) row[i] += dy[b * c + i];
    }
    return 0;
}

const vb_layer_kind vb_layer_token = {
    .name = "token",
    .component = {VB_COMP_POOL, VB_COMP_POOL},
    .configure = configure,
    .count = vb_seq_count_nothing,
    .forward = forward,
    .backward = backward,
};
