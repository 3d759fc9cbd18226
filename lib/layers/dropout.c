/* [dropout]: inverted dropout on every value (Keras Dropout, PyTorch nn.Dropout).
 *
 *   rate = p     fraction dropped while training, in [0, 1) (required)
 *
 * Training: y = x · keep / (1 − p), the mask drawn from this layer's seed for the step
 * (vb_run_seed), so backward regenerates it instead of storing it. Otherwise, or with
 * p = 0, the layer is the identity. */
#include <stdlib.h>
#include "seq_common.h"

typedef struct dropout {
    float rate;
} dropout;

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len)
{
    (void)site;
    dropout *p = calloc(1, sizeof *p);
    if (!p) return vb_cfg_error(s, err, err_len, "out of memory");
    l->priv = p;
    double rate;
    if (vb_cfg_float(s, "rate", &rate, err, err_len)) return -1;
    if (!(rate >= 0 && rate < 1))
        return vb_cfg_key_error(s, "rate", err, err_len, "must be in [0, 1), got %g", rate);
    p->rate = (float)rate;
    l->out = l->in;
    return 0;
}

static int active(const vb_layer *l, const vb_run *r)
{
    const dropout *p = l->priv;
    return r->training && p->rate > 0.0f;
}

/* The mask is indexed from the start of the global batch (ops.h). */
static vb_dropout_desc desc(const vb_layer *l, const vb_run *r)
{
    const dropout *p = l->priv;
    const int64_t per_sample = vb_shape_numel(l->in);
    return (vb_dropout_desc){.n = l->batch * per_sample, .rate = p->rate,
                             .first = r->first_sample * per_sample,
                             .seed = vb_run_seed(r, l->index, 0)};
}

static int forward(vb_layer *l, vb_run *r, const float *x, float *y)
{
    if (!active(l, r)) return vb_seq_pass_forward(l, r, x, y);
    vb_dropout_desc d = desc(l, r);
    VB_RUN(r, dropout_fwd, &d, x, y);
    return 0;
}

static int backward(vb_layer *l, vb_run *r, const float *x, const float *y, const float *dy,
                    float *dx)
{
    if (!active(l, r)) return vb_seq_pass_backward(l, r, x, y, dy, dx);
    if (!dx) return 0;
    vb_dropout_desc d = desc(l, r);
    VB_RUN(r, dropout_bwd, &d, dy, dx);
    return 0;
}

const vb_layer_kind vb_layer_dropout = {
    .name = "dropout",
    .component = {VB_COMP_TOKENIZER, VB_COMP_HEAD},
    .configure = configure,
    .count = vb_seq_count_nothing,
    .forward = forward,
    .backward = backward,
};
