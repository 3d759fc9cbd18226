/* The training loop (train.h): epochs of shuffled, augmented batches through
 * vb_train_step_opts, validation after each epoch, a durable metrics row and an atomic
 * checkpoint, and at the end a test of the kept weights.
 *
 * Reproducibility: every random draw is a function of the run seed and a counter —
 * parameter init vb_model_init_params(seed), the epoch's order and augmentation
 * (seed, epoch), dropout masks vb_hash64(seed, global step) — so the same seed, backend
 * and thread counts give the same run, and a resumed run continues exactly where the
 * checkpoint stopped. With a chunk size (o->chunk), each step's chunks run on one-thread
 * replicas (replicas.h), which compute the same bits on any number of workers. Without
 * one, and for validation and test, each op runs on the threads the governor picks
 * (governor.h): on a backend whose sums depend on the thread count, a step it ran on
 * fewer threads (counted in the checkpoint and summary) can change the last bits.
 *
 * Data parallel (dist.h): every rank draws the same global batch and trains on its slice
 * (the dropout masks are indexed globally), the step sums loss and gradients across the
 * ranks, and validation and test are split between them the same way; so an N-rank run
 * follows the 1-rank run up to the order of the sums. Rank 0 alone writes; failures that
 * only it can see (files) are agreed on, so every rank stops together. */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "vitbench/claim.h"
#include "vitbench/files.h"
#include "vitbench/governor.h"
#include "vitbench/replicas.h"
#include "vitbench/rng.h"

typedef struct trainer {
    vb_model *m;
    vb_recipe rr;                 /* the recipe as this run resolves it (--epochs) */
    const vb_loaded_backend *backend;
    vb_governor *governor;        /* picks each step's load of the backend (governor.h) */
    vb_replicas *replicas;        /* o->chunk > 0: the workers that run each step */
    float *logits;                /* with replicas: (local_batch, classes), a step's logits */
    int step_threads;             /* the last step's threads (the governor's pick) */
    const vb_train_opts *o;
    const vb_dist *dist;          /* NULL: alone */
    int writer;                   /* rank 0: writes out_dir and reads the checkpoint */
    int64_t local_batch;          /* the largest slice of a global batch this rank takes */
    const vb_dataset *train_set;
    vb_run_split sp;              /* fit trains, val validates; aug: adapted mean/std */
    vb_step_scratch scratch;
    float *best;                  /* keep_best: the parameters of the best epoch */
    vb_ckpt_identity id;
    vb_ckpt_state st;
    vb_metrics_file metrics;
    FILE *step_log;               /* writer with o->step_log only */
    int step_log_errno;           /* errno of the step log's first failed write, or 0 */
    vb_progress progress;
    int64_t steps_per_epoch;
    char *ckpt_path;              /* OUT/checkpoint.safetensors */
    vb_claim claim;               /* the writer's lock on OUT, unless its caller holds one */
    char *err;
    size_t err_len;
} trainer;

/* ---- setup -------------------------------------------------------------------------- */

static int check_shapes(const vb_model *m, const vb_dataset *d, char *err, size_t err_len)
{
    if (d->h != m->input.h || d->w != m->input.w || d->c != m->input.c ||
        d->classes != m->classes) {
        snprintf(err, err_len,
                 "%s: %lldx%lldx%lld images in %lld classes, but model %s takes "
                 "%lldx%lldx%lld in %lld classes",
                 d->source, (long long)d->h, (long long)d->w, (long long)d->c,
                 (long long)d->classes, m->name, (long long)m->input.h,
                 (long long)m->input.w, (long long)m->input.c, (long long)m->classes);
        return -1;
    }
    return 0;
}

/* Room on disk for the run, checked before any training: the checkpoint (parameters,
 * two Adam moments, kept weights) is rewritten every epoch beside the last one, so a fresh
 * run needs two of them, a resumed one one more, plus a MiB for metrics and summary. */
static int check_disk(const trainer *t)
{
    double ckpt = (double)t->m->params.total * sizeof(float) * (3 + (t->best ? 1 : 0)) + 65536;
    struct stat sb;
    int have_one = stat(t->ckpt_path, &sb) == 0;
    double need = ckpt * (have_one ? 1 : 2) + 1048576.0;
    unsigned long long free_bytes = vb_free_bytes(t->o->out_dir);
    if (free_bytes == 0 || (double)free_bytes >= need) return 0;
    snprintf(t->err, t->err_len, "%s: %.1f MiB free, the run needs about %.1f MiB (its "
             "checkpoint, rewritten every epoch beside the last one): free some space or "
             "write elsewhere", t->o->out_dir, (double)free_bytes / 1048576.0,
             need / 1048576.0);
    return -1;
}

/* The writer's hold on the run folder: its lock (unless the caller took it), and a refusal
 * to start afresh where a run already is, unless asked to resume. */
static int take_folder(trainer *t)
{
    const char *dir = t->o->out_dir;
    char brief[VB_PATH_BRIEF];
    if (t->o->claimed ? vb_make_dirs(dir, t->err, t->err_len)
                      : vb_claim_folder(&t->claim, dir, t->err, t->err_len))
        return -1;
    vb_folder_state held = vb_folder_state_of(dir);
    if (t->o->resume || held == VB_FOLDER_EMPTY) return 0;
    snprintf(t->err, t->err_len, "%s holds a%s run: resume it (--resume), or write elsewhere "
             "(--out) or remove the folder to start over", vb_path_brief(dir, brief),
             held == VB_FOLDER_FINISHED ? " finished" : "n unfinished");
    return -1;
}

/* With a chunk size: the replicas' workers for this rank's slices; else none. */
static int replica_workers(const trainer *t)
{
    if (t->o->chunk <= 0) return 0;
    return vb_replicas_workers_for(t->local_batch, t->o->chunk, t->backend->threads);
}

static int make_replicas(trainer *t)
{
    const int64_t chunk = t->o->chunk;
    if (chunk <= 0) return 0;
    char why[256];
    t->replicas =
        vb_replicas_create(t->m, t->backend, replica_workers(t), chunk, why, sizeof why);
    if (t->replicas) return 0;
    snprintf(t->err, t->err_len, "%s: sample-parallel steps (--chunk %lld): %s", t->m->name,
             (long long)chunk, why);
    return -1;
}

/* The model planned for this rank's slices (the whole batch when alone); with replicas,
 * which run every pass, for one chunk (a non-finite step's diagnosis recomputes one). */
static int allocate(trainer *t)
{
    vb_model *m = t->m;
    vb_recipe slice = t->rr;
    slice.batch = t->local_batch;
    if (vb_train_check_memory_chunked(m, &slice, replica_workers(t), t->o->chunk,
                                      vb_memory_available(), t->err, t->err_len))
        return -1;
    const int64_t chunk = t->o->chunk, planned =
        chunk > 0 && chunk < t->local_batch ? chunk : t->local_batch;
    const size_t logits = (size_t)(t->local_batch * m->classes) * sizeof(float);
    if (vb_model_alloc(m, planned) != 0 || vb_step_scratch_alloc(&t->scratch, m) != 0 ||
        (chunk > 0 && !(t->logits = vb_alloc(logits))) ||
        (t->rr.keep_best && !(t->best = vb_alloc(m->params.total * sizeof(float)))) ||
        !(t->governor = vb_governor_create(t->backend, !t->o->fixed_threads))) {
        snprintf(t->err, t->err_len, "%s: cannot allocate %.1f MiB for batch %lld", m->name,
                 (double)vb_model_bytes(m, t->local_batch) / 1048576.0,
                 (long long)t->local_batch);
        return -1;
    }
    return make_replicas(t);
}

/* ---- agreeing across ranks ---------------------------------------------------------- */

/* rc of every rank agreed: -1 on every rank if any failed. A rank that did not fail
 * itself says which one did (rank 0, the writer, is the one that can fail alone). */
static int agree(trainer *t, int rc)
{
    if (!vb_dist_shared(t->dist)) return rc;
    int any = vb_dist_max(t->dist, rc != 0);
    if (any && rc == 0) snprintf(t->err, t->err_len, "another rank failed (see its message)");
    return any ? -1 : 0;
}

/* What rank 0 holds after start — parameters, optimizer moments, kept weights and where
 * the run stands — copied to every rank, so all of them continue one run. */
static void share_state(trainer *t)
{
    if (!vb_dist_shared(t->dist)) return;
    const size_t bytes = t->m->params.total * sizeof(float);
    vb_dist_broadcast(t->dist, t->m->params.data, bytes);
    vb_dist_broadcast(t->dist, t->scratch.adam_m, bytes);
    vb_dist_broadcast(t->dist, t->scratch.adam_v, bytes);
    if (t->best) vb_dist_broadcast(t->dist, t->best, bytes);
    vb_dist_broadcast(t->dist, &t->st, sizeof t->st);
}

/* A fresh start from the seed, or the checkpoint's state when resuming and one exists
 * (read by rank 0 and shared). */
static int start(trainer *t)
{
    struct stat sb;
    t->st = (vb_ckpt_state){.best_val_acc = -1};
    vb_model_init_params(t->m, t->o->seed);
    int rc = 0;
    if (t->writer && t->o->resume && stat(t->ckpt_path, &sb) == 0)
        rc = vb_checkpoint_load(t->ckpt_path, t->m, &t->scratch, t->best, &t->id, &t->st,
                                t->err, t->err_len);
    if (agree(t, rc)) return -1;
    share_state(t);
    return 0;
}

/* ---- one epoch ---------------------------------------------------------------------- */

/* Running sums over an epoch's batches. */
typedef struct epoch_sums {
    double loss;    /* Σ batch-mean loss · n */
    int64_t correct, images;
    double lr;      /* of the last step */
} epoch_sums;

/* A failure this rank may meet alone (memory, a backend error) while the other ranks wait
 * in the step's sums: it ends the whole group, saying so. */
static int failed_alone(trainer *t)
{
    if (vb_dist_shared(t->dist)) {
        fprintf(stderr, "vitbench: rank %d: %s\n", t->dist->rank, t->err);
        vb_dist_abort(t->dist, 1);
    }
    return -1;
}

/* Non-finite losses and gradients are the global batch's, so every rank stops alike. */
static int step_failed(trainer *t, int rc, double loss, const vb_run *run, int64_t epoch)
{
    if (rc == VB_STEP_ERROR) {
        snprintf(t->err, t->err_len, "step %lld (epoch %lld): %s", (long long)t->st.step + 1,
                 (long long)epoch, run->err);
        return failed_alone(t);
    }
    char where[160];
    if (rc == VB_STEP_NONFINITE_GRAD) {
        vb_first_nonfinite_grad(t->m, where, sizeof where);
        snprintf(t->err, t->err_len, "step %lld (epoch %lld): non-finite gradients, loss %g "
                 "(first non-finite: %s); nothing was updated", (long long)t->st.step + 1,
                 (long long)epoch, loss, where);
        return -1;
    }
    vb_first_nonfinite(t->m, where, sizeof where);
    snprintf(t->err, t->err_len, "step %lld (epoch %lld): loss is %s (first non-finite: %s)",
             (long long)t->st.step + 1, (long long)epoch, isnan(loss) ? "NaN" : "infinite",
             where);
    return -1;
}

/* Rows [first, first + count) of a batch: this rank's slice (all of it when alone). */
static vb_batch batch_slice(const vb_model *m, const vb_batch *b, int64_t first, int64_t count)
{
    const int64_t image = m->input.h * m->input.w * m->input.c;
    return (vb_batch){.n = count, .images = b->images + first * image,
                      .labels = b->labels + first,
                      .labels_b = b->labels_b ? b->labels_b + first : NULL,
                      .lambda = b->lambda};
}

/* The step log's failure, with the reason the first failed write gave (or errno now). */
static int step_log_failed(trainer *t)
{
    char brief[VB_PATH_BRIEF];
    if (!t->step_log_errno) t->step_log_errno = errno ? errno : EIO;
    snprintf(t->err, t->err_len, "%s: cannot write the step log: %s",
             vb_path_brief(t->o->step_log, brief), strerror(t->step_log_errno));
    return -1;
}

/* The step's row (step,epoch,loss,lr). A row that cannot be written (a full disk: the
 * buffer's flush failed) stops the run at this step; only the writer can see it. */
static int log_step(trainer *t, int64_t epoch, double loss, double lr)
{
    if (!t->step_log) return 0;
    errno = 0;
    if (fprintf(t->step_log, "%lld,%lld,%.9g,%.9g\n", (long long)t->st.step + 1,
                (long long)epoch, loss, lr) >= 0)
        return 0;
    return step_log_failed(t);
}

/* The epoch's rows out of the buffer, before its metrics row and checkpoint: an epoch
 * whose rows were lost is not checkpointed, so resuming reruns it. */
static int flush_step_log(trainer *t)
{
    if (!t->step_log) return 0;
    errno = 0;
    return fflush(t->step_log) == 0 && !ferror(t->step_log) ? 0 : step_log_failed(t);
}

/* One optimizer step on a global batch: the schedule's lr, a step seed for dropout, and
 * the loss (mixed when the batch is); this rank computes its slice of it. */
static int train_batch(trainer *t, const vb_batch *global, int64_t epoch, epoch_sums *sums)
{
    vb_model *m = t->m;
    int64_t first, count;
    vb_dist_slice(t->dist, global->n, &first, &count);
    const vb_batch b = batch_slice(m, global, first, count);
    if (count > 0 && !t->replicas && vb_model_fit_batch(m, count) != 0) {
        snprintf(t->err, t->err_len, "step %lld: cannot plan %s for a batch of %lld",
                 (long long)t->st.step + 1, m->name, (long long)count);
        return failed_alone(t);
    }
    vb_adam_desc adam = vb_recipe_adam(&t->rr, t->st.step, t->steps_per_epoch);
    sums->lr = vb_recipe_lr(&t->rr, t->st.step, t->steps_per_epoch);
    vb_run run = {.backend = vb_governor_pick(t->governor), .params = &m->params,
                  .training = 1,
                  .seed = vb_hash64(t->o->seed, (uint64_t)t->st.step), .first_sample = first};
    vb_step_opts so = {.labels_b = b.labels_b, .lambda = b.lambda,
                       .clip_norm = t->rr.clip_norm, .stop_on_nonfinite = 1,
                       .dist = t->dist, .global_batch = global->n, .no_samples = count == 0,
                       .replicas = t->replicas, .samples = count, .logits = t->logits};
    double loss;
    int rc = vb_train_step_opts(m, &run, &t->scratch, b.images, b.labels,
                                t->rr.label_smoothing, adam, &so, &loss);
    if (rc != VB_STEP_OK) return step_failed(t, rc, loss, &run, epoch);
    t->step_threads = t->replicas ? t->backend->threads : run.backend->threads;
    if (t->step_threads < t->backend->threads) t->st.steps_at_fewer_threads++;
    /* Accuracy against the batch's dominant labels (the logits are still in the arena, or
     * where the chunks left them); summed across ranks at the end of the epoch. */
    const int32_t *labels = b.labels_b && b.lambda < 0.5f ? b.labels_b : b.labels;
    const float *logits = t->replicas ? t->logits : m->act[m->count];
    int64_t top5 = 0;
    if (count > 0) vb_count_topk(logits, labels, count, m->classes, &sums->correct, &top5);
    sums->loss += loss * (double)global->n;
    sums->images += global->n;
    if (log_step(t, epoch, loss, sums->lr)) return failed_alone(t);
    t->st.step++;
    return 0;
}

static int train_epoch(trainer *t, int64_t epoch, epoch_sums *sums)
{
    vb_loader_opts lo = {.batch = t->rr.batch, .shuffle = 1, .training = 1,
                         .seed = t->o->seed, .epoch = epoch};
    vb_loader *ld = vb_loader_start(&t->sp.fit, &t->sp.aug, &lo);
    if (!ld) {
        snprintf(t->err, t->err_len, "epoch %lld: cannot start the data loader",
                 (long long)epoch);
        return -1;
    }
    const vb_batch *b;
    int rc = 0;
    for (int64_t k = 1; rc == 0 && (b = vb_loader_next(ld)); k++) {
        rc = train_batch(t, b, epoch, sums);
        if (rc == 0) {
            vb_progress_step(&t->progress, epoch, k, b->n, sums->loss / (double)sums->images,
                             t->step_threads, t->backend->threads);
            if (t->o->on_step) t->o->on_step(t->o->user, epoch, t->st.step);
        }
    }
    vb_loader_stop(ld);
    return rc;
}

/* Mean loss, top-1 and top-5 of the model on s; with ranks, each evaluates its slice of s
 * and the sums are shared. */
static int evaluate(trainer *t, const vb_subset *s, double *loss, double *top1, double *top5)
{
    const vb_loaded_backend *backend = vb_governor_pick(t->governor);
    if (!vb_dist_shared(t->dist))
        return vb_evaluate_batch(t->m, backend, t->replicas, s, &t->sp.aug,
                                 t->rr.label_smoothing,
                                 t->local_batch, NULL, loss, top1, top5, t->err, t->err_len);
    int64_t first, count;
    vb_dist_slice(t->dist, s->count, &first, &count);
    const vb_subset slice = {.data = s->data, .index = s->index + first, .count = count};
    double sums[3] = {0, 0, 0}; /* Σ loss, top-1 hits, top-5 hits over the slice */
    int rc = 0;
    if (count > 0) {
        rc = vb_evaluate_batch(t->m, backend, t->replicas, &slice, &t->sp.aug,
                               t->rr.label_smoothing,
                               t->local_batch, NULL, &sums[0], &sums[1], &sums[2], t->err,
                               t->err_len);
        for (int i = 0; i < 3; i++) sums[i] *= (double)count;
    }
    if (agree(t, rc)) return -1;
    vb_dist_sum_doubles(t->dist, sums, 3);
    *loss = sums[0] / (double)s->count;
    *top1 = sums[1] / (double)s->count;
    *top5 = sums[2] / (double)s->count;
    return 0;
}

/* The epoch's step-log rows, metrics row and checkpoint, written by rank 0 and agreed
 * on; a failed write stops the run before the checkpoint, which stays the last epoch's. */
static int save_epoch(trainer *t, const vb_epoch_metrics *e)
{
    int rc = 0;
    if (t->writer) {
        rc = flush_step_log(t) || vb_metrics_append(&t->metrics, e, t->err, t->err_len) ||
             vb_checkpoint_save(t->ckpt_path, t->m, &t->scratch, t->best, &t->id, &t->st,
                                t->err, t->err_len);
    }
    return agree(t, rc);
}

/* Puts what was evaluated (e.g. "epoch 3") before evaluation's message in t->err; -1. */
static int evaluation_failed(trainer *t, const char *what)
{
    char inner[1024];
    snprintf(inner, sizeof inner, "%s", t->err);
    snprintf(t->err, t->err_len, "%s: %s", what, inner);
    return -1;
}

/* Validation, the best weights, the metrics row, then the checkpoint (in that order: a
 * kill between the row and the checkpoint leaves a row that resuming drops). */
static int finish_epoch(trainer *t, int64_t epoch, const epoch_sums *sums)
{
    double correct = (double)sums->correct; /* this rank's; summed over the ranks */
    vb_dist_sum_doubles(t->dist, &correct, 1);
    vb_epoch_metrics e = {.epoch = epoch, .lr = sums->lr,
                          .train_loss = sums->loss / (double)sums->images,
                          .train_acc = correct / (double)sums->images};
    if (evaluate(t, &t->sp.val, &e.val_loss, &e.val_acc, &e.val_top5)) {
        char what[48];
        snprintf(what, sizeof what, "epoch %lld", (long long)epoch);
        return evaluation_failed(t, what);
    }
    e.seconds = t->o->zero_seconds ? 0 : vb_progress_epoch_seconds(&t->progress);
    int best = e.val_acc > t->st.best_val_acc;
    if (best) {
        t->st.best_val_acc = e.val_acc;
        t->st.best_epoch = epoch;
        if (t->best) memcpy(t->best, t->m->params.data, t->m->params.total * sizeof(float));
    }
    t->st.epoch = epoch;
    t->st.seconds += e.seconds;
    if (save_epoch(t, &e)) return -1;
    vb_progress_epoch_end(&t->progress, &e, best);
    return 0;
}

/* ---- the run ------------------------------------------------------------------------ */

/* Rank 0's metrics file and step log, and a progress display that only it shows. */
static int open_outputs(trainer *t)
{
    vb_train_opts shown = *t->o;
    if (!t->writer) shown.quiet = 1;
    vb_progress_start(&t->progress, &shown, t->rr.epochs, t->steps_per_epoch,
                      (t->rr.epochs - t->st.epoch) * t->steps_per_epoch);
    if (!t->writer) return agree(t, 0);
    int rc = vb_metrics_open(&t->metrics, t->o->out_dir, t->st.epoch, t->err, t->err_len);
    if (!rc && t->o->step_log && !(t->step_log = fopen(t->o->step_log, "a"))) {
        char brief[VB_PATH_BRIEF];
        snprintf(t->err, t->err_len, "%s: cannot open the step log: %s",
                 vb_path_brief(t->o->step_log, brief), strerror(errno));
        vb_metrics_close(&t->metrics);
        rc = -1;
    }
    return agree(t, rc);
}

/* rc, or -1 when the step log's last bytes cannot be written (its close flushes them);
 * an earlier failure keeps its own message. */
static int close_outputs(trainer *t, int rc)
{
    if (!t->writer) return rc;
    vb_metrics_close(&t->metrics);
    FILE *f = t->step_log;
    t->step_log = NULL;
    if (f && vb_close_written(f) != 0 && !rc) return step_log_failed(t);
    return rc;
}

static int run_epochs(trainer *t)
{
    if (open_outputs(t)) return -1;
    int rc = 0;
    for (int64_t epoch = t->st.epoch + 1; rc == 0 && epoch <= t->rr.epochs; epoch++) {
        epoch_sums sums = {0};
        vb_progress_epoch_start(&t->progress);
        rc = train_epoch(t, epoch, &sums) || finish_epoch(t, epoch, &sums);
    }
    /* a failure in the epochs was every rank's; one in the close is the writer's alone */
    return rc ? close_outputs(t, -1) : agree(t, close_outputs(t, 0));
}

/* The kept weights on the test set, and summary.json. */
static int test_and_summarise(trainer *t, const vb_recipe *planned, vb_train_result *res)
{
    vb_model *m = t->m;
    if (t->best && t->st.best_epoch > 0)
        memcpy(m->params.data, t->best, m->params.total * sizeof(float));
    *res = (vb_train_result){.epochs_done = t->st.epoch, .train_images = t->sp.fit.count,
                             .best_epoch = t->st.best_epoch,
                             .best_val_acc = t->st.best_val_acc, .seconds = t->st.seconds};
    if (evaluate(t, &t->sp.test, &res->test_loss, &res->test_top1, &res->test_top5))
        return evaluation_failed(t, "test set");
    if (!t->writer) return agree(t, 0);
    vb_summary s = {.model = m->name, .recipe = t->rr.name, .dataset = t->train_set->name,
                    .backend = t->backend->name,
                    .precision = vb_precision_name(t->backend->precision),
                    .dataset_checksum = t->train_set->checksum,
                    .seed = t->o->seed, .threads = t->backend->threads,
                    .epochs_planned = planned->epochs, .epochs_done = t->st.epoch,
                    /* the limit that left images out: a larger one changed nothing */
                    .limit = vb_limit_shortens(t->train_set, t->o->limit) ? t->o->limit : 0,
                    .train_images = t->sp.fit.count,
                    .val_images = t->sp.val.count, .test_images = t->sp.test.count,
                    .channels = m->input.c < 4 ? m->input.c : 4, .mean = t->sp.aug.mean,
                    .std = t->sp.aug.std, .ranks = t->dist ? t->dist->size : 1,
                    .thread_policy = t->o->fixed_threads || t->backend->threads == 1
                                         ? "fixed" : "adaptive",
                    .steps_at_fewer_threads = t->st.steps_at_fewer_threads,
                    .step_chunk = t->replicas ? vb_replicas_chunk(t->replicas) : 0,
                    .step_workers = t->replicas ? vb_replicas_workers(t->replicas) : 0,
                    .result = res};
    return agree(t, vb_summary_write(t->o->out_dir, &s, t->err, t->err_len));
}

/* The recipe's precision is the backend's: a context loaded for another would train in
 * a precision nothing records. */
static int check_precision(const vb_recipe *r, const vb_loaded_backend *b, char *err,
                           size_t err_len)
{
    if (r->precision == b->precision) return 0;
    snprintf(err, err_len, "recipe %s trains in %s, but backend '%s' was loaded for %s",
             r->name, vb_precision_name(r->precision), b->name,
             vb_precision_name(b->precision));
    return -1;
}

static void release(trainer *t)
{
    vb_run_split_free(&t->sp);
    vb_step_scratch_free(&t->scratch);
    vb_governor_destroy(t->governor);
    vb_replicas_destroy(t->replicas);
    vb_free(t->logits);
    vb_free(t->best);
    free(t->ckpt_path);
    vb_release_folder(&t->claim);
}

int vb_train(vb_model *m, const vb_recipe *r, const vb_dataset *train, const vb_dataset *test,
             const vb_loaded_backend *backend, const vb_train_opts *o, vb_train_result *res,
             char *err, size_t err_len)
{
    if (!o->out_dir || !*o->out_dir) {
        snprintf(err, err_len, "vb_train: no output folder given");
        return -1;
    }
    trainer t = {.m = m, .rr = *r, .backend = backend, .o = o, .dist = o->dist,
                 .writer = !o->dist || o->dist->rank == 0, .train_set = train,
                 .err = err, .err_len = err_len};
    if (o->epochs > 0) t.rr.epochs = o->epochs;
    const int64_t ranks = o->dist ? o->dist->size : 1;
    t.local_batch = (t.rr.batch + ranks - 1) / ranks;
    t.claim = (vb_claim){.fd = -1};
    if (!(t.ckpt_path = vb_path_join(o->out_dir, "checkpoint.safetensors"))) {
        snprintf(err, err_len, "vb_train: out of memory");
        return -1;
    }
    int rc = check_precision(r, backend, err, err_len) ||
             check_shapes(m, train, err, err_len) || check_shapes(m, test, err, err_len) ||
             vb_run_split_build(&t.sp, &t.rr, train, test, o->limit, o->seed, err,
                                err_len) || allocate(&t);
    rc = agree(&t, rc || (t.writer && (take_folder(&t) || check_disk(&t))));
    if (!rc) {
        t.steps_per_epoch = (t.sp.fit.count + t.rr.batch - 1) / t.rr.batch;
        t.id = (vb_ckpt_identity){.model = m->name, .model_text = m->config,
                                  .recipe = r->name,
                                  .recipe_text = r->config, .recipe_hash = vb_recipe_hash(r),
                                  .seed = o->seed,
                                  .dataset = train->checksum,
                                  .train_images = t.sp.fit.count, .limit = o->limit,
                                  .precision = vb_precision_name(backend->precision),
                                  .epochs = t.rr.epochs, .steps_per_epoch = t.steps_per_epoch};
        rc = start(&t) || run_epochs(&t) || test_and_summarise(&t, r, res);
    }
    release(&t);
    return rc ? -1 : 0;
}
