/* The AutoAugment op set on byte images (NHWC, 1 or 3 channels), with torchvision's
 * uint8-tensor semantics (transforms.functional):
 *
 *   geometric  nearest neighbour, fill 0, pixel-centre coordinates; shears about the
 *              top-left corner (AutoAugment's PIL form x' = x + v·y), rotation
 *              counter-clockwise about the image centre, translation by ⌊v⌋ pixels.
 *   AutoContrast  per channel, stretch [min, max] to [0, 255] (truncating).
 *   Equalize      per channel, PIL's histogram equalisation: step = (N − count of the
 *                 last non-empty bin) / 255, lut[v] = (⌊step/2⌋ + #pixels below v) / step.
 *   Solarize(v)   invert pixels >= v.      Posterize(v)  keep the v high bits.
 *   Contrast, Color, Brightness, Sharpness(v): blend x·v + d·(1 − v) with a degenerate
 *   image d — the mean grey level, the grey image, black, the 3×3 smoothed image — then
 *   clamp to [0, 255] and truncate. Grey = 0.2989 R + 0.587 G + 0.114 B, truncated. */
#include <math.h>
#include <string.h>
#include "internal.h"

static int64_t pixels(const vb_image8 *img)
{
    return img->h * img->w;
}

/* ---- geometric ---------------------------------------------------------------------- */

/* out(y, x) = in at m·(x + ½, y + ½), nearest pixel, 0 outside; then copied back. */
static void warp_nearest(vb_image8 *img, uint8_t *tmp, const float m[6])
{
    const int64_t h = img->h, w = img->w, c = img->c;
    for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++) {
            float px = (float)x + 0.5f, py = (float)y + 0.5f;
            float sx = floorf(m[0] * px + m[1] * py + m[2]);
            float sy = floorf(m[3] * px + m[4] * py + m[5]);
            uint8_t *o = tmp + (y * w + x) * c;
            if (sx < 0.0f || sy < 0.0f || sx >= (float)w || sy >= (float)h)
                memset(o, 0, (size_t)c);
            else
                memcpy(o, img->px + ((int64_t)sy * w + (int64_t)sx) * c, (size_t)c);
        }
    memcpy(img->px, tmp, (size_t)(pixels(img) * c));
}

static void rotate(vb_image8 *img, uint8_t *tmp, float degrees)
{
    /* counter-clockwise on screen (y down): out at centre + d samples centre + R·d with
     * R = [cos −sin; sin cos] */
    const float t = degrees * (float)M_PI / 180.0f, cs = cosf(t), sn = sinf(t);
    const float cx = (float)img->w / 2.0f, cy = (float)img->h / 2.0f;
    const float m[6] = {cs, -sn, cx - cs * cx + sn * cy, sn, cs, cy - sn * cx - cs * cy};
    warp_nearest(img, tmp, m);
}

/* ---- per-channel tone curves ---------------------------------------------------------- */

static void apply_lut(vb_image8 *img, int64_t k, const uint8_t lut[256])
{
    for (int64_t i = 0; i < pixels(img); i++)
        img->px[i * img->c + k] = lut[img->px[i * img->c + k]];
}

static void autocontrast_channel(vb_image8 *img, int64_t k)
{
    int lo = 255, hi = 0;
    for (int64_t i = 0; i < pixels(img); i++) {
        int v = img->px[i * img->c + k];
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    if (hi <= lo)
        return;
    uint8_t lut[256];
    for (int v = 0; v < 256; v++) {
        int s = v < lo ? 0 : (v - lo) * 255 / (hi - lo); /* exact at both ends */
        lut[v] = (uint8_t)(s > 255 ? 255 : s);
    }
    apply_lut(img, k, lut);
}

static void equalize_channel(vb_image8 *img, int64_t k)
{
    int64_t hist[256] = {0}, last = 0;
    for (int64_t i = 0; i < pixels(img); i++)
        hist[img->px[i * img->c + k]]++;
    for (int v = 0; v < 256; v++)
        if (hist[v])
            last = hist[v];
    const int64_t step = (pixels(img) - last) / 255;
    if (step == 0)
        return; /* too few pixels outside the top level to spread */
    uint8_t lut[256];
    int64_t below = step / 2;
    for (int v = 0; v < 256; v++) {
        int64_t s = below / step;
        lut[v] = (uint8_t)(s > 255 ? 255 : s);
        below += hist[v];
    }
    apply_lut(img, k, lut);
}

static void per_channel(vb_image8 *img, void (*f)(vb_image8 *, int64_t))
{
    for (int64_t k = 0; k < img->c; k++)
        f(img, k);
}

static void point_op(vb_image8 *img, vb_aug_op op, float v)
{
    const int bits = (int)v;
    const uint8_t mask = bits <= 0 ? 0 : bits >= 8 ? 0xFF : (uint8_t)(0xFF << (8 - bits));
    for (int64_t i = 0; i < pixels(img) * img->c; i++) {
        uint8_t x = img->px[i];
        if (op == VB_AUG_INVERT || (op == VB_AUG_SOLARIZE && (float)x >= v))
            x = (uint8_t)(255 - x);
        else if (op == VB_AUG_POSTERIZE)
            x &= mask;
        img->px[i] = x;
    }
}

/* ---- enhancements: blends with a degenerate image -------------------------------------- */

static uint8_t grey(const uint8_t *p)
{
    return (uint8_t)(0.2989f * p[0] + 0.587f * p[1] + 0.114f * p[2]);
}

static uint8_t blend(float x, float d, float v)
{
    float y = v * x + (1.0f - v) * d;
    return (uint8_t)(y < 0.0f ? 0.0f : y > 255.0f ? 255.0f : y);
}

/* d = the grey image (Color) or its mean (Contrast); one channel is its own grey. */
static void blend_with_grey(vb_image8 *img, float v, int use_mean)
{
    const int64_t c = img->c, n = pixels(img);
    if (c == 1 && !use_mean)
        return;
    double mean = 0.0;
    for (int64_t i = 0; use_mean && i < n; i++)
        mean += c == 3 ? grey(img->px + i * 3) : img->px[i];
    mean /= (double)n;
    for (int64_t i = 0; i < n; i++) {
        uint8_t *p = img->px + i * c;
        float d = use_mean ? (float)mean : (float)grey(p);
        for (int64_t k = 0; k < c; k++)
            p[k] = blend(p[k], d, v);
    }
}

/* d = the image smoothed by [1 1 1; 1 5 1; 1 1 1]/13 (rounded) inside, itself on the
 * one-pixel border. */
static void sharpness(vb_image8 *img, uint8_t *tmp, float v)
{
    const int64_t h = img->h, w = img->w, c = img->c;
    memcpy(tmp, img->px, (size_t)(h * w * c));
    for (int64_t y = 1; y < h - 1; y++)
        for (int64_t x = 1; x < w - 1; x++)
            for (int64_t k = 0; k < c; k++) {
                int s = 4 * img->px[(y * w + x) * c + k];
                for (int64_t dy = -1; dy <= 1; dy++)
                    for (int64_t dx = -1; dx <= 1; dx++)
                        s += img->px[((y + dy) * w + x + dx) * c + k];
                tmp[(y * w + x) * c + k] = (uint8_t)((2 * s + 13) / 26); /* round(s/13) */
            }
    for (int64_t i = 0; i < h * w * c; i++)
        img->px[i] = blend(img->px[i], tmp[i], v);
}

static void brightness(vb_image8 *img, float v)
{
    for (int64_t i = 0; i < pixels(img) * img->c; i++)
        img->px[i] = blend(img->px[i], 0.0f, v);
}

float vb_aug_signed(vb_aug_op op, float magnitude, vb_stream *r)
{
    const int enhancement = op >= VB_AUG_CONTRAST && op <= VB_AUG_SHARPNESS;
    if (op > VB_AUG_ROTATE && !enhancement)
        return magnitude; /* no direction: thresholds, bit counts, no argument */
    const float v = vb_draw_coin(r, 0.5) ? -magnitude : magnitude;
    return enhancement ? 1.0f + v : v;
}

void vb_aug_apply(vb_aug_op op, float v, vb_image8 *img, uint8_t *tmp)
{
    const float t = truncf(v);
    switch (op) {
    case VB_AUG_SHEAR_X: warp_nearest(img, tmp, (const float[6]){1, v, 0, 0, 1, 0}); break;
    case VB_AUG_SHEAR_Y: warp_nearest(img, tmp, (const float[6]){1, 0, 0, v, 1, 0}); break;
    case VB_AUG_TRANSLATE_X: warp_nearest(img, tmp, (const float[6]){1, 0, -t, 0, 1, 0}); break;
    case VB_AUG_TRANSLATE_Y: warp_nearest(img, tmp, (const float[6]){1, 0, 0, 0, 1, -t}); break;
    case VB_AUG_ROTATE: rotate(img, tmp, v); break;
    case VB_AUG_AUTOCONTRAST: per_channel(img, autocontrast_channel); break;
    case VB_AUG_EQUALIZE: per_channel(img, equalize_channel); break;
    case VB_AUG_INVERT:
    case VB_AUG_SOLARIZE:
    case VB_AUG_POSTERIZE: point_op(img, op, v); break;
    case VB_AUG_CONTRAST: blend_with_grey(img, v, 1); break;
    case VB_AUG_COLOR: blend_with_grey(img, v, 0); break;
    case VB_AUG_BRIGHTNESS: brightness(img, v); break;
    case VB_AUG_SHARPNESS: sharpness(img, tmp, v); break;
    case VB_AUG_OP_COUNT: break;
    }
}
