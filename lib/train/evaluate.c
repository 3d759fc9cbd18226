/* Evaluation: mean loss and top-1/top-5 accuracy over a subset, no augmentation (train.h). */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void vb_count_topk(const float *logits, const int32_t *labels, int64_t n, int64_t classes,
                   int64_t *top1, int64_t *top5)
{
    for (int64_t i = 0; i < n; i++) {
        const float *z = logits + i * classes;
        int32_t y = labels[i];
        int64_t beaten_by = 0; /* classes ranked above the label; a NaN label never hits */
        for (int64_t j = 0; j < classes; j++)
            beaten_by += z[j] > z[y] || (z[j] == z[y] && j < y) || isnan(z[y]);
        *top1 += beaten_by < 1;
        *top5 += beaten_by < 5;
    }
}

int vb_model_fit_batch(vb_model *m, int64_t n)
{
    if (m->batch == n) return 0;
    return n <= m->capacity ? vb_model_set_batch(m, n) : vb_model_alloc(m, n);
}

/* The per-sample loss and probability buffers vb_eval_loss uses, for `batch` images; with
 * replicas, their buffers are theirs, and dlogits holds the chunks' logits instead. */
static int eval_scratch(vb_step_scratch *s, const vb_model *m, int64_t batch, int chunked)
{
    memset(s, 0, sizeof *s);
    s->batch = batch;
    const size_t logits = (size_t)(batch * m->classes) * sizeof(float);
    if (chunked) return (s->dlogits = vb_alloc(logits)) ? 0 : -1;
    s->loss = vb_alloc((size_t)batch * sizeof(float));
    s->probs = vb_alloc(logits);
    return s->loss && s->probs ? 0 : -1;
}

/* One batch's forward and mean loss: on the model itself, or in chunks on the replicas
 * into the buffer `chunked` (batch, classes). */
static int eval_one(vb_model *m, vb_replicas *replicas, vb_run *run, vb_step_scratch *s,
                    const vb_batch *b, float label_smoothing, float *chunked,
                    const float **logits, double *loss, char *err, size_t err_len)
{
    if (replicas) {
        *logits = chunked;
        if (vb_eval_loss_chunked(replicas, run, b->images, b->labels, b->n, label_smoothing,
                                 chunked, loss) == 0)
            return 0;
    } else if (vb_model_fit_batch(m, b->n) != 0) {
        snprintf(err, err_len, "evaluation: cannot plan %s for a batch of %lld", m->name,
                 (long long)b->n);
        return -1;
    } else if (vb_eval_loss(m, run, s, b->images, b->labels, label_smoothing, logits,
                            loss) == 0) {
        return 0;
    }
    snprintf(err, err_len, "evaluation: %s", run->err);
    return -1;
}

/* Finite weights can still overflow the forward (a learning rate far too large leaves
 * them near 1e30): such logits would rank as anything, so they end the evaluation. 0, or
 * -1 naming the first image (its position in the split) whose logits are not finite. */
static int check_finite(const float *logits, int64_t n, int64_t classes, int64_t first,
                        char *err, size_t err_len)
{
    for (int64_t i = 0; i < n * classes; i++)
        if (!isfinite(logits[i])) {
            snprintf(err, err_len,
                     "evaluation: image %lld of the split has a %s logit: the weights are "
                     "finite but overflow the forward",
                     (long long)(first + i / classes), isnan(logits[i]) ? "NaN" : "infinite");
            return -1;
        }
    return 0;
}

/* Walks the subset in order in batches; sums loss·n and the top-k counts, and copies the
 * logits to keep (count, classes) when it is not NULL. */
static int eval_loop(vb_model *m, vb_replicas *replicas, vb_run *run, vb_step_scratch *s,
                     vb_loader *ld, float label_smoothing, float *keep, double *loss_sum,
                     int64_t *top1, int64_t *top5, char *err, size_t err_len)
{
    const vb_batch *b;
    for (int64_t done = 0; (b = vb_loader_next(ld)); done += b->n) {
        const float *logits;
        double loss;
        if (eval_one(m, replicas, run, s, b, label_smoothing, s->dlogits, &logits, &loss, err,
                     err_len) != 0 ||
            check_finite(logits, b->n, m->classes, done, err, err_len) != 0)
            return -1;
        *loss_sum += loss * (double)b->n;
        vb_count_topk(logits, b->labels, b->n, m->classes, top1, top5);
        if (keep) {
            memcpy(keep, logits, (size_t)(b->n * m->classes) * sizeof(float));
            keep += b->n * m->classes;
        }
    }
    return 0;
}

int vb_evaluate_batch(vb_model *m, const vb_loaded_backend *backend, vb_replicas *replicas,
                      const vb_subset *s, const vb_augment *a, float label_smoothing,
                      int64_t batch, float *logits, double *loss, double *top1, double *top5,
                      char *err, size_t err_len)
{
    *loss = *top1 = *top5 = 0;
    if (s->count < 1) return 0;
    if (batch > s->count) batch = s->count;
    vb_step_scratch scratch;
    vb_loader *ld = NULL;
    int rc = -1;
    if (eval_scratch(&scratch, m, batch, replicas != NULL) != 0 ||
        !(ld = vb_loader_start(s, a, &(vb_loader_opts){.batch = batch}))) {
        snprintf(err, err_len, "evaluation: out of memory for a batch of %lld",
                 (long long)batch);
    } else {
        vb_run run = {.backend = backend, .params = &m->params, .training = 0};
        double loss_sum = 0;
        int64_t hit1 = 0, hit5 = 0;
        rc = eval_loop(m, replicas, &run, &scratch, ld, label_smoothing, logits, &loss_sum,
                       &hit1, &hit5, err, err_len);
        *loss = loss_sum / (double)s->count;
        *top1 = (double)hit1 / (double)s->count;
        *top5 = (double)hit5 / (double)s->count;
    }
    if (ld) vb_loader_stop(ld);
    vb_step_scratch_free(&scratch);
    return rc;
}

int vb_evaluate(vb_model *m, const vb_loaded_backend *backend, const vb_subset *s,
                const vb_augment *a, float label_smoothing, double *loss, double *top1,
                double *top5, char *err, size_t err_len)
{
    int64_t batch = m->batch > 0 ? m->batch : 128;
    return vb_evaluate_batch(m, backend, NULL, s, a, label_smoothing, batch, NULL, loss, top1,
                             top5, err, err_len);
}
