/* The trainer's parts (lib/train/), shared between its files only. */
#ifndef VITBENCH_TRAIN_INTERNAL_H
#define VITBENCH_TRAIN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "vitbench/safetensors.h"
#include "vitbench/step.h"
#include "vitbench/train.h"

/* ---- evaluate.c --------------------------------------------------------------------- */

/* Counts for top-1/top-5 from logits (n, classes): a sample is top-k when fewer than k
 * classes beat its label (higher logit, or equal with a lower index: argmax's first-max
 * rule, so top-1 is exactly argmax == label). */
void vb_count_topk(const float *logits, const int32_t *labels, int64_t n, int64_t classes,
                   int64_t *top1, int64_t *top5);

/* Plans the model's activations for n images unless it already is (a last, smaller
 * batch): parameters are untouched. 0 or -1. */
int vb_model_fit_batch(vb_model *m, int64_t n);

/* ---- checkpoint.c ------------------------------------------------------------------- */

/* What makes a checkpoint belong to a run: resuming refuses any difference. */
typedef struct vb_ckpt_identity {
    const char *model, *recipe;
    const char *model_text;  /* the resolved model description (vb_model.config), kept in
                              * the file: a model file edited under the same name and
                              * parameter shapes must not pass */
    const char *recipe_text; /* the resolved recipe (vb_recipe.config), kept in the file */
    uint64_t recipe_hash;  /* vb_recipe_hash: of recipe_text */
    int64_t epochs;        /* the recipe's, or --epochs */
    uint64_t seed;
    uint64_t dataset;      /* the training set's checksum */
    int64_t train_images;  /* after --limit and the validation split */
    const char *precision; /* vb_precision_name of the backend's, NULL: f32 (a checkpoint
                            * without it was written before bf16 existed, in f32) */
    /* Recorded for evaluations (weights.c), not compared: train_images already tells a
     * different --limit. */
    int64_t limit;
    /* Not stored: the plan a loaded state must fit (epoch ≤ epochs, step = epoch ·
     * steps_per_epoch), so an edited or damaged checkpoint cannot move the run. */
    int64_t steps_per_epoch;
} vb_ckpt_identity;

/* Where a run stands at the end of an epoch. */
typedef struct vb_ckpt_state {
    int64_t epoch;         /* epochs done */
    int64_t step;          /* global steps done */
    int64_t best_epoch;    /* 0 = none yet */
    double best_val_acc;
    double seconds;        /* training time so far, all sessions */
    int64_t steps_at_fewer_threads; /* steps the governor ran on fewer threads than the
                                     * run's (governor.h), all sessions */
} vb_ckpt_state;

/* Writes parameters, Adam moments, best parameters (best may be NULL), the state and the
 * identity to path, atomically. 0 or -1 with err set. */
int vb_checkpoint_save(const char *path, const vb_model *m, const vb_step_scratch *s,
                       const float *best, const vb_ckpt_identity *id,
                       const vb_ckpt_state *st, char *err, size_t err_len);

#define VB_CHECKPOINT_FORMAT "vitbench-checkpoint"

/* Copies the tensors PREFIX.NAME (NAME alone when prefix is NULL) of every parameter of pb
 * into data (pb's layout), checking each one's shape. 0, or -1 naming file and tensor. */
/* That the resolved text a checkpoint keeps under key (a description: "model description",
 * "recipe") is ours. 0 when it is, or when either side has none (a checkpoint that predates
 * keeping it: the caller decides whether that may pass); otherwise -1 with "path: action: the WHAT differs ... at
 * its line N: 'ours' here, 'theirs' in the checkpoint". */
int vb_ckpt_check_text(const vb_st_file *f, const char *path, const char *key,
                       const char *what, const char *ours, const char *action, char *err,
                       size_t err_len);

int vb_ckpt_read_block(const vb_st_file *f, const char *path, const vb_param_block *pb,
                       const char *prefix, float *data, char *err, size_t err_len);

/* Reads a checkpoint back into m, s and best (when not NULL) after checking that it has
 * the same identity and every tensor's shape, that its state fits the run's plan, and that
 * every value is finite (second moments also ≥ 0). 0 or -1 with one line naming the file
 * and the first thing wrong; m, s and best may then hold part of the file. */
int vb_checkpoint_load(const char *path, vb_model *m, vb_step_scratch *s, float *best,
                       const vb_ckpt_identity *id, vb_ckpt_state *st, char *err,
                       size_t err_len);

/* ---- metrics.c ---------------------------------------------------------------------- */

typedef struct vb_metrics_file {
    FILE *f;
    char *path;            /* OUT/metrics.csv */
} vb_metrics_file;

/* Opens out_dir/metrics.csv for appending rows after epoch `keep_epochs`: a fresh run
 * (keep_epochs = 0) starts a new file with its header; a resumed one keeps the header and
 * the rows of epochs 1..keep_epochs and drops anything after (a row of an epoch that the
 * checkpoint does not cover, or a partial line). 0 or -1 with err set. */
int vb_metrics_open(vb_metrics_file *mf, const char *out_dir, int64_t keep_epochs,
                    char *err, size_t err_len);
/* Appends one row and makes it durable (fflush + fsync). 0 or -1. */
int vb_metrics_append(vb_metrics_file *mf, const vb_epoch_metrics *e, char *err,
                      size_t err_len);
void vb_metrics_close(vb_metrics_file *mf);

/* ---- progress.c --------------------------------------------------------------------- */

typedef struct vb_progress {
    int mode;              /* 0 quiet, 1 one line per epoch, 2 a redrawn terminal line */
    int64_t epochs, steps_per_epoch;
    int64_t steps_left;    /* in the whole run, for the ETA */
    double session_start, epoch_start, last_draw;
    int64_t session_steps, epoch_images;
} vb_progress;

void vb_progress_start(vb_progress *p, const vb_train_opts *o, int64_t epochs,
                       int64_t steps_per_epoch, int64_t steps_left);
void vb_progress_epoch_start(vb_progress *p);
/* threads: the step's (the governor's pick), said on the line when fewer than max_threads. */
void vb_progress_step(vb_progress *p, int64_t epoch, int64_t step_in_epoch,
                      int64_t images, double loss, int threads, int max_threads);
void vb_progress_epoch_end(vb_progress *p, const vb_epoch_metrics *e, int best);
/* Seconds since the epoch started. */
double vb_progress_epoch_seconds(const vb_progress *p);
double vb_seconds_now(void);

/* ---- diagnose.c --------------------------------------------------------------------- */

/* After a step stopped on a non-finite loss (the forward's activations are still in the
 * arena): names the first parameter, or else the first layer output, that is not finite. */
void vb_first_nonfinite(const vb_model *m, char *out, size_t len);
void vb_first_nonfinite_grad(const vb_model *m, char *out, size_t len);

/* ---- summary.c ---------------------------------------------------------------------- */

typedef struct vb_summary {
    const char *model, *recipe, *dataset, *backend;
    const char *precision;   /* vb_precision_name of the backend's */
    uint64_t dataset_checksum, seed;
    int threads;
    int64_t epochs_planned, epochs_done, limit, train_images, val_images, test_images;
    int64_t channels;
    const float *mean, *std; /* the normalisation applied (adapted ones included), channels */
    int ranks;               /* data-parallel processes (dist.h); 1 alone */
    const char *thread_policy;           /* "adaptive" or "fixed" (governor.h) */
    int64_t step_chunk;                  /* images per chunk of a step, 0: none */
    int step_workers;                    /* the threads running the chunks */
    int64_t steps_at_fewer_threads;
    const vb_train_result *result;
} vb_summary;

/* Writes out_dir/summary.json atomically. 0 or -1 with err set. */
int vb_summary_write(const char *out_dir, const vb_summary *s, char *err, size_t err_len);

#endif
