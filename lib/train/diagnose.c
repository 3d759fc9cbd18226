/* Where a non-finite value came from. Forward (a non-finite loss): the first parameter,
 * or else the first layer output, holding a NaN or an infinity. Backward (a non-finite
 * gradient): the first layer, walking backward, whose input gradient is non-finite —
 * the layer whose backward produced it — or else the first parameter gradient. */
#include "internal.h"

#include <math.h>
#include <stdio.h>

static int finite_all(const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

void vb_first_nonfinite(const vb_model *m, char *out, size_t len)
{
    const vb_param_block *pb = &m->params;
    for (int i = 0; i < pb->count; i++)
        if (!finite_all(pb->data + pb->params[i].offset, pb->params[i].numel)) {
            snprintf(out, len, "parameter %s", pb->params[i].name);
            return;
        }
    /* act[i + 1] is layer i's output (act[count] the logits), kept since the forward. */
    for (int i = 0; i < m->count; i++)
        if (!finite_all(m->act[i + 1], (size_t)(m->batch * vb_shape_numel(m->layers[i].out)))) {
            snprintf(out, len, "layer %s", m->layers[i].name);
            return;
        }
    snprintf(out, len, "the loss (finite logits)");
}

void vb_first_nonfinite_grad(const vb_model *m, char *out, size_t len)
{
    /* grad[i] is ∂L/∂(layer i's input): what layer i's backward wrote (grad[0] unused). */
    for (int i = m->count - 1; i >= 1; i--)
        if (!finite_all(m->grad[i], (size_t)(m->batch * vb_shape_numel(m->layers[i].in)))) {
            snprintf(out, len, "the backward of layer %s", m->layers[i].name);
            return;
        }
    const vb_param_block *pb = &m->params;
    for (int i = 0; i < pb->count; i++)
        if (!finite_all(pb->grad + pb->params[i].offset, pb->params[i].numel)) {
            snprintf(out, len, "the gradient of parameter %s", pb->params[i].name);
            return;
        }
    snprintf(out, len, "the gradients");
}
