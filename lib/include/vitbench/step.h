/* One training step: forward, softmax cross-entropy (with label smoothing), backward and
 * an Adam/AdamW update of every trainable parameter — every op on the run's backend.
 * The trainer calls it once per batch; `vbmodel step` calls it to time and profile. */
#ifndef VITBENCH_STEP_H
#define VITBENCH_STEP_H

#include <stdint.h>
#include "vitbench/dist.h"
#include "vitbench/model.h"
#include "vitbench/ops.h"

typedef struct vb_replicas vb_replicas; /* replicas.h */

typedef struct vb_step_scratch {
    float *loss;    /* (batch) per-sample loss */
    float *probs;   /* (batch, classes) softmax, saved by the loss for its backward */
    float *dlogits; /* (batch, classes) */
    float *adam_m, *adam_v; /* optimizer moments, same layout as the parameter block */
    int64_t batch;
} vb_step_scratch;

/* Allocates the step's buffers for m->batch and the model's parameter block. 0 or -1. */
int vb_step_scratch_alloc(vb_step_scratch *s, const vb_model *m);
/* The loss buffers only (loss, probs, dlogits; no optimizer moments), for m->batch. */
int vb_step_scratch_alloc_loss(vb_step_scratch *s, const vb_model *m);
void vb_step_scratch_free(vb_step_scratch *s);

/* What a step returns. */
typedef enum vb_step_status {
    VB_STEP_ERROR = -1,         /* r->err says why (a backend error, no memory) */
    VB_STEP_OK = 0,             /* the parameters were updated */
    VB_STEP_NONFINITE_LOSS = 1, /* stop_on_nonfinite: *loss_out holds it; nothing updated */
    VB_STEP_NONFINITE_GRAD = 2  /* stop_on_nonfinite: a gradient is NaN or infinite; the
                                 * activation gradients are kept for diagnosis; nothing
                                 * updated */
} vb_step_status;

/* One step. adam->n is filled in here (one optimizer call per run of trainable
 * parameters; frozen ones are skipped), adam->step = t ≥ 1 as given. *loss_out gets the
 * batch-mean loss. VB_STEP_OK, or VB_STEP_ERROR with r->err set. */
int vb_train_step(vb_model *m, vb_run *r, vb_step_scratch *s, const float *images,
                  const int32_t *labels, float label_smoothing, vb_adam_desc adam,
                  double *loss_out);

/* What the trainer adds to a plain step. */
typedef struct vb_step_opts {
    /* Mixup / CutMix: loss = λ·CE(labels) + (1−λ)·CE(labels_b), so the logits' gradient is
     * the sum of two cross-entropy backwards scaled λ/batch and (1−λ)/batch. Off when
     * labels_b is NULL or lambda >= 1. */
    const int32_t *labels_b; /* (batch) */
    float lambda;
    float clip_norm;       /* > 0: scale all gradients so their global L2 norm ≤ clip_norm */
    int stop_on_nonfinite; /* 1: a non-finite loss or gradient stops before the update */
    /* Data-parallel training (dist.h): the batch given is this rank's slice of a global
     * batch of global_batch samples. The loss is the global batch's mean and the gradient
     * the global mean's, summed across the group, so every rank takes the same decision
     * and makes the same update. A rank whose slice is empty (no_samples) runs no forward
     * and contributes zeros. dist NULL or of size 1: the batch is the whole batch. */
    const vb_dist *dist;
    int64_t global_batch;
    int no_samples;
    /* Non-NULL: the batch's forward and backward run chunk by chunk on these replicas'
     * worker threads (replicas.h) instead of on r->backend. The batch then has `samples`
     * images, and the model itself need only hold a chunk (its arena is not used), and the
     * step leaves the logits in `logits` (samples, classes) instead of the arena. When
     * stop_on_nonfinite stops the step, the chunks are computed once more on the model
     * itself up to the first non-finite one, whose activations and gradients the model
     * then holds, to show where the value came from. */
    vb_replicas *replicas;
    int64_t samples;
    float *logits;
} vb_step_opts;

/* vb_train_step with options (vb_train_step is this with none): a vb_step_status. */
int vb_train_step_opts(vb_model *m, vb_run *r, vb_step_scratch *s, const float *images,
                       const int32_t *labels, float label_smoothing, vb_adam_desc adam,
                       const vb_step_opts *o, double *loss_out);

/* Forward and loss only (no update): logits for inspection and the mean loss. */
int vb_eval_loss(vb_model *m, vb_run *r, vb_step_scratch *s, const float *images,
                 const int32_t *labels, float label_smoothing, const float **logits,
                 double *loss_out);

/* The same for n images in chunks on the replicas' workers (replicas.h), r giving the
 * profile: logits (n, classes) written to `logits`. 0, or -1 with r->err set. */
int vb_eval_loss_chunked(vb_replicas *t, vb_run *r, const float *images,
                         const int32_t *labels, int64_t n, float label_smoothing,
                         float *logits, double *loss_out);

#endif
