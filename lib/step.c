/* One training step on the run's backend (step.h). */
#include "vitbench/step.h"

#include "vitbench/replicas.h"

#include <math.h>
#include <stdio.h>
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

/* The same terms for samples [first, ...) of the batch: images of `image` floats each. */
static batch_args from_sample(const batch_args *a, int64_t first, int64_t image,
                              int64_t classes)
{
    batch_args c = *a;
    c.images += first * image;
    c.labels += first;
    if (c.labels_b) c.labels_b += first;
    if (c.logits) c.logits += first * classes;
    return c;
}

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

static void copy_logits(float *to, const vb_model *m)
{
    memcpy(to, m->act[m->count], (size_t)(m->batch * m->classes) * sizeof(float));
}

/* One chunk of the batch on a replica (vb_chunk_fn); its logits copied out. */
static int chunk_gradient(void *arg, vb_model *replica, vb_run *run, vb_step_scratch *s,
                          int64_t first, double *loss_sum)
{
    const batch_args chunk =
        from_sample(arg, first, vb_shape_numel(replica->input), replica->classes);
    if (slice_gradient(replica, run, s, &chunk, loss_sum) != 0) return -1;
    copy_logits(chunk.logits, replica);
    return 0;
}

/* One chunk's forward and loss (vb_chunk_fn, forward only). */
static int chunk_loss(void *arg, vb_model *replica, vb_run *run, vb_step_scratch *s,
                      int64_t first, double *loss_sum)
{
    const batch_args chunk =
        from_sample(arg, first, vb_shape_numel(replica->input), replica->classes);
    const float *logits;
    if (forward_loss(replica, run, s, chunk.images, chunk.labels, chunk.label_smoothing,
                     &logits, loss_sum) != 0)
        return -1;
    copy_logits(chunk.logits, replica);
    return 0;
}

int vb_eval_loss_chunked(vb_replicas *t, vb_run *r, const float *images,
                         const int32_t *labels, int64_t n, float label_smoothing,
                         float *logits, double *loss_out)
{
    const batch_args a = {.images = images, .labels = labels,
                          .label_smoothing = label_smoothing, .mean_over = n,
                          .logits = logits};
    double loss_sum;
    if (vb_replicas_run(t, n, chunk_loss, (void *)&a, r, NULL, &loss_sum) != 0) return -1;
    *loss_out = loss_sum / (double)n;
    return 0;
}

/* This slice's gradient and loss, made the global batch's across ranks: the parameter
 * gradients (zeroed first) and *loss_out, the mean loss. n: the slice's images. */
static int step_gradient(vb_model *m, vb_run *r, vb_step_scratch *s, const batch_args *a,
                         const vb_step_opts *o, int64_t n, double *loss_out)
{
    double loss_sum = 0;
    if (o->no_samples || !o->replicas) vb_param_block_zero_grad(&m->params);
    if (!o->no_samples) {
        int rc = o->replicas ? vb_replicas_run(o->replicas, n, chunk_gradient, (void *)a, r,
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

/* After a non-finite chunked step: its chunks again, in order, on the model itself (which
 * holds one chunk), up to the first whose loss or gradients are not finite; the model
 * keeps that chunk's activations and gradients for the diagnosis. */
static int recompute_first_nonfinite_chunk(vb_model *m, vb_run *r, vb_step_scratch *s,
                                           const batch_args *a, int64_t n)
{
    const int64_t first_sample = r->first_sample, image = vb_shape_numel(m->input);
    int rc = 0;
    for (int64_t first = 0; first < n && rc == 0; first += m->capacity) {
        const int64_t count = n - first < m->capacity ? n - first : m->capacity;
        batch_args chunk = from_sample(a, first, image, m->classes);
        double loss_sum;
        r->first_sample = first_sample + first;
        vb_param_block_zero_grad(&m->params);
        rc = vb_model_set_batch(m, count) || slice_gradient(m, r, s, &chunk, &loss_sum);
        if (rc == 0 && finiteness(&m->params, loss_sum) != VB_STEP_OK) break;
    }
    r->first_sample = first_sample;
    return rc;
}

int vb_train_step_opts(vb_model *m, vb_run *r, vb_step_scratch *s, const float *images,
                       const int32_t *labels, float label_smoothing, vb_adam_desc adam,
                       const vb_step_opts *o, double *loss_out)
{
    const int64_t n = o->replicas ? o->samples : m->batch;
    const int64_t mean_over = vb_dist_shared(o->dist) && o->global_batch > 0 ? o->global_batch : n;
    const batch_args a = {.images = images, .labels = labels, .labels_b = o->labels_b,
                          .lambda = o->lambda, .label_smoothing = label_smoothing,
                          .mean_over = mean_over, .logits = o->logits};
    if (o->replicas && !o->no_samples && (n < 1 || !o->logits)) {
        snprintf(r->err, sizeof r->err, "a chunked step needs its samples and a logits buffer");
        return VB_STEP_ERROR;
    }
    if (step_gradient(m, r, s, &a, o, n, loss_out) != 0) return VB_STEP_ERROR;
    const int status = o->stop_on_nonfinite ? finiteness(&m->params, *loss_out) : VB_STEP_OK;
    if (status != VB_STEP_OK) {
        if (o->replicas && !o->no_samples && recompute_first_nonfinite_chunk(m, r, s, &a, n))
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
