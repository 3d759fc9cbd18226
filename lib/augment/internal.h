/* Internals of lib/augment: random streams, image views and the per-stage entry points
 * that vb_augment_batch chains (augment.h has the public API and the stage order).
 *
 * Every random draw comes from a vb_stream: a counter over vb_hash64 started at a seed, so
 * a stage's draws depend only on (run seed, epoch, image index, stage), never on threads,
 * batch size or which other stages are switched on. */
#ifndef VITBENCH_AUGMENT_INTERNAL_H
#define VITBENCH_AUGMENT_INTERNAL_H

#include <stdint.h>
#include "vitbench/augment.h"

/* ---- random streams (random.c) -------------------------------------------------------- */

typedef struct vb_stream {
    uint64_t seed;
    uint64_t i; /* draws so far */
} vb_stream;

/* Independent sub-streams of one seed, one per stage (or per batch-level purpose). */
enum {
    VB_STREAM_CROP = 1,
    VB_STREAM_RESIZED_CROP,
    VB_STREAM_FLIP,
    VB_STREAM_ROTATION,
    VB_STREAM_ZOOM,
    VB_STREAM_POLICY,
    VB_STREAM_ERASING,
    VB_STREAM_MIXING,
    VB_STREAM_SHUFFLE
};

/* Seeds of the epoch's random domains. Per-sample streams live at
 * vb_hash64(epoch_seed, image index); batch-level draws (mixing) and the epoch order use
 * the two counters just below 2^64, which no image index reaches. */
#define VB_DOMAIN_MIXING (UINT64_MAX)
#define VB_DOMAIN_ORDER (UINT64_MAX - 1)
uint64_t vb_epoch_seed(uint64_t seed, int64_t epoch);
uint64_t vb_sample_seed(uint64_t seed, int64_t epoch, int64_t image);
/* A seed in one of the domains above, for a key in it (the batch's first position). */
uint64_t vb_domain_seed(uint64_t seed, int64_t epoch, uint64_t domain, int64_t key);

vb_stream vb_stream_of(uint64_t seed, uint64_t tag);
double vb_draw_uniform(vb_stream *r);                      /* [0, 1), 53 bits */
double vb_draw_range(vb_stream *r, double lo, double hi);  /* [lo, hi) */
int64_t vb_draw_int(vb_stream *r, int64_t lo, int64_t hi); /* lo ..= hi */
int vb_draw_coin(vb_stream *r, double p);                  /* 1 with probability p */
double vb_draw_normal(vb_stream *r);                       /* N(0, 1) */
double vb_draw_gamma(vb_stream *r, double alpha);          /* Gamma(alpha, 1) */
double vb_draw_beta(vb_stream *r, double a, double b);     /* Beta(a, b) */
/* Shuffles v in place into a uniformly random order (Fisher–Yates). */
void vb_draw_shuffle(vb_stream *r, int64_t *v, int64_t n);

/* ---- one image ------------------------------------------------------------------------ */

/* One NHWC image of floats on the 0..255 scale (before normalisation) or normalised. */
typedef struct vb_imagef {
    float *px; /* (h, w, c) */
    int64_t h, w, c;
} vb_imagef;

/* One NHWC image of bytes: what the AutoAugment / RandAugment ops work on. */
typedef struct vb_image8 {
    uint8_t *px; /* (h, w, c) */
    int64_t h, w, c;
} vb_image8;


/* ---- geometric.c ---------------------------------------------------------------------- */

/* out = in shifted so that out(y, x) = in(y + top − pad, x + left − pad), zero outside. */
void vb_aug_crop_pad(const vb_imagef *in, vb_imagef *out, int64_t pad, int64_t top,
                     int64_t left);
/* out = the box (y0, x0, bh, bw) of in, resized bilinearly (half-pixel centres) to out's
 * size. */
void vb_aug_resized_crop(const vb_imagef *in, vb_imagef *out, int64_t y0, int64_t x0,
                         int64_t bh, int64_t bw);
void vb_aug_flip(vb_imagef *img); /* mirror left ↔ right, in place */
/* Keras / TF ImageProjectiveTransform with an affine matrix m = (a0 a1 a2 b0 b1 b2):
 * out(y, x) samples in at (a0·x + a1·y + a2, b0·x + b1·y + b2), bilinear, fill "reflect". */
void vb_aug_affine(const vb_imagef *in, vb_imagef *out, const float m[6]);
/* The matrices of Keras' RandomRotation (angle in radians) and RandomZoom (zx, zy). */
void vb_aug_rotation_matrix(float m[6], float angle, int64_t h, int64_t w);
void vb_aug_zoom_matrix(float m[6], float zx, float zy, int64_t h, int64_t w);
/* The geometric stage: crop with padding, random resized crop, flip, rotation, zoom, each
 * when switched on in a. tmp holds one image. */
void vb_aug_geometric(const vb_augment *a, vb_imagef *img, float *tmp, uint64_t sample_seed);

/* ---- imageops.c: the AutoAugment op set on bytes ---------------------------------------- */

/* The order matters to vb_aug_signed: the signed geometric ops first, the enhancements
 * (blends with a degenerate image) last. */
typedef enum vb_aug_op {
    VB_AUG_SHEAR_X,      /* v = shear factor (x += v·y) */
    VB_AUG_SHEAR_Y,      /* v = shear factor (y += v·x) */
    VB_AUG_TRANSLATE_X,  /* v = pixels, truncated to an integer */
    VB_AUG_TRANSLATE_Y,
    VB_AUG_ROTATE,       /* v = degrees, counter-clockwise about the centre */
    VB_AUG_AUTOCONTRAST, /* (no v) */
    VB_AUG_INVERT,       /* (no v) */
    VB_AUG_EQUALIZE,     /* (no v) */
    VB_AUG_SOLARIZE,     /* v = threshold: pixels >= v are inverted */
    VB_AUG_POSTERIZE,    /* v = bits kept */
    VB_AUG_CONTRAST,     /* v = enhancement factor (1 = unchanged) */
    VB_AUG_COLOR,
    VB_AUG_BRIGHTNESS,
    VB_AUG_SHARPNESS,
    VB_AUG_OP_COUNT
} vb_aug_op;

/* The op's argument from a magnitude on its own scale: the geometric ops and the
 * enhancements take a random sign (an enhancement's factor is then 1 ± magnitude); the
 * others take it as it is. */
float vb_aug_signed(vb_aug_op op, float magnitude, vb_stream *r);
/* Applies one op in place; tmp holds one image. Channels: 1 or 3. */
void vb_aug_apply(vb_aug_op op, float v, vb_image8 *img, uint8_t *tmp);

/* ---- policies (autoaugment.c, randaugment.c) -------------------------------------------- */

void vb_aug_autoaugment(vb_image8 *img, uint8_t *tmp, vb_stream *r);
void vb_aug_randaugment(vb_image8 *img, uint8_t *tmp, int n, int m, vb_stream *r);

/* ---- normalize.c ----------------------------------------------------------------------- */

/* x = (x / 255 − mean[c]) / std[c], in place. */
void vb_aug_normalize(const vb_augment *a, vb_imagef *img);

/* ---- erasing.c, mixing.c ---------------------------------------------------------------- */

/* Random erasing on a normalised image, with probability p. */
void vb_aug_erase(vb_imagef *img, float p, vb_stream *r);
/* Mixup / CutMix of a whole batch: images (n, h, w, c), labels → labels_b and λ. */
int vb_aug_mix(const vb_augment *a, vb_batch *b, int64_t h, int64_t w, int64_t c,
               vb_stream *r);

#endif
