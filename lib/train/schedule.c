/* Learning-rate schedules, evaluated per step (train.h). */
#include <math.h>
#include "vitbench/train.h"

/* step: lr · γ^⌊epoch / step_epochs⌋, with epoch the 0-based epoch of the step. */
static double step_decay(const vb_recipe *r, int64_t step, int64_t steps_per_epoch)
{
    int64_t epoch = step / steps_per_epoch;
    return r->adam.lr * pow(r->step_gamma, floor((double)epoch / r->step_epochs));
}

/* warmup_cosine over T = epochs · steps_per_epoch steps, W = warmup_epochs ·
 * steps_per_epoch of them warming up (as the Keras ViT example's WarmUpCosine):
 *   t < W:  lr · t / W                               (linear from 0)
 *   t ≥ W:  min + ½ (lr − min) (1 + cos(π (t − W) / (T − W)))   (down to min_lr at T) */
static double warmup_cosine(const vb_recipe *r, int64_t step, int64_t steps_per_epoch)
{
    double lr = r->adam.lr, t = (double)step;
    double total = (double)(r->epochs * steps_per_epoch);
    double warmup = round(r->warmup_epochs * (double)steps_per_epoch);
    if (t < warmup) return lr * t / warmup;
    if (total <= warmup) return lr;
    double progress = fmin((t - warmup) / (total - warmup), 1.0);
    return r->min_lr + 0.5 * (lr - r->min_lr) * (1.0 + cos(M_PI * progress));
}

double vb_recipe_lr(const vb_recipe *r, int64_t step, int64_t steps_per_epoch)
{
    if (steps_per_epoch < 1) steps_per_epoch = 1;
    switch (r->schedule) {
    case VB_SCHEDULE_STEP: return step_decay(r, step, steps_per_epoch);
    case VB_SCHEDULE_WARMUP_COSINE: return warmup_cosine(r, step, steps_per_epoch);
    case VB_SCHEDULE_CONSTANT: break;
    }
    return r->adam.lr;
}

vb_adam_desc vb_recipe_adam(const vb_recipe *r, int64_t step, int64_t steps_per_epoch)
{
    vb_adam_desc adam = r->adam;
    adam.lr = (float)vb_recipe_lr(r, step, steps_per_epoch);
    adam.step = step + 1;
    return adam;
}
