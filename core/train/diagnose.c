/* Where a non-finite loss came from: the first parameter, or else the first layer output,
 * holding a NaN or an infinity. */
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
