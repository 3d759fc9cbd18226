/* A model: the layers of a description file, one parameter block, one activation arena.
 *
 *   vb_model m;
 *   vb_model_load(&m, "suites/models/keras_cct.cfg", err, sizeof err);  // shapes only
 *   vb_model_count(&m, &counts);                      // no allocation: works for ViT-Huge
 *   vb_model_alloc(&m, batch);                        // parameters, gradients, activations
 *   vb_model_init_params(&m, seed);
 *   vb_model_forward(&m, &run, images, &logits);      // images (batch, H, W, C) NHWC
 *   vb_model_backward(&m, &run, dlogits);             // parameter grads += ...
 *
 * The description file starts with a [model] section (name, input = HxWxC, classes, and
 * optional source/notes) followed by layer sections in order (layer.h). A layer section
 * with `depth = N` is repeated N times (encoder blocks). */
#ifndef VITBENCH_MODEL_H
#define VITBENCH_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "vitbench/count.h"
#include "vitbench/layer.h"
#include "vitbench/run.h"
#include "vitbench/tensor.h"

typedef struct vb_model {
    char name[64];
    char source[256];   /* where the architecture comes from (seed, paper) */
    vb_shape input;     /* per image */
    int64_t classes;
    vb_layer *layers;
    int count;
    vb_param_block params; /* declared at load; allocated by vb_model_alloc */
    char *config;       /* the resolved description, defaults included (cfg.h), or NULL */

    /* Set by vb_model_alloc(batch). act[i] is layer i's input, act[count] the logits;
     * grad[i] has the same size and receives ∂L/∂act[i]. */
    int64_t batch;    /* the batch the next forward/backward runs */
    int64_t capacity; /* the largest batch the arena holds (vb_model_alloc's) */
    float *arena;
    size_t arena_floats;
    float **act, **grad;
    int params_borrowed; /* a replica (vb_model_replicate): params.data is its origin's */
} vb_model;

/* Parses and configures; declares parameters without allocating them. 0 or -1 with
 * "file:line: message" in err. */
int vb_model_load(vb_model *m, const char *path, char *err, size_t err_len);

/* Load-time choices that override the description file. */
typedef struct vb_model_opts {
    int64_t classes; /* > 0: replaces [model] classes (and so `units = classes`) */
} vb_model_opts;
int vb_model_load_opts(vb_model *m, const char *path, const vb_model_opts *opts, char *err,
                       size_t err_len);
int vb_model_parse(vb_model *m, const char *name, const char *text, char *err, size_t err_len);

void vb_model_count(const vb_model *m, vb_counts *c);

/* The largest batch (2^20 images): with VB_VALUES_MAX (layer.h), a batch's sizes fit. */
#define VB_BATCH_MAX ((int64_t)1 << 20)

/* Allocates parameters (once), gradients and the activation arena for `batch` in
 * [1, VB_BATCH_MAX]. 0 or -1. */
int vb_model_alloc(vb_model *m, int64_t batch);
/* Runs the next passes on `batch` ≤ capacity images (the last, smaller batch of an
 * epoch) without touching memory: every buffer was sized for the capacity. 0 or -1. */
int vb_model_set_batch(vb_model *m, int64_t batch);
/* Bytes vb_model_alloc(batch) would take (refusing a run that cannot fit, up front);
 * SIZE_MAX for a batch outside [1, VB_BATCH_MAX]. */
size_t vb_model_bytes(const vb_model *m, int64_t batch);
void vb_model_init_params(vb_model *m, uint64_t seed);

/* A second instance of `origin` (allocated) with its own layers and an arena for
 * `capacity` images, reading origin's parameter values in place: a forward on it sees every
 * update made to origin. Its params.grad is NULL: the caller points it at a gradient block
 * of params.total floats before a backward. 0, or -1 with one line in err. */
int vb_model_replicate(vb_model *replica, const vb_model *origin, int64_t capacity,
                       char *err, size_t err_len);

/* images (m->batch, H, W, C) → *logits (m->batch, classes), pointing into the arena. */
int vb_model_forward(vb_model *m, vb_run *r, const float *images, const float **logits);
/* From dlogits (m->batch, classes): zeroes activation grads, walks the layers backward,
 * ADDS into the parameter gradients (the caller zeroes them once per step). */
int vb_model_backward(vb_model *m, vb_run *r, const float *dlogits);

void vb_model_free(vb_model *m);

#endif
