/* [maxpool]: max pooling per channel (Keras MaxPooling2D, PyTorch MaxPool2d).
 *
 *   size = 3   stride = 2 (default: the size)   padding = valid | same | <int>
 *
 *   x (B, H, W, C) → y (B, OH, OW, C); padded positions never win. */
#include <stdlib.h>
#include "vitbench/layer.h"
#include "window.h"

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len)
{
    (void)site;
    vb_layer_window w;
    /* An integer padding must stay below the size: a window of padding only has no max. */
    if (vb_layer_window_read(s, l->in, 0, &w, err, err_len)) return -1;
    if (w.pad_top >= w.size || w.pad_bottom >= w.size || w.pad_left >= w.size ||
        w.pad_right >= w.size)
        return vb_cfg_key_error(s, "padding", err, err_len, "must be smaller than size = %lld",
                            (long long)w.size);
    vb_pool_desc *d = calloc(1, sizeof *d);
    if (!d) return vb_cfg_error(s, err, err_len, "out of memory");
    *d = (vb_pool_desc){.h = l->in.h, .w = l->in.w, .c = l->in.c, .kh = w.size,
                        .kw = w.size, .stride_h = w.stride, .stride_w = w.stride,
                        .pad_top = w.pad_top, .pad_bottom = w.pad_bottom,
                        .pad_left = w.pad_left, .pad_right = w.pad_right, .oh = w.oh,
                        .ow = w.ow};
    l->priv = d;
    l->out = (vb_shape){w.oh, w.ow, l->in.c};
    return 0;
}

/* Comparisons, not multiply-adds: counted apart, one per input value (ptflops' rule). */
static void count(const vb_layer *l, vb_counts *c)
{
    c->relu_pool_values += (double)vb_shape_numel(l->in);
}

static int forward(vb_layer *l, vb_run *r, const float *x, float *y)
{
    vb_pool_desc d = *(const vb_pool_desc *)l->priv;
    d.n = l->batch;
    VB_RUN(r, maxpool_fwd, &d, x, y);
    return 0;
}

static int backward(vb_layer *l, vb_run *r, const float *x, const float *y, const float *dy,
                    float *dx)
{
    if (!dx) return 0;
    vb_pool_desc d = *(const vb_pool_desc *)l->priv;
    d.n = l->batch;
    VB_RUN(r, maxpool_bwd, &d, x, y, dy, dx);
    return 0;
}

const vb_layer_kind vb_layer_maxpool = {
    .name = "maxpool",
    .component = {VB_COMP_TOKENIZER, VB_COMP_HEAD},
    .configure = configure,
    .count = count,
    .forward = forward,
    .backward = backward,
};
