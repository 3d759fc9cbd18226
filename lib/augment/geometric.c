/* The geometric stage, on float images on the 0..255 scale, output size = input size.
 *
 *   crop_pad        torchvision RandomCrop(size, padding = p): zero-pad by p on every side,
 *                   crop back at a uniform offset in [0, 2p]² (integer shift, exact).
 *   crop_scale_min  torchvision RandomResizedCrop(size, scale = (min, 1), ratio = (3/4, 4/3)):
 *                   up to 10 tries for a box of that area fraction and aspect ratio (log-
 *                   uniform), else the centre crop; resized back bilinearly (half-pixel).
 *   flip            horizontal, p = ½.
 *   rotation        Keras RandomRotation(f): angle ~ U[−2πf, 2πf] about the image centre.
 *   zoom            Keras RandomZoom(f, f): zy, zx ~ U[1 − f, 1 + f], drawn independently
 *                   (Keras draws the width factor on its own whenever width_factor is
 *                   given, as seed 002 does); z > 1 zooms out.
 * Rotation and zoom resample like TF's ImageProjectiveTransform: pixel-index coordinates,
 * bilinear, fill_mode "reflect" (d c b a | a b c d | d c b a) — Keras' defaults. */
#include <math.h>
#include <string.h>
#include "internal.h"

static void take(vb_imagef *img, const vb_imagef *from)
{
    memcpy(img->px, from->px, (size_t)(img->h * img->w * img->c) * sizeof(float));
}

void vb_aug_crop_pad(const vb_imagef *in, vb_imagef *out, int64_t pad, int64_t top,
                     int64_t left)
{
    const int64_t h = in->h, w = in->w, c = in->c;
    for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++) {
            int64_t sy = y + top - pad, sx = x + left - pad;
            float *o = out->px + (y * w + x) * c;
            if (sy < 0 || sy >= h || sx < 0 || sx >= w)
                memset(o, 0, (size_t)c * sizeof(float));
            else
                memcpy(o, in->px + (sy * w + sx) * c, (size_t)c * sizeof(float));
        }
}

/* Half-pixel bilinear tap: output i of `out` samples a run of `len` inputs at
 * s = (i + ½)·len/out − ½, between lo = max(⌊s⌋, 0) and hi = min(⌊s⌋ + 1, len − 1). */
typedef struct tap {
    int64_t lo, hi;
    float t; /* weight of hi */
} tap;

static tap half_pixel_tap(int64_t i, int64_t len, int64_t out)
{
    float s = ((float)i + 0.5f) * (float)len / (float)out - 0.5f;
    if (s < 0.0f)
        s = 0.0f;
    float f = floorf(s);
    tap k = {(int64_t)f, (int64_t)f + 1, s - f};
    if (k.hi > len - 1)
        k.hi = len - 1;
    return k;
}

void vb_aug_resized_crop(const vb_imagef *in, vb_imagef *out, int64_t y0, int64_t x0,
                         int64_t bh, int64_t bw)
{
    const int64_t w = in->w, c = in->c;
    for (int64_t y = 0; y < out->h; y++) {
        tap ty = half_pixel_tap(y, bh, out->h);
        const float *r0 = in->px + (y0 + ty.lo) * w * c, *r1 = in->px + (y0 + ty.hi) * w * c;
        for (int64_t x = 0; x < out->w; x++) {
            tap tx = half_pixel_tap(x, bw, out->w);
            const int64_t a = (x0 + tx.lo) * c, b = (x0 + tx.hi) * c;
            float *o = out->px + (y * out->w + x) * c;
            for (int64_t k = 0; k < c; k++) {
                float top = r0[a + k] + (r0[b + k] - r0[a + k]) * tx.t;
                float bot = r1[a + k] + (r1[b + k] - r1[a + k]) * tx.t;
                o[k] = top + (bot - top) * ty.t;
            }
        }
    }
}

void vb_aug_flip(vb_imagef *img)
{
    const int64_t w = img->w, c = img->c;
    for (int64_t y = 0; y < img->h; y++) {
        float *row = img->px + y * w * c;
        for (int64_t x = 0; x < w / 2; x++)
            for (int64_t k = 0; k < c; k++) {
                float t = row[x * c + k];
                row[x * c + k] = row[(w - 1 - x) * c + k];
                row[(w - 1 - x) * c + k] = t;
            }
    }
}

/* Keras' "reflect" fill for a coordinate v along an axis of len pixels: the image mirrored
 * about its outer pixel edges, so −1 → 0, −2 → 1, len → len − 1; then clamped to the
 * last pixel (the bilinear neighbour of len − 1 gets weight 0). */
static float reflect(float v, int64_t len)
{
    if (len <= 1)
        return 0.0f;
    const float n = (float)len, period = 2.0f * n;
    if (v < 0.0f) {
        v += period * (float)(int64_t)(-v / period); /* into (−period, 0] */
        v = v < -n ? v + period : -v - 1.0f;
    } else if (v > n - 1.0f) {
        v -= period * (float)(int64_t)(v / period); /* into [0, period) */
        if (v >= n)
            v = period - v - 1.0f;
    }
    return fminf(fmaxf(v, 0.0f), n - 1.0f);
}

void vb_aug_affine(const vb_imagef *in, vb_imagef *out, const float m[6])
{
    const int64_t h = in->h, w = in->w, c = in->c;
    for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++) {
            float sx = reflect(m[0] * (float)x + m[1] * (float)y + m[2], w);
            float sy = reflect(m[3] * (float)x + m[4] * (float)y + m[5], h);
            float fx = floorf(sx), fy = floorf(sy), tx = sx - fx, ty = sy - fy;
            int64_t x0 = (int64_t)fx, y0 = (int64_t)fy;
            int64_t x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
            const float *p00 = in->px + (y0 * w + x0) * c, *p01 = in->px + (y0 * w + x1) * c;
            const float *p10 = in->px + (y1 * w + x0) * c, *p11 = in->px + (y1 * w + x1) * c;
            float *o = out->px + (y * w + x) * c;
            for (int64_t k = 0; k < c; k++) {
                float top = (1.0f - tx) * p00[k] + tx * p01[k];
                float bot = (1.0f - tx) * p10[k] + tx * p11[k];
                o[k] = (1.0f - ty) * top + ty * bot;
            }
        }
}

void vb_aug_rotation_matrix(float m[6], float angle, int64_t h, int64_t w)
{
    /* rotation about ((w − 1)/2, (h − 1)/2): the offsets keep the centre fixed */
    const float cs = cosf(angle), sn = sinf(angle), W = (float)(w - 1), H = (float)(h - 1);
    m[0] = cs;
    m[1] = -sn;
    m[2] = (W - (cs * W - sn * H)) / 2.0f;
    m[3] = sn;
    m[4] = cs;
    m[5] = (H - (sn * W + cs * H)) / 2.0f;
}

void vb_aug_zoom_matrix(float m[6], float zx, float zy, int64_t h, int64_t w)
{
    m[0] = zx;
    m[1] = 0.0f;
    m[2] = (float)(w - 1) / 2.0f * (1.0f - zx);
    m[3] = 0.0f;
    m[4] = zy;
    m[5] = (float)(h - 1) / 2.0f * (1.0f - zy);
}

/* torchvision's RandomResizedCrop box: (y0, x0, bh, bw). */
static void resized_crop_box(vb_stream *r, int64_t h, int64_t w, double scale_min,
                             int64_t box[4])
{
    const double area = (double)(h * w), lo = log(3.0 / 4.0), hi = log(4.0 / 3.0);
    for (int attempt = 0; attempt < 10; attempt++) {
        double target = area * vb_draw_range(r, scale_min, 1.0);
        double aspect = exp(vb_draw_range(r, lo, hi));
        int64_t bw = (int64_t)lround(sqrt(target * aspect));
        int64_t bh = (int64_t)lround(sqrt(target / aspect));
        if (bw > 0 && bw <= w && bh > 0 && bh <= h) {
            box[0] = vb_draw_int(r, 0, h - bh);
            box[1] = vb_draw_int(r, 0, w - bw);
            box[2] = bh;
            box[3] = bw;
            return;
        }
    }
    /* fallback: the largest centred box whose aspect ratio lies in [3/4, 4/3] */
    int64_t bh = h, bw = w;
    if ((double)w / (double)h < 3.0 / 4.0)
        bh = (int64_t)lround((double)w / (3.0 / 4.0));
    else if ((double)w / (double)h > 4.0 / 3.0)
        bw = (int64_t)lround((double)h * (4.0 / 3.0));
    box[0] = (h - bh) / 2;
    box[1] = (w - bw) / 2;
    box[2] = bh;
    box[3] = bw;
}

void vb_aug_geometric(const vb_augment *a, vb_imagef *img, float *tmp, uint64_t sample_seed)
{
    vb_imagef t = {tmp, img->h, img->w, img->c};
    float m[6];
    if (a->crop_pad > 0) {
        vb_stream r = vb_stream_of(sample_seed, VB_STREAM_CROP);
        int64_t top = vb_draw_int(&r, 0, 2 * a->crop_pad);
        int64_t left = vb_draw_int(&r, 0, 2 * a->crop_pad);
        vb_aug_crop_pad(img, &t, a->crop_pad, top, left);
        take(img, &t);
    }
    if (a->crop_scale_min > 0.0f) {
        vb_stream r = vb_stream_of(sample_seed, VB_STREAM_RESIZED_CROP);
        int64_t box[4];
        resized_crop_box(&r, img->h, img->w, a->crop_scale_min, box);
        vb_aug_resized_crop(img, &t, box[0], box[1], box[2], box[3]);
        take(img, &t);
    }
    if (a->flip) {
        vb_stream r = vb_stream_of(sample_seed, VB_STREAM_FLIP);
        if (vb_draw_coin(&r, 0.5))
            vb_aug_flip(img);
    }
    if (a->rotation > 0.0f) {
        vb_stream r = vb_stream_of(sample_seed, VB_STREAM_ROTATION);
        double turn = 2.0 * M_PI * a->rotation;
        vb_aug_rotation_matrix(m, (float)vb_draw_range(&r, -turn, turn), img->h, img->w);
        vb_aug_affine(img, &t, m);
        take(img, &t);
    }
    if (a->zoom > 0.0f) {
        vb_stream r = vb_stream_of(sample_seed, VB_STREAM_ZOOM);
        float zy = (float)vb_draw_range(&r, 1.0 - a->zoom, 1.0 + a->zoom);
        float zx = (float)vb_draw_range(&r, 1.0 - a->zoom, 1.0 + a->zoom);
        vb_aug_zoom_matrix(m, zx, zy, img->h, img->w);
        vb_aug_affine(img, &t, m);
        take(img, &t);
    }
}
