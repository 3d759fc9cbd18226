/* Normalisation: x = (pixel / 255 − mean[c]) / std[c], and Keras' Normalization.adapt,
 * which fits mean and std per channel on the training images.
 *
 * adapt sums pixel values and their squares as integers (exact, and the same for any
 * thread count), then takes the population variance in double on the [0, 1] scale.
 * Keras divides by max(√var, 1e-7); the same floor keeps a constant channel finite. */
#include <math.h>
#include <string.h>
#include "internal.h"

vb_augment vb_augment_none(void)
{
    vb_augment a;
    memset(&a, 0, sizeof a);
    for (int k = 0; k < 4; k++)
        a.std[k] = 1.0f;
    return a;
}

void vb_augment_adapt(vb_augment *a, const vb_subset *s)
{
    const vb_dataset *d = s->data;
    const int64_t hw = d->h * d->w, c = d->c;
    if (s->count <= 0 || hw <= 0 || c < 1 || c > 4)
        return;
    uint64_t sum[4] = {0}, squares[4] = {0};
#pragma omp parallel for reduction(+ : sum[:4], squares[:4])
    for (int64_t i = 0; i < s->count; i++) {
        const uint8_t *px = d->images + s->index[i] * hw * c;
        for (int64_t p = 0; p < hw; p++)
            for (int64_t k = 0; k < c; k++) {
                uint64_t v = px[p * c + k];
                sum[k] += v;
                squares[k] += v * v;
            }
    }
    const double n = (double)(s->count * hw);
    for (int64_t k = 0; k < c; k++) {
        double mean = (double)sum[k] / n;
        double var = (double)squares[k] / n - mean * mean; /* on the 0..255 scale */
        a->mean[k] = (float)(mean / 255.0);
        a->std[k] = (float)fmax(sqrt(fmax(var, 0.0)) / 255.0, 1e-7);
    }
}

void vb_aug_normalize(const vb_augment *a, vb_imagef *img)
{
    const int64_t c = img->c;
    for (int64_t i = 0; i < img->h * img->w; i++)
        for (int64_t k = 0; k < c; k++) {
            float *x = img->px + i * c + k;
            *x = (*x / 255.0f - a->mean[k]) / a->std[k];
        }
}
