/* Training: a recipe (optimizer, schedule, loss, split, augmentation) applied to a model
 * and a dataset, epoch by epoch, with checkpoints that make a run resumable bit for bit.
 *
 * A recipe is a description file like the models' (cfg.h):
 *   [recipe]  dataset, epochs, batch, optimizer (adam | adamw), lr, beta1, beta2, eps,
 *             eps_mode (keras | torch), weight_decay, decay (decoupled | decoupled_lr),
 *             schedule (constant | step | warmup_cosine), warmup_epochs, step_epochs,
 *             step_gamma, min_lr, label_smoothing, val_split, val_mode (keras_last |
 *             random | test), keep_best, clip_norm
 *   [augment] crop_pad, crop_scale_min, flip, rotation, zoom, autoaugment, randaugment_n,
 *             randaugment_m, normalize (rescale | adapt | fixed), mean, std, erasing,
 *             mixup_alpha, cutmix_alpha
 *
 * A run writes into its folder: metrics.csv (one row per epoch), checkpoint.safetensors
 * (everything needed to resume: parameters, optimizer moments, best weights, epoch, step,
 * best score; written atomically at the end of every epoch), and at the end
 * summary.json (test top-1/top-5 with the kept weights). */
#ifndef VITBENCH_TRAIN_H
#define VITBENCH_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include "vitbench/augment.h"
#include "vitbench/dataset.h"
#include "vitbench/dist.h"
#include "vitbench/loader.h"
#include "vitbench/model.h"
#include "vitbench/ops.h"
#include "vitbench/step.h"

typedef enum vb_schedule {
    VB_SCHEDULE_CONSTANT = 0,
    VB_SCHEDULE_STEP = 1,          /* lr · gamma^floor(epoch / step_epochs) */
    VB_SCHEDULE_WARMUP_COSINE = 2  /* linear warmup, then cosine down to min_lr, per step */
} vb_schedule;

typedef enum vb_val_mode {
    VB_VAL_KERAS_LAST = 0, /* the last val_split of the training arrays (Keras) */
    VB_VAL_RANDOM = 1,     /* a seeded random val_split */
    VB_VAL_TEST = 2        /* validate on the test set (as the Qiita ViT does) */
} vb_val_mode;

/* The most epochs a recipe or a suite may plan (warmup and step epochs included): far
 * beyond any schedule, and small enough that epochs x steps per epoch fits int64. The
 * batch is bounded by VB_BATCH_MAX (model.h), so that a batch's bytes fit too. */
#define VB_EPOCHS_MAX 1000000

/* The most training images a run may be limited to (--limit, a suite profile's limit):
 * beyond any dataset here (ImageNet-1k has 1.28 million). */
#define VB_LIMIT_MAX INT32_MAX

typedef struct vb_recipe {
    char name[64];
    char dataset[64];
    int64_t epochs, batch;
    vb_adam_desc adam;     /* lr is the base rate; n and step are set per step */
    vb_schedule schedule;
    double warmup_epochs, step_epochs, step_gamma, min_lr;
    float label_smoothing;
    double val_split;
    vb_val_mode val_mode;
    int keep_best;         /* restore the best-val_accuracy weights before testing */
    float clip_norm;       /* global gradient-norm clipping (0 = off) */
    vb_augment augment;
    int adapt_normalization; /* normalize = adapt: fit mean/std on the training split */
    int channels_given;      /* normalize = fixed: the most values mean or std lists (0: none);
                              * the run's images must have at least this many channels */
    vb_precision precision;  /* what the backend's products compute in: vb_train refuses a
                              * backend loaded in another (run_inputs sets both) */
    /* The resolved recipe file, every key with defaults written out (cfg.h), owned by the
     * recipe: a copy of the struct shares it. Its FNV-1a hash is the recipe's identity. */
    char *config;
} vb_recipe;

/* 0, or -1 with one line naming file, line and key; vb_recipe_free releases it. */
int vb_recipe_load(vb_recipe *r, const char *path, char *err, size_t err_len);
void vb_recipe_free(vb_recipe *r);

/* The recipe's identity: FNV-1a 64 (fnv1a.h) of r->config, the text runsuite's
 * config.txt holds under "recipe". Any key that differs, one added to the format later
 * included, gives another hash; a checkpoint records it and --resume compares it. */
uint64_t vb_recipe_hash(const vb_recipe *r);

/* The learning rate at a global step (0-based) of a run of steps_per_epoch steps per epoch. */
double vb_recipe_lr(const vb_recipe *r, int64_t step, int64_t steps_per_epoch);

/* The optimizer descriptor the trainer steps with at a global step (0-based): the recipe's
 * Adam at vb_recipe_lr's rate, Adam's step = step + 1; n is left for the step to set. */
vb_adam_desc vb_recipe_adam(const vb_recipe *r, int64_t step, int64_t steps_per_epoch);

typedef struct vb_train_opts {
    const char *out_dir;  /* created if missing; claimed for the run (claim.h) */
    int claimed;          /* 1: the caller already holds out_dir's claim */
    int resume;           /* continue from out_dir/checkpoint.safetensors; without it, a
                           * folder that holds a run is refused */
    int64_t epochs;       /* > 0: overrides the recipe (shortened runs say so) */
    int64_t limit;        /* > 0: use only the first `limit` training images */
    uint64_t seed;
    int progress;         /* 1: redraw a progress line (terminal); 0: plain log lines */
    int fixed_threads;    /* 1: every step on the backend's threads; 0: fewer while other
                           * processes keep cores busy (governor.h) */
    int64_t chunk;        /* > 0: each training step runs chunks of this many images on
                           * one-thread replicas, one worker per backend thread
                           * (replicas.h); 0: every op on the backend's team of threads */
    int quiet;            /* no per-epoch lines at all (tests) */
    /* For tests that compare runs byte for byte, and for supervisors. */
    int zero_seconds;     /* 1: write 0 for every duration (metrics.csv, summary.json) */
    void (*on_step)(void *user, int64_t epoch, int64_t step); /* after each step, or NULL */
    void *user;
    const char *step_log; /* a CSV of every step's global loss and lr (step,epoch,loss,lr),
                           * or NULL */
    /* Data-parallel training (dist.h), or NULL: alone. Every rank of the group calls
     * vb_train with the same arguments; each trains on its slice of every global batch
     * (the recipe's batch) and evaluates its slice of the validation and test sets; rank
     * 0 alone writes out_dir (and reads the checkpoint when resuming: the other ranks get
     * its state), so out_dir need not be shared. */
    const vb_dist *dist;
} vb_train_opts;

typedef struct vb_epoch_metrics {
    int64_t epoch;        /* 1-based */
    double train_loss, train_acc, val_loss, val_acc, val_top5, lr, seconds;
} vb_epoch_metrics;

typedef struct vb_train_result {
    int64_t epochs_done;
    int64_t train_images;  /* per epoch (the training split, after the validation split) */
    int64_t best_epoch;
    double best_val_acc;
    double test_loss, test_top1, test_top5;
    double seconds;
} vb_train_result;

/* Memory. vb_train refuses, before allocating, a run whose estimate times VB_MEMORY_MARGIN
 * (room for backend workspaces and the data) exceeds what the machine has available. */
#define VB_MEMORY_MARGIN 1.25
size_t vb_train_bytes(const vb_model *m, const vb_recipe *r);
/* The same with sample-parallel steps (replicas.h): `workers` replicas for `chunk` images
 * and one gradient block per chunk of the batch on top; chunk 0: vb_train_bytes. */
size_t vb_train_bytes_chunked(const vb_model *m, const vb_recipe *r, int workers,
                              int64_t chunk);
/* MemAvailable, or a cgroup v2 limit's remaining room if smaller; 0 if unknown. */
unsigned long long vb_memory_available(void);
/* 0 if the run fits in `available` bytes (0: unknown, not checked), else -1 with one line
 * giving the estimate, what is available and the batch that would fit. */
int vb_train_check_memory(const vb_model *m, const vb_recipe *r, unsigned long long available,
                          char *err, size_t err_len);
/* The same for vb_train_bytes_chunked. */
int vb_train_check_memory_chunked(const vb_model *m, const vb_recipe *r, int workers,
                                  int64_t chunk, unsigned long long available, char *err,
                                  size_t err_len);
/* The same for training steps outside a run (vbmodel step and bench): `batch` images,
 * with chunk > 0 in chunks on `workers` replicas, no kept weights; the line says to lower
 * --batch. */
int vb_steps_check_memory(const vb_model *m, int64_t batch, int workers, int64_t chunk,
                          unsigned long long available, char *err, size_t err_len);

/* Trains and tests. m comes loaded (vb_model_load); vb_train allocates it for the
 * recipe's batch and initialises its parameters from o->seed, or from the checkpoint when
 * resuming (a missing checkpoint starts the run afresh). On failure (I/O, NaN loss, backend error) returns -1 with one line in
 * err naming the file, the step or the op. */
int vb_train(vb_model *m, const vb_recipe *r, const vb_dataset *train, const vb_dataset *test,
             const vb_loaded_backend *backend, const vb_train_opts *o, vb_train_result *res,
             char *err, size_t err_len);

/* Top-1 and top-5 accuracy and mean loss of the model on a subset (no augmentation). */
int vb_evaluate(vb_model *m, const vb_loaded_backend *backend, const vb_subset *s,
                const vb_augment *a, float label_smoothing, double *loss, double *top1,
                double *top5, char *err, size_t err_len);

/* vb_evaluate at an explicit batch size (the model is re-planned for it as needed),
 * keeping every logit in `logits` (s->count, classes) when it is not NULL. With replicas
 * (replicas.h), each batch runs in chunks on their workers instead, and the model itself
 * is not used: its parameters are read through the replicas. */
int vb_evaluate_batch(vb_model *m, const vb_loaded_backend *backend, vb_replicas *replicas,
                      const vb_subset *s, const vb_augment *a, float label_smoothing,
                      int64_t batch, float *logits, double *loss, double *top1, double *top5,
                      char *err, size_t err_len);

/* ---- a run's data ------------------------------------------------------------------- */

/* What a run trains on (fit), validates on (val) and tests on, out of `all` = the first
 * `limit` training images (all when 0), and the augmentation with normalize = adapt's
 * mean/std fitted on `all`. vb_train builds it; so does an evaluation of its checkpoint,
 * which thereby sees the same validation split and normalisation. */
typedef struct vb_run_split {
    vb_subset all, fit, val, test;
    vb_augment aug;
} vb_run_split;

/* 0, or -1 with one line naming the training data. seed: a random val_mode's split. */
int vb_run_split_build(vb_run_split *sp, const vb_recipe *r, const vb_dataset *train,
                       const vb_dataset *test, int64_t limit, uint64_t seed, char *err,
                       size_t err_len);
void vb_run_split_free(vb_run_split *sp);

/* ---- reading weights back ----------------------------------------------------------- */

/* What a weights file says about itself: a run's checkpoint, or a plain weights file as
 * `vbmodel init` writes it (tensors named as the model's parameters). */
typedef struct vb_weights_info {
    int checkpoint;          /* 1: a run's checkpoint; 0: a plain weights file */
    char model[64];          /* the model's name */
    /* checkpoints only: */
    char recipe[64];         /* the recipe's name */
    uint64_t recipe_hash;    /* vb_recipe_hash of the run's recipe (see recipe_text) */
    int recipe_text;         /* 1: the checkpoint keeps that resolved text, so recipe_hash
                              * is its hash; 0: an older one, hashed from a field list */
    int64_t epochs;          /* the run's planned epochs (0: not recorded) */
    uint64_t seed, dataset;  /* the run's seed; its training set's checksum */
    int64_t limit;           /* the run's --limit (0: none or not recorded) */
    int64_t train_images;    /* after the limit and the validation split */
    int64_t epoch, best_epoch;
    int has_best;            /* the run kept its best weights (recipe keep_best) */
    vb_precision precision;  /* what the run's products computed in (f32 when not recorded) */
} vb_weights_info;

/* Reads the description only. 0, or -1 with one line naming the file. */
int vb_weights_info_read(const char *path, vb_weights_info *info, char *err, size_t err_len);

/* Copies weights into m->params (allocated, of m's layout): from a checkpoint the kept
 * best weights when best = 1 and the run kept any (what vb_train tests), else the last
 * ones; from a plain weights file its only ones. *used_best says which. 0, or -1 with one
 * line naming the file and the tensor that is missing or of another shape. */
int vb_weights_load(const char *path, vb_model *m, int best, int *used_best, char *err,
                    size_t err_len);

/* That a checkpoint's run is the one rebuilt from recipe r, training set and split sp: the
 * same data (checksum), the same resolved recipe (when the checkpoint keeps its text: an
 * older one's hash cannot be recomputed, so its recipe goes unchecked, as --resume refuses
 * it) and as many training images. 0, or -1 with one line naming path and the difference. */
int vb_weights_check_run(const vb_weights_info *w, const char *path, const vb_recipe *r,
                         const vb_dataset *train, const vb_run_split *sp, char *err,
                         size_t err_len);

#endif
