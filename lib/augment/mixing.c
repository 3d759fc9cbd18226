/* Mixup (Zhang et al. 2018) and CutMix (Yun et al. 2019) over a whole batch, timm's
 * "batch" mode: one λ ~ Beta(α, α) per batch, and each image i is mixed with image
 * perm[i] of a seeded permutation of the batch:
 *
 *   Mixup   x_i ← λ·x_i + (1 − λ)·x_perm[i]
 *   CutMix  x_i ← x_i with a box pasted from x_perm[i]; the box has side √(1 − λ) of the
 *           image's, a uniform centre, clipped at the borders, and λ becomes the area
 *           fraction left unpasted: 1 − box area / image area.
 * With both α > 0, a fair coin picks one per batch. labels_b[i] = labels[perm[i]]; the
 * loss is λ·CE(labels) + (1 − λ)·CE(labels_b). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "vitbench/backend.h"

static int64_t clip(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Pastes one box, the same for the whole batch, from each partner; returns the new λ. */
static double cutmix(vb_batch *b, const float *orig, const int64_t *perm, double lambda,
                     int64_t h, int64_t w, int64_t c, vb_stream *r)
{
    const double side = sqrt(1.0 - lambda);
    const int64_t ch = (int64_t)((double)h * side), cw = (int64_t)((double)w * side);
    const int64_t cy = vb_draw_int(r, 0, h - 1), cx = vb_draw_int(r, 0, w - 1);
    const int64_t y0 = clip(cy - ch / 2, 0, h), y1 = clip(cy + ch / 2, 0, h);
    const int64_t x0 = clip(cx - cw / 2, 0, w), x1 = clip(cx + cw / 2, 0, w);
    for (int64_t i = 0; i < b->n; i++)
        for (int64_t y = y0; y < y1; y++) {
            const int64_t at = (y * w + x0) * c;
            memcpy(b->images + i * h * w * c + at, orig + perm[i] * h * w * c + at,
                   (size_t)((x1 - x0) * c) * sizeof(float));
        }
    return 1.0 - (double)((y1 - y0) * (x1 - x0)) / (double)(h * w);
}

static void mixup(vb_batch *b, const float *orig, const int64_t *perm, double lambda,
                  int64_t hwc)
{
    const float l = (float)lambda;
    for (int64_t i = 0; i < b->n; i++) {
        float *x = b->images + i * hwc;
        const float *y = orig + perm[i] * hwc;
        for (int64_t k = 0; k < hwc; k++)
            x[k] = l * x[k] + (1.0f - l) * y[k];
    }
}

int vb_aug_mix(const vb_augment *a, vb_batch *b, int64_t h, int64_t w, int64_t c,
               vb_stream *r)
{
    const int64_t n = b->n, hwc = h * w * c;
    const int use_cutmix = a->mixup_alpha > 0.0f && a->cutmix_alpha > 0.0f
                               ? vb_draw_coin(r, 0.5)
                               : a->cutmix_alpha > 0.0f;
    const double alpha = use_cutmix ? a->cutmix_alpha : a->mixup_alpha;
    double lambda = vb_draw_beta(r, alpha, alpha);
    int64_t *perm = malloc((size_t)n * sizeof *perm);
    float *orig = malloc((size_t)(n * hwc) * sizeof *orig);
    if (!perm || !orig) {
        free(perm);
        free(orig);
        return VB_ENOMEM;
    }
    for (int64_t i = 0; i < n; i++)
        perm[i] = i;
    vb_draw_shuffle(r, perm, n);
    memcpy(orig, b->images, (size_t)(n * hwc) * sizeof *orig);
    if (use_cutmix)
        lambda = cutmix(b, orig, perm, lambda, h, w, c, r);
    else
        mixup(b, orig, perm, lambda, hwc);
    for (int64_t i = 0; i < n; i++)
        b->labels_b[i] = b->labels[perm[i]];
    b->lambda = (float)lambda;
    free(perm);
    free(orig);
    return VB_OK;
}
