/* [resize]: bilinear resizing of each image (Keras Resizing in seed 002: 32 → 72).
 *
 *   size = 72x72   method = bilinear
 *
 *   x (B, H, W, C) → y (B, OH, OW, C)
 * TF2 tf.image.resize(method = "bilinear", antialias = False), i.e. half-pixel centres;
 * the same as PyTorch F.interpolate(mode = "bilinear", align_corners = False). Output
 * row i samples the input at  s = (i + ½)·H/OH − ½,  between rows lo = max(⌊s⌋, 0) and
 * hi = min(⌈s⌉, H − 1) with weight t = s − ⌊s⌋ on hi; columns alike, and
 *   y = top + (bottom − top)·t_row,  top/bottom = left + (right − left)·t_col.
 * Backward is the transpose: each dy goes back to its four input pixels, weighted. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/layer.h"

/* Where output position i of one axis samples the input. */
typedef struct tap {
    int64_t lo, hi;
    float t; /* weight of hi */
} tap;

typedef struct resize {
    tap *rows, *cols; /* (OH), (OW) */
} resize;

/* TensorFlow's half-pixel scaler, in float as TF computes it. */
static void make_taps(int64_t in, int64_t out, tap *taps)
{
    const float scale = (float)in / (float)out;
    for (int64_t i = 0; i < out; i++) {
        float s = ((float)i + 0.5f) * scale - 0.5f;
        float f = floorf(s);
        int64_t c = (int64_t)ceilf(s); /* s > −½, so c >= 0 */
        taps[i].lo = f > 0.0f ? (int64_t)f : 0;
        taps[i].hi = c < in - 1 ? c : in - 1;
        taps[i].t = s - f;
    }
}

static void destroy(vb_layer *l)
{
    resize *p = l->priv;
    if (p) {
        free(p->rows);
        free(p->cols);
    }
    free(p);
    l->priv = NULL;
}

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len)
{
    (void)site;
    static const char *const methods[] = {"bilinear", NULL};
    int64_t size[2];
    int method;
    if (vb_cfg_dims(s, "size", 1, VB_SIDE_MAX, size, 2, err, err_len) ||
        vb_cfg_enum_or(s, "method", methods, 0, &method, err, err_len))
        return -1;
    resize *p = calloc(1, sizeof *p);
    l->priv = p;
    if (p) {
        p->rows = malloc((size_t)size[0] * sizeof *p->rows);
        p->cols = malloc((size_t)size[1] * sizeof *p->cols);
    }
    if (!p || !p->rows || !p->cols) {
        destroy(l);
        return vb_cfg_error(s, err, err_len, "out of memory");
    }
    make_taps(l->in.h, size[0], p->rows);
    make_taps(l->in.w, size[1], p->cols);
    l->out = (vb_shape){size[0], size[1], l->in.c};
    return 0;
}

/* backward's scratch: one input-sized gradient, (batch, H, W, C) */
static size_t state_floats(const vb_layer *l, int64_t batch)
{
    return (size_t)(batch * vb_shape_numel(l->in));
}

static void count(const vb_layer *l, vb_counts *c)
{
    (void)l;
    (void)c; /* interpolation, not counted as model MACs */
}

static int forward(vb_layer *l, vb_run *r, const float *x, float *y)
{
    const resize *p = l->priv;
    const int64_t H = l->in.h, W = l->in.w, C = l->in.c, OH = l->out.h, OW = l->out.w;
#pragma omp parallel for num_threads(r->backend->threads)
    for (int64_t b = 0; b < l->batch; b++) {
        const float *xb = x + b * H * W * C;
        for (int64_t i = 0; i < OH; i++) {
            const tap rt = p->rows[i];
            const float *top = xb + rt.lo * W * C, *bottom = xb + rt.hi * W * C;
            for (int64_t j = 0; j < OW; j++) {
                const tap ct = p->cols[j];
                float *yv = y + ((b * OH + i) * OW + j) * C;
                for (int64_t c = 0; c < C; c++) {
                    float tl = top[ct.lo * C + c], tr = top[ct.hi * C + c];
                    float bl = bottom[ct.lo * C + c], br = bottom[ct.hi * C + c];
                    float t = tl + (tr - tl) * ct.t, u = bl + (br - bl) * ct.t;
                    yv[c] = t + (u - t) * rt.t;
                }
            }
        }
    }
    return 0;
}

/* The transpose of the forward, into the scratch l->state first: an input pixel collects
 * up to a dozen weighted dy values, and adding their sum to dx once keeps backward a pure
 * "+=" (a second call adds exactly as much again). */
static int backward(vb_layer *l, vb_run *r, const float *x, const float *y, const float *dy,
                    float *dx)
{
    (void)x;
    (void)y;
    if (!dx) return 0;
    const resize *p = l->priv;
    const int64_t H = l->in.h, W = l->in.w, C = l->in.c, OH = l->out.h, OW = l->out.w;
#pragma omp parallel for num_threads(r->backend->threads)
    for (int64_t b = 0; b < l->batch; b++) {
        float *db = l->state + b * H * W * C;
        memset(db, 0, (size_t)(H * W * C) * sizeof(float));
        for (int64_t i = 0; i < OH; i++) {
            const tap rt = p->rows[i];
            float *top = db + rt.lo * W * C, *bottom = db + rt.hi * W * C;
            for (int64_t j = 0; j < OW; j++) {
                const tap ct = p->cols[j];
                const float *g = dy + ((b * OH + i) * OW + j) * C;
                /* the four weights of the forward's lerps */
                const float wt = 1.0f - rt.t, wb = rt.t, wl = 1.0f - ct.t, wr = ct.t;
                for (int64_t c = 0; c < C; c++) {
                    top[ct.lo * C + c] += g[c] * wt * wl;
                    top[ct.hi * C + c] += g[c] * wt * wr;
                    bottom[ct.lo * C + c] += g[c] * wb * wl;
                    bottom[ct.hi * C + c] += g[c] * wb * wr;
                }
            }
        }
        for (int64_t i = 0; i < H * W * C; i++) dx[b * H * W * C + i] += db[i];
    }
    return 0;
}

const vb_layer_kind vb_layer_resize = {
    .name = "resize",
    .component = {VB_COMP_TOKENIZER, VB_COMP_HEAD},
    .configure = configure,
    .count = count,
    .state_floats = state_floats,
    .forward = forward,
    .backward = backward,
    .destroy = destroy,
};
