/* One Adam / AdamW step over n parameters (ops.h: vb_adam_desc), step t ≥ 1:
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   update, per eps_mode:
 *     TORCH: lr · m̂ / (sqrt(v̂) + eps),  m̂ = m / (1 − β1ᵗ),  v̂ = v / (1 − β2ᵗ)
 *     KERAS: lr · sqrt(1 − β2ᵗ) / (1 − β1ᵗ) · m / (sqrt(v) + eps)      ("epsilon hat")
 *   decay, per decay_mode, from the parameter before this step (p₀):
 *     NONE: 0;  DECOUPLED (TF-addons): wd · p₀;  DECOUPLED_LR (PyTorch, Keras 3): lr · wd · p₀
 *   p ← p₀ − update − decay
 * Computed in double, stored as f32. */
#include <math.h>
#include "ref.h"

static double decay_of(const vb_adam_desc *d, double p0)
{
    switch (d->decay_mode) {
    case VB_DECAY_NONE: return 0.0;
    case VB_DECAY_DECOUPLED: return (double)d->weight_decay * p0;
    case VB_DECAY_DECOUPLED_LR: return (double)d->lr * d->weight_decay * p0;
    }
    return 0.0;
}

int vb_ref_adam_step(vb_backend_ctx *ctx, const vb_adam_desc *d, float *param,
                     const float *grad, float *m, float *v)
{
    if (!d || !param || !grad || !m || !v || d->step < 1)
        return VB_EINVAL;
    if (d->decay_mode != VB_DECAY_NONE && d->decay_mode != VB_DECAY_DECOUPLED &&
        d->decay_mode != VB_DECAY_DECOUPLED_LR)
        return VB_EINVAL;
    if (d->eps_mode != VB_EPS_TORCH && d->eps_mode != VB_EPS_KERAS)
        return VB_EINVAL;

    const double b1 = d->beta1, b2 = d->beta2, lr = d->lr, eps = d->eps;
    const double bc1 = 1.0 - pow(b1, (double)d->step); /* bias corrections */
    const double bc2 = 1.0 - pow(b2, (double)d->step);
    for (int64_t i = 0; i < d->n; i++) {
        double g = grad[i], p0 = param[i];
        double mi = b1 * m[i] + (1.0 - b1) * g;
        double vi = b2 * v[i] + (1.0 - b2) * g * g;
        double update = d->eps_mode == VB_EPS_TORCH
                            ? lr * (mi / bc1) / (sqrt(vi / bc2) + eps)
                            : lr * sqrt(bc2) / bc1 * mi / (sqrt(vi) + eps);
        param[i] = (float)(p0 - update - decay_of(d, p0));
        m[i] = (float)mi;
        v[i] = (float)vi;
    }
    return VB_OK;
}
