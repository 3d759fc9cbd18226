/* Augmentation and batch loading.
 *
 * Per-sample operations are seeded by (run seed, epoch, image index), so a sample gets the
 * same augmentation whatever the batch size, thread count or resume point. The order is
 * fixed: geometric (crop with padding, random resized crop, flip, rotation, zoom), policy
 * (AutoAugment CIFAR, RandAugment), then normalisation, then random erasing. Mixup and
 * CutMix mix a whole batch with a partner permutation of itself (timm's convention).
 *
 * Images go in as uint8 NHWC and come out as float NHWC, normalised:
 *   x = (pixel / 255 − mean[c]) / std[c]     (mean 0, std 1: plain rescaling to [0, 1]). */
#ifndef VITBENCH_AUGMENT_H
#define VITBENCH_AUGMENT_H

#include <stdint.h>
#include "vitbench/backend.h" /* the status codes: VB_OK, VB_EINVAL, ... */
#include "vitbench/dataset.h"

/* The largest values vb_augment_batch takes (recipes are checked against the same). */
#define VB_AUG_ROTATION_MAX 1.0f /* a full turn either way */
#define VB_AUG_ALPHA_MAX 1e3f    /* mixup_alpha, cutmix_alpha: Beta(1000, 1000) is λ = 0.5 */
#define VB_AUG_MEAN_MAX 1e3f     /* |mean[c]|, on the [0, 1] scale */

typedef struct vb_augment {
    /* geometric */
    int64_t crop_pad;       /* pad by this many zero pixels, random crop back (0 = off) */
    float crop_scale_min;   /* random resized crop: area fraction in [min, 1] (0 = off) */
    int flip;               /* horizontal flip, p = 0.5 */
    float rotation;         /* Keras RandomRotation factor: angle ∈ ±factor·2π (0 = off) */
    float zoom;             /* Keras RandomZoom factor: scale ∈ 1 ± factor (0 = off) */
    /* policies */
    int autoaugment;        /* AutoAugment, CIFAR-10 policy */
    int randaugment_n;      /* RandAugment: n ops per image (0 = off) ... */
    int randaugment_m;      /* ... at magnitude m (timm scale 0–10: "m9" = 9) */
    /* normalisation */
    float mean[4], std[4];  /* per channel, on the [0, 1] scale */
    /* after normalisation */
    float erasing;          /* random erasing probability (0 = off) */
    /* batch mixing */
    float mixup_alpha, cutmix_alpha; /* Beta(α, α) mixing; both > 0: one of them per batch */
} vb_augment;

/* VB_OK if a and s can be augmented: sizes, channels (1–4; 1 or 3 with a policy), the
 * options' ranges, std > 0 (else VB_EINVAL, or VB_EUNSUPPORTED for a policy on images
 * neither grey nor RGB). Indices are checked per batch. */
int vb_augment_check(const vb_augment *a, const vb_subset *s);

/* The identity pipeline: rescale to [0, 1] only. */
vb_augment vb_augment_none(void);

/* Keras Normalization.adapt on a subset: per-channel mean and variance of the pixels
 * (on the [0, 1] scale); std = sqrt(variance), as Keras divides by it. */
void vb_augment_adapt(vb_augment *a, const vb_subset *s);

/* One batch: images s->index[first .. first+n) → out (n, h, w, c) floats, labels (n).
 * With mixup/cutmix on, also the partner labels and the mixing weight λ (the loss is
 * λ·CE(labels) + (1−λ)·CE(labels_b)); otherwise *lambda = 1 and labels_b = labels.
 * The random stages draw from `draw` (below). Returns backend.h's codes: VB_OK;
 * VB_EINVAL for a range past the subset, an index outside the data or an option out of
 * range; VB_EUNSUPPORTED for a policy on images neither grey nor RGB; VB_ENOMEM. */
typedef struct vb_batch {
    int64_t n;
    float *images;     /* (n, h, w, c) */
    int32_t *labels;   /* (n) */
    int32_t *labels_b; /* (n) */
    float lambda;
} vb_batch;

/* The draw a batch's random stages take: each image's from (seed, epoch, its index),
 * the batch's mixing from (seed, epoch, first). training = 0: no random stage at all
 * (evaluation: decode, rescale, normalise). */
typedef struct vb_augment_draw {
    uint64_t seed;
    int64_t epoch;
    int training;
} vb_augment_draw;

int vb_augment_batch(const vb_augment *a, const vb_subset *s, int64_t first, int64_t n,
                     vb_augment_draw draw, vb_batch *out);

/* ---- the loader: batches of one epoch, prepared by a background thread ---------------- */

typedef struct vb_loader vb_loader;

/* How an epoch is served; {.batch = B} alone: in order, every image, no random
 * augmentation (evaluation). */
typedef struct vb_loader_opts {
    int64_t batch;  /* images per batch, >= 1; the last batch may be smaller */
    int shuffle;    /* 1: in a permutation drawn from (seed, epoch); 0: in the subset's order */
    int drop_last;  /* 1: drop a last batch smaller than `batch` */
    int training;   /* 1: random augmentation, drawn from (seed, epoch, image); 0: none */
    uint64_t seed;
    int64_t epoch;
} vb_loader_opts;

/* Starts an epoch over s. The loader prepares batch k+1 while the caller computes on
 * batch k. NULL on failure (a batch < 1, an augmentation s cannot take, no memory). */
vb_loader *vb_loader_start(const vb_subset *s, const vb_augment *a, const vb_loader_opts *o);
/* The next batch (valid until the next call), or NULL at the end of the epoch. */
const vb_batch *vb_loader_next(vb_loader *ld);
int64_t vb_loader_batches(const vb_loader *ld);
/* VB_OK, or the error (vb_augment_batch's) that ended the epoch early: vb_loader_next
 * returned NULL before vb_loader_batches(ld) batches. */
int vb_loader_status(vb_loader *ld);
void vb_loader_stop(vb_loader *ld);

#endif
