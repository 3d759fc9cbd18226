/* Softmax cross-entropy with label smoothing (ops.h: vb_xent_desc).
 *   logits, probs (batch, classes)   labels (batch), int32 in [0, classes)   loss (batch)
 *   target = (1 − ls) · onehot(label) + ls / classes
 *   log p  = logits − logsumexp(logits)    (logsumexp = max + log Σ exp(logit − max))
 *   loss   = −Σ_c target_c · log p_c;   probs = exp(log p) */
#include <math.h>
#include "ref.h"

/* target_c for sample with label `label`. */
static double target(const vb_xent_desc *d, int32_t label, int64_t c)
{
    double ls = d->label_smoothing;
    return (c == label ? 1.0 - ls : 0.0) + ls / (double)d->classes;
}

static int labels_valid(const vb_xent_desc *d, const int32_t *labels)
{
    for (int64_t b = 0; b < d->batch; b++)
        if (labels[b] < 0 || labels[b] >= d->classes)
            return 0;
    return 1;
}

int vb_ref_xent_fwd(vb_backend_ctx *ctx, const vb_xent_desc *d, const float *logits,
                    const int32_t *labels, float *loss, float *probs)
{
    if (!d || !logits || !labels || !loss || !probs || !labels_valid(d, labels))
        return VB_EINVAL;
    for (int64_t b = 0; b < d->batch; b++) {
        const float *z = logits + b * d->classes;
        double mx = -INFINITY, sum = 0.0, l = 0.0;
        for (int64_t c = 0; c < d->classes; c++)
            mx = fmax(mx, z[c]);
        for (int64_t c = 0; c < d->classes; c++)
            sum += exp(z[c] - mx);
        double lse = mx + log(sum);
        for (int64_t c = 0; c < d->classes; c++) {
            double logp = z[c] - lse;
            l -= target(d, labels[b], c) * logp;
            probs[b * d->classes + c] = (float)exp(logp);
        }
        loss[b] = (float)l;
    }
    return VB_OK;
}

/* dlogits += grad_scale · (probs − target)   (grad_scale = ∂L/∂loss_b, e.g. 1/batch) */
int vb_ref_xent_bwd(vb_backend_ctx *ctx, const vb_xent_desc *d, const float *probs,
                    const int32_t *labels, const float *grad_scale, float *dlogits)
{
    if (!d || !probs || !labels || !grad_scale || !labels_valid(d, labels))
        return VB_EINVAL;
    if (!dlogits)
        return VB_OK;
    for (int64_t b = 0; b < d->batch; b++)
        for (int64_t c = 0; c < d->classes; c++) {
            int64_t at = b * d->classes + c;
            dlogits[at] += (float)(*grad_scale * (probs[at] - target(d, labels[b], c)));
        }
    return VB_OK;
}
