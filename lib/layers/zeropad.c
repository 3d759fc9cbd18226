/* [zeropad]: zero padding around each image (Keras ZeroPadding2D).
 *
 *   pad = 1                          the same on every side
 *   pad = top, bottom, left, right   each side on its own
 *
 *   x (B, H, W, C) → y (B, top + H + bottom, left + W + right, C) */
#include <stdlib.h>
#include "vitbench/layer.h"

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len)
{
    (void)site;
    int64_t pad[4];
    int n;
    if (vb_cfg_int_list(s, "pad", 0, VB_SIDE_MAX, pad, 4, &n, err, err_len)) return -1;
    if (n != 1 && n != 4)
        return vb_cfg_key_error(s, "pad", err, err_len,
                            "expected N or 'top, bottom, left, right', got %d values",
                            n);
    if (n == 1) pad[1] = pad[2] = pad[3] = pad[0];
    vb_pad_desc *d = calloc(1, sizeof *d);
    if (!d) return vb_cfg_error(s, err, err_len, "out of memory");
    *d = (vb_pad_desc){.h = l->in.h, .w = l->in.w, .c = l->in.c,
                       .top = pad[0], .bottom = pad[1], .left = pad[2], .right = pad[3]};
    l->priv = d;
    l->out = (vb_shape){pad[0] + l->in.h + pad[1], pad[2] + l->in.w + pad[3], l->in.c};
    return 0;
}

static void count(const vb_layer *l, vb_counts *c)
{
    (void)l;
    (void)c; /* no parameters, no multiply-adds */
}

static int forward(vb_layer *l, vb_run *r, const float *x, float *y)
{
    vb_pad_desc d = *(const vb_pad_desc *)l->priv;
    d.n = l->batch;
    VB_RUN(r, pad_fwd, &d, x, y);
    return 0;
}

static int backward(vb_layer *l, vb_run *r, const float *x, const float *y, const float *dy,
                    float *dx)
{
    (void)x;
    (void)y;
    if (!dx) return 0;
    vb_pad_desc d = *(const vb_pad_desc *)l->priv;
    d.n = l->batch;
    VB_RUN(r, pad_bwd, &d, dy, dx);
    return 0;
}

const vb_layer_kind vb_layer_zeropad = {
    .name = "zeropad",
    .component = {VB_COMP_TOKENIZER, VB_COMP_HEAD},
    .configure = configure,
    .count = count,
    .forward = forward,
    .backward = backward,
};
