/* One Adam / AdamW step over n parameters, step t ≥ 1 (ops.h: vb_adam_desc).
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
 *   p ← p₀ − a·m / (c·sqrt(v) + eps) − wd'·p₀
 * where both eps modes fit one form:
 *   TORCH: lr·m̂/(sqrt(v̂) + eps)                 → a = lr/(1 − β1ᵗ),  c = 1/sqrt(1 − β2ᵗ)
 *   KERAS: lr·sqrt(1 − β2ᵗ)/(1 − β1ᵗ)·m/(sqrt(v) + eps) → a = lr·sqrt(1 − β2ᵗ)/(1 − β1ᵗ), c = 1
 * and wd' = 0, wd or lr·wd per decay mode. The step is memory-bound, so the arithmetic runs
 * in double (free here) to stay close to the reference. */
#include "internal.h"

int vb_common_adam_step(vb_backend_ctx *ctx, const vb_adam_desc *d, float *param,
                        const float *grad, float *m, float *v)
{
    if (!d || !param || !grad || !m || !v || d->step < 1)
        return VB_EINVAL;
    double wd; /* wd' */
    switch (d->decay_mode) {
    case VB_DECAY_NONE: wd = 0.0; break;
    case VB_DECAY_DECOUPLED: wd = d->weight_decay; break;
    case VB_DECAY_DECOUPLED_LR: wd = (double)d->lr * d->weight_decay; break;
    default: return VB_EINVAL;
    }
    const double b1 = d->beta1, b2 = d->beta2, eps = d->eps;
    const double bc1 = 1.0 - pow(b1, (double)d->step), bc2 = 1.0 - pow(b2, (double)d->step);
    double a, c;
    switch (d->eps_mode) {
    case VB_EPS_TORCH: a = d->lr / bc1; c = 1.0 / sqrt(bc2); break;
    case VB_EPS_KERAS: a = d->lr * sqrt(bc2) / bc1; c = 1.0; break;
    default: return VB_EINVAL;
    }
#pragma omp parallel for simd num_threads(vbc_threads(ctx)) if (d->n >= VBC_PAR_MIN)
    for (int64_t i = 0; i < d->n; i++) {
        const double g = grad[i], p0 = param[i];
        const double mi = b1 * m[i] + (1.0 - b1) * g;
        const double vi = b2 * v[i] + (1.0 - b2) * g * g;
        param[i] = (float)(p0 - a * mi / (c * sqrt(vi) + eps) - wd * p0);
        m[i] = (float)mi;
        v[i] = (float)vi;
    }
    return VB_OK;
}
