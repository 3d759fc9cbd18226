/* Space-to-depth over shifted views (patchify.h). Plain loops: this is data movement. */
#include "patchify.h"

#include <stdlib.h>

vb_patch_layer *vb_patch_layer_configure(vb_layer *l, vb_cfg_section *s, int views,
                                         char *err, size_t err_len)
{
    int64_t p;
    if (vb_cfg_int_in(s, "size", 1, VB_SIDE_MAX, &p, err, err_len)) return NULL;
    if (l->in.h % p != 0 || l->in.w % p != 0) {
        vb_cfg_key_error(s, "size", err, err_len,
                     "%lld must divide the input %lldx%lld",
                     (long long)p, (long long)l->in.h, (long long)l->in.w);
        return NULL;
    }
    vb_patch_layer *pl = calloc(1, sizeof *pl);
    if (!pl) {
        vb_cfg_error(s, err, err_len, "out of memory");
        return NULL;
    }
    pl->size = p;
    pl->views = views;
    l->priv = pl;
    l->out = (vb_shape){(l->in.h / p) * (l->in.w / p), 1, p * p * views * l->in.c};
    return pl;
}

void vb_patch_layer_count(const vb_layer *l, vb_counts *c)
{
    (void)l;
    (void)c; /* data movement only */
}

/* Offset, inside one image's tokens (T, P·P·K·C), of view v at pixel (i, j) of the stacked
 * image: token (i/p, j/p), position (i%p, j%p) in it, then the views' channel blocks. */
static int64_t token_offset(const vb_patch_layer *pl, vb_shape in, int64_t i, int64_t j,
                            int64_t v)
{
    const int64_t p = pl->size, k = pl->views;
    return (((i / p) * (in.w / p) + j / p) * p * p + (i % p) * p + j % p) * k * in.c +
           v * in.c;
}

static int on_image(vb_shape in, int64_t i, int64_t j)
{
    return i >= 0 && i < in.h && j >= 0 && j < in.w;
}

/* x (batch, H, W, C) → y (batch, T, P·P·K·C): y at view v, pixel (i, j) is x(i + dy, j + dx),
 * zero off the image. On the run's threads, like its ops. */
static void gather(const vb_patch_layer *pl, vb_shape in, int64_t batch, const float *x,
                   float *y, int threads)
{
    const int64_t n = vb_shape_numel(in), C = in.c;
#pragma omp parallel for num_threads(threads)
    for (int64_t b = 0; b < batch; b++)
        for (int64_t i = 0; i < in.h; i++)
            for (int64_t j = 0; j < in.w; j++)
                for (int64_t v = 0; v < pl->views; v++) {
                    int64_t si = i + pl->shift[v].dy, sj = j + pl->shift[v].dx;
                    float *yv = y + b * pl->views * n + token_offset(pl, in, i, j, v);
                    int inside = on_image(in, si, sj);
                    const float *xv = x + b * n + (inside ? (si * in.w + sj) * C : 0);
                    for (int64_t c = 0; c < C; c++) yv[c] = inside ? xv[c] : 0.0f;
                }
}

/* The transpose: dx(i, j) += Σ_v dy at view v, pixel (i − dy_v, j − dx_v). Each input value
 * sums its contributions first and is added once, so a second backward adds exactly as
 * much again. */
static void scatter(const vb_patch_layer *pl, vb_shape in, int64_t batch, const float *dy,
                    float *dx, int threads)
{
    const int64_t n = vb_shape_numel(in), C = in.c;
#pragma omp parallel for num_threads(threads)
    for (int64_t b = 0; b < batch; b++)
        for (int64_t i = 0; i < in.h; i++)
            for (int64_t j = 0; j < in.w; j++) {
                const float *from[VB_PATCH_MAX_VIEWS]; /* the values read from (i, j) */
                int reads = 0;
                for (int64_t v = 0; v < pl->views; v++) {
                    int64_t ti = i - pl->shift[v].dy, tj = j - pl->shift[v].dx;
                    if (on_image(in, ti, tj))
                        from[reads++] = dy + b * pl->views * n + token_offset(pl, in, ti, tj, v);
                }
                float *d = dx + b * n + (i * in.w + j) * C;
                for (int64_t c = 0; c < C; c++) {
                    float sum = 0.0f;
                    for (int k = 0; k < reads; k++) sum += from[k][c];
                    d[c] += sum;
                }
            }
}

int vb_patch_layer_forward(vb_layer *l, vb_run *r, const float *x, float *y)
{
    gather(l->priv, l->in, l->batch, x, y, r->backend->threads);
    return 0;
}

int vb_patch_layer_backward(vb_layer *l, vb_run *r, const float *x, const float *y,
                            const float *dy, float *dx)
{
    (void)x;
    (void)y;
    if (dx) scatter(l->priv, l->in, l->batch, dy, dx, r->backend->threads);
    return 0;
}
