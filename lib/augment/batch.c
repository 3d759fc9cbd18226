/* One batch: per-sample augmentation in parallel, then batch mixing.
 *
 * Sample i of the batch is image idx = s->index[first + i]; its draws come from
 * vb_sample_seed(seed, epoch, idx) = vb_hash64(vb_hash64(seed, epoch), idx), so it is
 * augmented the same whatever the batch size, thread count or position in the epoch.
 * The pipeline of one image (the order of augment.h):
 *
 *   uint8 → float (0..255) → geometric → [policy: bytes ↔ AutoAugment / RandAugment]
 *         → normalise → random erasing
 *
 * The float image lives in its output slot; each thread has one float and two byte
 * scratch images. Mixing draws from the batch's own seed (its first position), so it
 * depends on the batch composition, as mixing a batch must. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "vitbench/backend.h"

static int policy_on(const vb_augment *a)
{
    return a->autoaugment || a->randaugment_n > 0;
}

static int finite_in(float v, float lo, float hi)
{
    return v >= lo && v <= hi; /* false for NaN */
}

int vb_augment_check(const vb_augment *a, const vb_subset *s)
{
    if (!a || !s || !s->data || s->count < 0 || (s->count > 0 && !s->index))
        return VB_EINVAL;
    const vb_dataset *d = s->data;
    if (d->h < 1 || d->w < 1 || d->c < 1 || d->c > 4 || (d->count > 0 && !d->images))
        return VB_EINVAL;
    if (policy_on(a) && d->c != 1 && d->c != 3)
        return VB_EUNSUPPORTED; /* the colour ops know grey and RGB only */
    if (a->crop_pad < 0 || a->randaugment_n < 0 || !finite_in(a->crop_scale_min, 0, 1) ||
        !finite_in(a->rotation, 0, VB_AUG_ROTATION_MAX) || !finite_in(a->zoom, 0, 1) ||
        !finite_in(a->erasing, 0, 1) || !finite_in(a->mixup_alpha, 0, VB_AUG_ALPHA_MAX) ||
        !finite_in(a->cutmix_alpha, 0, VB_AUG_ALPHA_MAX))
        return VB_EINVAL;
    for (int64_t k = 0; k < d->c; k++)
        if (!(a->std[k] > 0.0f) || !finite_in(a->mean[k], -VB_AUG_MEAN_MAX, VB_AUG_MEAN_MAX))
            return VB_EINVAL;
    return VB_OK;
}

/* Rounds the float image to bytes, runs the policies on them, and converts back. */
static void policy(const vb_augment *a, vb_imagef *img, uint8_t *bytes, uint8_t *tmp,
                   uint64_t sample_seed)
{
    const int64_t n = img->h * img->w * img->c;
    for (int64_t i = 0; i < n; i++) {
        float v = img->px[i];
        bytes[i] = (uint8_t)(v <= 0.0f ? 0.0f : v >= 255.0f ? 255.0f : v + 0.5f);
    }
    vb_image8 b = {bytes, img->h, img->w, img->c};
    vb_stream r = vb_stream_of(sample_seed, VB_STREAM_POLICY);
    if (a->autoaugment)
        vb_aug_autoaugment(&b, tmp, &r);
    if (a->randaugment_n > 0)
        vb_aug_randaugment(&b, tmp, a->randaugment_n, a->randaugment_m, &r);
    for (int64_t i = 0; i < n; i++)
        img->px[i] = bytes[i];
}

static void augment_one(const vb_augment *a, const uint8_t *src, vb_imagef *img,
                        float *tmp, uint8_t *bytes, uint64_t sample_seed, int training)
{
    const int64_t n = img->h * img->w * img->c;
    for (int64_t i = 0; i < n; i++)
        img->px[i] = src[i];
    if (training) {
        vb_aug_geometric(a, img, tmp, sample_seed);
        if (policy_on(a))
            policy(a, img, bytes, bytes + n, sample_seed);
    }
    vb_aug_normalize(a, img);
    if (training && a->erasing > 0.0f) {
        vb_stream r = vb_stream_of(sample_seed, VB_STREAM_ERASING);
        vb_aug_erase(img, a->erasing, &r);
    }
}

static int check_batch(const vb_subset *s, int64_t first, int64_t n, const vb_batch *out)
{
    if (!out || first < 0 || n < 0 || first > s->count || n > s->count - first)
        return VB_EINVAL;
    if (n > 0 && (!out->images || !out->labels || !out->labels_b))
        return VB_EINVAL;
    for (int64_t i = first; i < first + n; i++)
        if (s->index[i] < 0 || s->index[i] >= s->data->count)
            return VB_EINVAL;
    return VB_OK;
}

int vb_augment_batch(const vb_augment *a, const vb_subset *s, int64_t first, int64_t n,
                     vb_augment_draw draw, vb_batch *out)
{
    int rc = vb_augment_check(a, s);
    if (rc == VB_OK)
        rc = check_batch(s, first, n, out);
    if (rc != VB_OK)
        return rc;
    const vb_dataset *d = s->data;
    const int64_t hwc = d->h * d->w * d->c;
    int out_of_memory = 0;
#pragma omp parallel
    {
        float *tmp = malloc((size_t)hwc * sizeof *tmp);
        uint8_t *bytes = malloc((size_t)(2 * hwc)); /* the image and one scratch */
        if (!tmp || !bytes) {
#pragma omp atomic write
            out_of_memory = 1;
        }
#pragma omp for schedule(dynamic, 4)
        for (int64_t i = 0; i < n; i++) {
            if (!tmp || !bytes)
                continue;
            const int64_t idx = s->index[first + i];
            vb_imagef img = {out->images + i * hwc, d->h, d->w, d->c};
            augment_one(a, d->images + idx * hwc, &img, tmp, bytes,
                        vb_sample_seed(draw.seed, draw.epoch, idx), draw.training);
            out->labels[i] = d->labels[idx];
        }
        free(tmp);
        free(bytes);
    }
    if (out_of_memory)
        return VB_ENOMEM;
    out->n = n;
    out->lambda = 1.0f;
    if (n > 0)
        memcpy(out->labels_b, out->labels, (size_t)n * sizeof *out->labels);
    if (!draw.training || n == 0 || (a->mixup_alpha <= 0.0f && a->cutmix_alpha <= 0.0f))
        return VB_OK;
    vb_stream r = vb_stream_of(vb_domain_seed(draw.seed, draw.epoch, VB_DOMAIN_MIXING, first),
                               VB_STREAM_MIXING);
    return vb_aug_mix(a, out, d->h, d->w, d->c, &r);
}
