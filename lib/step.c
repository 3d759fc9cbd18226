/* One training step on the run's backend (step.h). */
#include "vitbench/step.h"

#include "vitbench/replicas.h"

#include <math.h>
#include <string.h>

/* The loss buffers for m->batch; the optimizer moments stay NULL. */
int vb_step_scratch_alloc_loss(vb_step_scratch *s, const vb_model *m)
{
    memset(s, 0, sizeof *s);
    size_t logits = (size_t)(m->batch * m->classes) * sizeof(float);
    s->batch = m->batch;
    s->loss = vb_alloc((size_t)m->batch * sizeof(float));
    s->probs = vb_alloc(logits);
    s->dlogits = vb_alloc(logits);
    if (!s->loss || !s->probs || !s->dlogits) {
        vb_step_scratch_free(s);
        return -1;
    }
    return 0;
}

int vb_step_scratch_alloc(vb_step_scratch *s, const vb_model *m)
{
    if (vb_step_scratch_alloc_loss(s, m) != 0) return -1;
    s->adam_m = vb_alloc(m->params.total * sizeof(float));
    s->adam_v = vb_alloc(m->params.total * sizeof(float));
    if (!s->adam_m || !s->adam_v) {
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

static double sum(const float *x, int64_t n)
{
    double total = 0;
    for (int64_t i = 0; i < n; i++) total += x[i];
    return total;
}

/* Forward and the loss, summed over the batch; leaves probs in s for the loss's backward. */
static int forward_loss(vb_model *m, vb_run *r, vb_step_scratch *s, const float *images,
                        const int32_t *labels, float label_smoothing, const float **logits,
                        double *loss_sum)
{
    if (vb_model_forward(m, r, images, logits) != 0) return -1;
    vb_xent_desc xd = {.batch = m->batch, .classes = m->classes,
                       .label_smoothing = label_smoothing};
    r->layer = "loss";
    VB_RUN(r, xent_fwd, &xd, *logits, labels, s->loss, s->probs);
    *loss_sum = sum(s->loss, m->batch);
    return 0;
}

int vb_eval_loss(vb_model *m, vb_run *r, vb_step_scratch *s, const float *images,
                 const int32_t *labels, float label_smoothing, const float **logits,
                 double *loss_out)
{
    double loss_sum;
    if (forward_loss(m, r, s, images, labels, label_smoothing, logits, &loss_sum) != 0)
        return -1;
    *loss_out = loss_sum / (double)m->batch;
    return 0;
}

/* The samples of a gradient computation and the terms of their loss. */
typedef struct batch_args {
    const float *images;     /* (batch, H, W, C) */
    const int32_t *labels;   /* (batch) */
    const int32_t *labels_b; /* (batch) Mixup/CutMix's second labels, or NULL */
    float lambda;            /* the first labels' weight when labels_b is set */
    float label_smoothing;
    int64_t mean_over;       /* the batch the loss is a mean over (the global one) */
    float *logits;           /* (batch, classes): where chunks leave their logits */
} batch_args;

static int mixing(const batch_args *a)
{
    return a->labels_b && a->lambda < 1.0f;
}

/* dlogits = Σ weight/mean_over · (probs − target) over the one or two label sets. */
static int loss_backward(vb_model *m, vb_run *r, vb_step_scratch *s, const batch_args *a)
{
    vb_xent_desc xd = {.batch = m->batch, .classes = m->classes,
                       .label_smoothing = a->label_smoothing};
    float lambda = mixing(a) ? a->lambda : 1.0f;
    const float batch = (float)a->mean_over;
    const float scale_a = lambda / batch, scale_b = (1.0f - lambda) / batch;
    memset(s->dlogits, 0, (size_t)(m->batch * m->classes) * sizeof(float));
    VB_RUN(r, xent_bwd, &xd, s->probs, a->labels, &scale_a, s->dlogits);
    if (mixing(a)) VB_RUN(r, xent_bwd, &xd, s->probs, a->labels_b, &scale_b, s->dlogits);
    return 0;
}

/* Forward, loss and backward of m->batch samples: parameter gradients += those of
 * Σ loss / mean_over, and *loss_sum = Σ of the per-sample loss, λ·CE(labels) +
 * (1−λ)·CE(labels_b) when mixed (the second xent forward recomputes the same probs from
 * the same logits and only changes the per-sample losses). The logits stay in the arena. */
static int slice_gradient(vb_model *m, vb_run *r, vb_step_scratch *s, const batch_args *a,
                          double *loss_sum)
{
    const float *logits;
    if (forward_loss(m, r, s, a->images, a->labels, a->label_smoothing, &logits, loss_sum))
        return -1;
    if (mixing(a)) {
        vb_xent_desc xd = {.batch = m->batch, .classes = m->classes,
                           .label_smoothing = a->label_smoothing};
        VB_RUN(r, xent_fwd, &xd, logits, a->labels_b, s->loss, s->probs);
        *loss_sum = a->lambda * *loss_sum + (1.0 - a->lambda) * sum(s->loss, m->batch);
    }
    if (loss_backward(m, r, s, a) != 0) return -1;
    return vb_model_backward(m, r, s->dlogits);
}

/* One chunk of the batch on a replica (vb_chunk_fn); its logits copied to the model's. */
static int chunk_gradient(void *arg, vb_model *replica, vb_run *run, vb_step_scratch *s,
                          int64_t first, double *loss_sum)
{
    const batch_args *a = arg;
    const int64_t image = vb_shape_numel(replica->input);
    const batch_args chunk = {
        .images = a->images + first * image, .labels = a->labels + first,
        .labels_b = a->labels_b ? a->labels_b + first : NULL, .lambda = a->lambda,
        .label_smoothing = a->label_smoothing, .mean_over = a->mean_over};
    if (slice_gradient(replica, run, s, &chunk, loss_sum) != 0) return -1;
    const size_t logits = (size_t)(replica->batch * replica->classes);
    memcpy(a->logits + first * replica->classes, replica->act[replica->count],
           logits * sizeof(float));
    return 0;
}

/* This slice's gradient and loss, made the global batch's across ranks: the parameter
 * gradients (zeroed first) and *loss_out, the mean loss. */
static int step_gradient(vb_model *m, vb_run *r, vb_step_scratch *s, const batch_args *a,
                         const vb_step_opts *o, vb_replicas *replicas, double *loss_out)
{
    double loss_sum = 0;
    if (o->no_samples || !replicas) vb_param_block_zero_grad(&m->params);
    if (!o->no_samples) {
        int rc = replicas ? vb_replicas_run(replicas, m->batch, chunk_gradient, (void *)a, r,
                                            m->params.grad, &loss_sum)
                          : slice_gradient(m, r, s, a, &loss_sum);
        if (rc != 0) return -1;
    }
    /* One sum of the whole block per step: every rank then holds the global gradient. */
    if (vb_dist_shared(o->dist)) {
        vb_dist_sum_doubles(o->dist, &loss_sum, 1);
        vb_dist_sum_floats(o->dist, m->params.grad, m->params.total);
    }
    *loss_out = loss_sum / (double)a->mean_over;
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

/* The status of a step's gradient under stop_on_nonfinite. */
static int finiteness(const vb_param_block *pb, double loss)
{
    if (!isfinite(loss)) return VB_STEP_NONFINITE_LOSS;
    return all_finite(pb->grad, pb->total) ? VB_STEP_OK : VB_STEP_NONFINITE_GRAD;
}

int vb_train_step_opts(vb_model *m, vb_run *r, vb_step_scratch *s, const float *images,
                       const int32_t *labels, float label_smoothing, vb_adam_desc adam,
                       const vb_step_opts *o, double *loss_out)
{
    const int64_t mean_over =
        vb_dist_shared(o->dist) && o->global_batch > 0 ? o->global_batch : m->batch;
    const batch_args a = {.images = images, .labels = labels, .labels_b = o->labels_b,
                          .lambda = o->lambda, .label_smoothing = label_smoothing,
                          .mean_over = mean_over, .logits = m->act[m->count]};
    if (step_gradient(m, r, s, &a, o, o->replicas, loss_out) != 0) return VB_STEP_ERROR;
    const int status = o->stop_on_nonfinite ? finiteness(&m->params, *loss_out) : VB_STEP_OK;
    if (status != VB_STEP_OK) {
        double again; /* the whole batch on the model itself, for the diagnosis */
        if (o->replicas && step_gradient(m, r, s, &a, o, NULL, &again) != 0)
            return VB_STEP_ERROR;
        return status;
    }
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
