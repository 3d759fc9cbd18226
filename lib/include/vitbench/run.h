/* The context a forward or backward pass runs in, and VB_RUN, the one way layers call ops.
 *
 * VB_RUN(r, slot, desc, tensors...) checks the descriptor, routes the call to the
 * backend's slot with the backend's context (or to the reference when the backend's
 * supports() declines the case), times it into the per-op profile, and on failure records
 * "layer L: op O: message" in r->err and returns -1 from the calling function. */
#ifndef VITBENCH_RUN_H
#define VITBENCH_RUN_H

#include <stdint.h>
#include "vitbench/backend.h"
#include "vitbench/loader.h"
#include "vitbench/tensor.h"

typedef struct vb_profile {
    double seconds[VB_OP_COUNT];
    int64_t calls[VB_OP_COUNT];
    int64_t reference_calls[VB_OP_COUNT]; /* declined by the backend, run by the reference */
} vb_profile;

typedef struct vb_run {
    const vb_loaded_backend *backend;
    vb_param_block *params; /* data and gradients */
    int training;           /* dropout, stochastic depth on */
    uint64_t seed;          /* this step's seed; layers derive per-op seeds from it */
    int64_t first_sample;   /* the global batch index of this process's first sample
                             * (data-parallel training, dist.h; 0 otherwise): dropout
                             * masks are drawn for the whole global batch */
    vb_profile *profile;    /* NULL = not profiling */
    const char *layer;      /* name of the layer running, for messages */
    char err[512];
} vb_run;

/* Starts an op: returns the table to call, or NULL (r->err set) if the descriptor is bad. */
const vb_backend *vb_run_begin(vb_run *r, vb_op op, const void *desc, double *t0);
/* Ends an op: records time; on rc != 0 writes r->err. Returns 0 if rc == 0, else -1. */
int vb_run_end(vb_run *r, vb_op op, int rc, double t0);

/* Slot name → op id, for VB_RUN. */
enum {
#define VB_SLOT_ID(ID, name, desc, args) VB_SLOT_##name = VB_OP_##ID,
    VB_OPS(VB_SLOT_ID)
#undef VB_SLOT_ID
};

#define VB_RUN(r, slot, desc, ...)                                                    \
    do {                                                                              \
        double vb_t0_;                                                                \
        const vb_backend *vb_t_ = vb_run_begin((r), (vb_op)VB_SLOT_##slot, (desc), &vb_t0_); \
        if (!vb_t_) return -1;                                                        \
        int vb_rc_ = vb_t_->slot((r)->backend->ctx, (desc), __VA_ARGS__);            \
        if (vb_run_end((r), (vb_op)VB_SLOT_##slot, vb_rc_, vb_t0_) != 0) return -1;        \
    } while (0)

/* A seed for op number `tag` of layer `layer_index` in this step (dropout masks differ
 * per layer and per op but are reproducible from the step seed). */
uint64_t vb_run_seed(const vb_run *r, int layer_index, int tag);

#endif
