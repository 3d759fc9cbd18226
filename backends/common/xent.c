/* Softmax cross-entropy with label smoothing: logits, probs (batch, classes), int32 labels
 * (batch), loss (batch). target = (1 − ls)·onehot(label) + ls/classes, and since Σ target = 1,
 *   loss = −Σ_c target_c·(z_c − lse) = lse − (1 − ls)·z_label − (ls/classes)·Σ_c z_c. */
#include "internal.h"

static int labels_valid(const vb_xent_desc *d, const int32_t *labels)
{
    for (int64_t b = 0; b < d->batch; b++)
        if (labels[b] < 0 || labels[b] >= d->classes)
            return 0;
    return 1;
}

int vb_common_xent_fwd(vb_backend_ctx *ctx, const vb_xent_desc *d, const float *logits,
                       const int32_t *labels, float *loss, float *probs)
{
    if (!d || !logits || !labels || !loss || !probs || !labels_valid(d, labels))
        return VB_EINVAL;
    const int64_t C = d->classes;
    const float ls = d->label_smoothing;
#pragma omp parallel for num_threads(vbc_threads(ctx)) if (d->batch * C >= VBC_PAR_MIN)
    for (int64_t b = 0; b < d->batch; b++) {
        const float *restrict z = logits + b * C;
        float mx = -INFINITY, sum = 0.0f, zsum = 0.0f;
#pragma omp simd reduction(max : mx)
        for (int64_t c = 0; c < C; c++)
            mx = z[c] > mx ? z[c] : mx;
#pragma omp simd reduction(+ : sum, zsum)
        for (int64_t c = 0; c < C; c++) {
            sum += vbc_expf(z[c] - mx);
            zsum += z[c];
        }
        const float lse = mx + logf(sum);
        loss[b] = lse - (1.0f - ls) * z[labels[b]] - ls / (float)C * zsum;
        float *restrict pb = probs + b * C;
#pragma omp simd
        for (int64_t c = 0; c < C; c++)
            pb[c] = vbc_expf(z[c] - lse);
    }
    return VB_OK;
}

/* dlogits += grad_scale · (probs − target), grad_scale one value */
int vb_common_xent_bwd(vb_backend_ctx *ctx, const vb_xent_desc *d, const float *probs,
                       const int32_t *labels, const float *grad_scale, float *dlogits)
{
    if (!d || !probs || !labels || !grad_scale || !labels_valid(d, labels))
        return VB_EINVAL;
    if (!dlogits)
        return VB_OK;
    const int64_t C = d->classes;
    const float ls = d->label_smoothing, off = ls / (float)C; /* target off the label */
    const float g = *grad_scale;
#pragma omp parallel for num_threads(vbc_threads(ctx)) if (d->batch * C >= VBC_PAR_MIN)
    for (int64_t b = 0; b < d->batch; b++) {
        const float *restrict pb = probs + b * C;
        float *restrict gb = dlogits + b * C;
#pragma omp simd
        for (int64_t c = 0; c < C; c++)
            gb[c] += g * (pb[c] - off);
        gb[labels[b]] -= g * (1.0f - ls);
    }
    return VB_OK;
}
