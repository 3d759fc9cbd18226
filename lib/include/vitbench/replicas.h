/* Sample-parallel training steps: a batch is cut into chunks of a fixed number of images;
 * worker threads take the chunks one at a time, each running a chunk's forward and
 * backward on its own replica of the model (vb_model_replicate) with its own one-thread
 * load of the backend; the chunks' losses and gradients are then summed in chunk order.
 *
 * Why: a team of OpenMP threads meets at a barrier after every op, and when another
 * process shares a core, every op waits for the descheduled thread (governor.h). Here the
 * workers meet once per step, and a worker whose core is shared simply takes fewer
 * chunks, so the step uses whatever share of each core it gets. On a quiet machine,
 * one-thread ops on a few dozen images each also waste less than two-thread ops that
 * split every product in half.
 *
 * Reproducible: the chunks depend only on the batch and the chunk size, each chunk runs on
 * one thread, and the sums go in chunk order, so a step computes the same bits with any
 * number of workers, quiet or contended, on every backend.
 *
 *   vb_replicas *t = vb_replicas_create(&model, backend, 2, 32, err, sizeof err);
 *   vb_replicas_run(t, batch, chunk_fn, &args, &run, model.params.grad, &loss_sum);
 */
#ifndef VITBENCH_REPLICAS_H
#define VITBENCH_REPLICAS_H

#include <stddef.h>
#include <stdint.h>
#include "vitbench/loader.h"
#include "vitbench/model.h"
#include "vitbench/run.h"
#include "vitbench/step.h"

/* The images per chunk when nobody says: big enough that each op's products stay
 * efficient on one thread, small enough that a 128-image batch gives 2 workers 4 chunks
 * to share out. */
#define VB_CHUNK_DEFAULT 32

/* `workers` threads (1..VB_MAX_THREADS; the caller is one of them) over replicas of m for
 * `chunk` images, each with a one-thread load of `backend` at its precision. NULL with one
 * line in err (no memory, a load that failed). */
vb_replicas *vb_replicas_create(const vb_model *m, const vb_loaded_backend *backend,
                                int workers, int64_t chunk, char *err, size_t err_len);
void vb_replicas_destroy(vb_replicas *t);

/* The workers for batches of up to `batch` images: one per thread, but no more than a
 * batch has chunks. */
int vb_replicas_workers_for(int64_t batch, int64_t chunk, int threads);

/* Bytes that sample-parallel steps add to the model planned for one chunk: `workers`
 * replicas planned for `chunk` images (vb_model_bytes counts a replica's parameters and
 * gradients, which it borrows: the overcount stands for its loss buffers) and one gradient
 * block per chunk of a `batch`. Saturates at SIZE_MAX (checked.h). */
size_t vb_replicas_bytes(const vb_model *m, int64_t batch, int workers, int64_t chunk);

int vb_replicas_workers(const vb_replicas *t);
int64_t vb_replicas_chunk(const vb_replicas *t);

/* The work on one chunk, samples [first, first + replica->batch) of the batch: forward
 * and backward on `replica` with `run` (its backend, its gradient block, first_sample
 * already offset) and the loss buffers `s` (vb_step_scratch_alloc_loss, for a chunk),
 * adding the chunk's summed per-sample loss to *loss_sum. 0, or -1 with run->err set.
 * Called from several threads at once, each with its own replica and buffers. */
typedef int (*vb_chunk_fn)(void *arg, vb_model *replica, vb_run *run, vb_step_scratch *s,
                           int64_t first, double *loss_sum);

/* Runs fn on every chunk of a batch of n images, then grad ← Σ of the chunks' parameter
 * gradients (params.total floats) and *loss_sum ← Σ of their losses, both in chunk order.
 * grad NULL: a forward-only job (evaluation), whose replicas have no gradient block.
 * run gives `training`, `seed`, `first_sample` and `profile` (which gets every worker's op
 * times added: CPU seconds); on failure run->err names the first chunk that failed.
 * 0 or -1. */
int vb_replicas_run(vb_replicas *t, int64_t n, vb_chunk_fn fn, void *arg, vb_run *run,
                    float *grad, double *loss_sum);

#endif
