/* One training step on the run's backend (step.h). */
#include "vitbench/step.h"

#include <math.h>
#include <string.h>

int vb_step_scratch_alloc(vb_step_scratch *s, const vb_model *m)
{
    memset(s, 0, sizeof *s);
    size_t logits = (size_t)(m->batch * m->classes) * sizeof(float);
    s->batch = m->batch;
    s->loss = vb_alloc((size_t)m->batch * sizeof(float));
    s->probs = vb_alloc(logits);
    s->dlogits = vb_alloc(logits);
    s->adam_m = vb_alloc(m->params.total * sizeof(float));
    s->adam_v = vb_alloc(m->params.total * sizeof(float));
    if (!s->loss || !s->probs || !s->dlogits || !s->adam_m || !s->adam_v) {
        vb_step_scratch_free(s);
        return -1;
    }
    return 0;
}

void vb_step_scratch_free(vb_step_scratch *s)
{
    vb_free(s->loss);
    vb_free(s->probs);
    vb_free(s->dlogits);
    vb_free(s->adam_m);
    vb_free(s->adam_v);
    memset(s, 0, sizeof *s);
}

static double mean(const float *x, int64_t n)
{
    double sum = 0;
    for (int64_t i = 0; i < n; i++) sum += x[i];
    return sum / (double)n;
}

/* Forward and the loss; leaves probs in s for the loss's backward. */
static int forward_loss(vb_model *m, vb_run *r, vb_step_scratch *s, const float *images,
                        const int32_t *labels, float label_smoothing, const float **logits,
                        double *loss_out)
{
    if (vb_model_forward(m, r, images, logits) != 0) return -1;
    vb_xent_desc xd = {.batch = m->batch, .classes = m->classes,
                       .label_smoothing = label_smoothing};
    r->layer = "loss";
    VB_RUN(r, xent_fwd, &xd, *logits, labels, s->loss, s->probs);
    *loss_out = mean(s->loss, m->batch);
    return 0;
}

int vb_eval_loss(vb_model *m, vb_run *r, vb_step_scratch *s, const float *images,
                 const int32_t *labels, float label_smoothing, const float **logits,
                 double *loss_out)
{
    return forward_loss(m, r, s, images, labels, label_smoothing, logits, loss_out);
}

static int mixing(const vb_step_opts *o)
{
    return o->labels_b && o->lambda < 1.0f;
}

/* The mixed loss λ·CE(labels) + (1−λ)·CE(labels_b). The second forward recomputes the
 * same probs from the same logits and only changes the per-sample losses. */
static int mixed_loss(vb_model *m, vb_run *r, vb_step_scratch *s, const float *logits,
                      const int32_t *labels_b, float lambda, float label_smoothing,
                      double *loss)
{
    vb_xent_desc xd = {.batch = m->batch, .classes = m->classes,
                       .label_smoothing = label_smoothing};
    VB_RUN(r, xent_fwd, &xd, logits, labels_b, s->loss, s->probs);
    *loss = lambda * *loss + (1.0 - lambda) * mean(s->loss, m->batch);
    return 0;
}

/* The batch the loss is a mean over: the global batch when this is a slice of it. */
static int64_t mean_over(const vb_model *m, const vb_step_opts *o)
{
    return vb_dist_shared(o->dist) && o->global_batch > 0 ? o->global_batch : m->batch;
}

/* dlogits = Σ weight/batch · (probs − target) over the one or two label sets. */
static int loss_backward(vb_model *m, vb_run *r, vb_step_scratch *s, const int32_t *labels,
                         float label_smoothing, const vb_step_opts *o)
{
    vb_xent_desc xd = {.batch = m->batch, .classes = m->classes,
                       .label_smoothing = label_smoothing};
    float lambda = mixing(o) ? o->lambda : 1.0f;
    const float batch = (float)mean_over(m, o);
    const float scale_a = lambda / batch, scale_b = (1.0f - lambda) / batch;
    memset(s->dlogits, 0, (size_t)(m->batch * m->classes) * sizeof(float));
    VB_RUN(r, xent_bwd, &xd, s->probs, labels, &scale_a, s->dlogits);
    if (mixing(o))
        VB_RUN(r, xent_bwd, &xd, s->probs, o->labels_b, &scale_b, s->dlogits);
    return 0;
}

/* The forward half: this slice's mean loss, made the global batch's mean across ranks. */
static int step_loss(vb_model *m, vb_run *r, vb_step_scratch *s, const float *images,
                     const int32_t *labels, float label_smoothing, const vb_step_opts *o,
                     double *loss_out)
{
    double loss = 0;
    if (!o->no_samples) {
        const float *logits;
        if (forward_loss(m, r, s, images, labels, label_smoothing, &logits, &loss) != 0)
            return -1;
        if (mixing(o) &&
            mixed_loss(m, r, s, logits, o->labels_b, o->lambda, label_smoothing, &loss) != 0)
            return -1;
    }
    if (vb_dist_shared(o->dist)) {
        double sum = o->no_samples ? 0.0 : loss * (double)m->batch;
        vb_dist_sum_doubles(o->dist, &sum, 1);
        loss = sum / (double)mean_over(m, o);
    }
    *loss_out = loss;
    return 0;
}

static int all_finite(const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

/* Global-norm clipping: g ← g · min(1, clip / ‖g‖₂), the norm over the whole block (the
 * padding's gradients are zero), summed in one fixed order so it is reproducible. */
static void clip_gradients(vb_param_block *pb, float clip_norm)
{
    double sum = 0;
    for (size_t i = 0; i < pb->total; i++) sum += (double)pb->grad[i] * pb->grad[i];
    double norm = sqrt(sum);
    if (!(norm > clip_norm)) return;
    float scale = (float)(clip_norm / norm);
    for (size_t i = 0; i < pb->total; i++) pb->grad[i] *= scale;
}

/* End of parameter i in the block, its alignment padding included (floats). */
static size_t padded_end(const vb_param_block *pb, int i)
{
    return i + 1 < pb->count ? pb->params[i + 1].offset : pb->total;
}

/* One Adam call per run of consecutive trainable parameters; frozen ones keep their values
 * (no update, no weight decay). The alignment padding has zero gradients and zero moments,
 * so a run takes it in with the parameters around it. */
static int optimizer_step(const vb_param_block *pb, vb_run *r, vb_step_scratch *s,
                          vb_adam_desc adam)
{
    r->layer = "optimizer";
    for (int i = 0; i < pb->count;) {
        if (pb->params[i].frozen) {
            i++;
            continue;
        }
        size_t start = pb->params[i].offset;
        while (i < pb->count && !pb->params[i].frozen) i++;
        adam.n = (int64_t)(padded_end(pb, i - 1) - start);
        VB_RUN(r, adam_step, &adam, pb->data + start, pb->grad + start, s->adam_m + start,
               s->adam_v + start);
    }
    return 0;
}

int vb_train_step_opts(vb_model *m, vb_run *r, vb_step_scratch *s, const float *images,
                       const int32_t *labels, float label_smoothing, vb_adam_desc adam,
                       const vb_step_opts *o, double *loss_out)
{
    if (step_loss(m, r, s, images, labels, label_smoothing, o, loss_out) != 0)
        return VB_STEP_ERROR;
    if (o->stop_on_nonfinite && !isfinite(*loss_out)) return VB_STEP_NONFINITE_LOSS;
    vb_param_block_zero_grad(&m->params);
    if (!o->no_samples && (loss_backward(m, r, s, labels, label_smoothing, o) != 0 ||
                           vb_model_backward(m, r, s->dlogits) != 0))
        return VB_STEP_ERROR;
    /* One sum of the whole block per step: every rank then holds the global gradient. */
    if (vb_dist_shared(o->dist)) vb_dist_sum_floats(o->dist, m->params.grad, m->params.total);
    if (o->stop_on_nonfinite && !all_finite(m->params.grad, m->params.total))
        return VB_STEP_NONFINITE_GRAD;
    if (o->clip_norm > 0) clip_gradients(&m->params, o->clip_norm);
    return optimizer_step(&m->params, r, s, adam) ? VB_STEP_ERROR : VB_STEP_OK;
}

int vb_train_step(vb_model *m, vb_run *r, vb_step_scratch *s, const float *images,
                  const int32_t *labels, float label_smoothing, vb_adam_desc adam,
                  double *loss_out)
{
    const vb_step_opts plain = {.lambda = 1.0f};
    return vb_train_step_opts(m, r, s, images, labels, label_smoothing, adam, &plain,
                              loss_out);
}
