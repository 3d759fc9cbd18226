/* Layers: the building blocks a model description is made of.
 *
 * A layer kind is a table of small functions — read its [section], declare its parameters,
 * count them, say how much per-batch state it keeps, initialise, forward, backward — and
 * the count component its layers fall in. Each kind lives in one file of lib/layers/ that
 * defines `const vb_layer_kind vb_layer_NAME = {` at the start of a line; listing that
 * file in lib/local.mk registers it (the build collects the definitions into the registry:
 * scripts/layer-kinds). A model is an ordered list of layer instances; the driver
 * (model.c) walks it forward and then backward. There is no general autograd: each
 * backward is written out next to its forward.
 *
 * Shapes: per-sample activations are (h, w, c). Images are NHWC; a token sequence of T
 * tokens of width C is (T, 1, C). A (B, H, W, C) feature map therefore *is* the
 * (B, H·W, C) token sequence with no copy — layers that work on tokens read tokens = h·w.
 *
 * Conventions: forward overwrites y. Backward ADDS into dx (may be NULL for the first layer)
 * and into the parameter gradients; the driver zeroes gradient buffers once per step.
 * All compute goes through VB_RUN (the backend's op slots), so every backend runs the same
 * model and --profile can attribute time to ops. */
#ifndef VITBENCH_LAYER_H
#define VITBENCH_LAYER_H

#include <stddef.h>
#include <stdint.h>
#include "vitbench/backend.h"
#include "vitbench/cfg.h"
#include "vitbench/count.h"
#include "vitbench/run.h"
#include "vitbench/tensor.h"

typedef struct vb_shape {
    int64_t h, w, c;
} vb_shape;

/* Bounds on the sizes a model description gives, far above any vision transformer (a
 * 224x224 image, widths of a few thousand) yet small enough that the products formed
 * from them fit int64 — see VB_VALUES_MAX. */
#define VB_SIDE_MAX ((int64_t)1 << 16)  /* image sides, kernels, strides, pads, patches */
#define VB_WIDTH_MAX ((int64_t)1 << 20) /* channels, filters, units, MLP widths, classes */
/* The most values per image of any activation, layer state or parameter tensor (256 GiB
 * of floats), checked by the model builder for every layer: times a batch of at most
 * VB_BATCH_MAX (model.h) and sizeof(float), that is at most 2^58 bytes, so a layer's
 * per-batch sizes never overflow, and only their sums need checking. */
#define VB_VALUES_MAX ((int64_t)1 << 36)

static inline int64_t vb_shape_numel(vb_shape s) { return s.h * s.w * s.c; }
static inline int64_t vb_shape_tokens(vb_shape s) { return s.h * s.w; }

typedef struct vb_layer vb_layer;

/* Where a layer stands in the model, for configure(). */
typedef struct vb_layer_site {
    int block_index, block_count; /* i of n for a section repeated with `depth = n` */
    int64_t classes;              /* the model's class count (`units = classes` in [dense]) */
} vb_layer_site;

/* The count component (count.h) of a kind's layers, by where they stand: before the
 * model's first encoder block, and from it on — a [dense] embeds patches before it
 * (tokenizer) and classifies after it (head). The encoder blocks are the layers counted in
 * attention; nothing after the first of them counts as tokenizer. */
typedef struct vb_layer_component {
    vb_component before_encoder, after_encoder;
} vb_layer_component;

typedef struct vb_layer_kind {
    const char *name; /* the [section] name in a description file */
    vb_layer_component component; /* sets l->component, which count() adds into */
    /* Reads the section's keys, checks them against l->in, sets l->out and l->priv.
     * Errors name file:line and key (vb_cfg_* helpers do this). 0 or -1. */
    int (*configure)(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len);
    /* Declares the parameters, shapes only (vb_param_block_add), named l->name + ".x".
     * NULL = no parameters. */
    int (*declare)(vb_layer *l, vb_param_block *pb);
    /* Adds this layer's parameters and per-image MACs to c. */
    void (*count)(const vb_layer *l, vb_counts *c);
    /* Floats of per-batch state kept between forward and backward (saved statistics,
     * probabilities, intermediate activations), excluding the output itself. NULL = 0. */
    size_t (*state_floats)(const vb_layer *l, int64_t batch);
    /* Initial parameter values, deterministic in seed. NULL = no parameters. */
    void (*init)(const vb_layer *l, vb_param_block *pb, uint64_t seed);
    /* x (batch, in) → y (batch, out). */
    int (*forward)(vb_layer *l, vb_run *r, const float *x, float *y);
    /* dy (batch, out) → dx += ..., parameter grads += ... ; x, y are the forward's. */
    int (*backward)(vb_layer *l, vb_run *r, const float *x, const float *y, const float *dy,
                    float *dx);
    /* Frees l->priv. NULL = free(l->priv). */
    void (*destroy)(vb_layer *l);
} vb_layer_kind;

struct vb_layer {
    const vb_layer_kind *kind;
    char name[64];      /* e.g. "conv.0", "encoder.3"; parameter names start with it */
    int index;          /* position in the model (seeds dropout masks) */
    vb_shape in, out;   /* per sample */
    vb_component component; /* its kind's, for where it stands (vb_layer_component) */
    int first_param;    /* index of its first parameter in the model's block, -1 if none */
    int64_t batch;      /* the batch its state was planned for */
    float *state;       /* state_floats(batch) floats from the model's arena */
    void *priv;         /* the kind's configuration and parameter indices */
};

/* The registry of layer kinds, looked up by section name (layers/registry.c). */
const vb_layer_kind *vb_layer_kind_find(const char *name);
/* Kind i of the registry (0-based), NULL past the last. */
const vb_layer_kind *vb_layer_kind_at(int i);
/* "conv, zeropad, maxpool, ..." for error messages. */
const char *vb_layer_kind_names(void);

/* Parameter i of the layer (0-based, in declaration order): data and gradient. */
float *vb_layer_param(const vb_layer *l, const vb_run *r, int i);
float *vb_layer_grad(const vb_layer *l, const vb_run *r, int i);

#endif
