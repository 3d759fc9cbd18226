/* A test fixture for one layer kind, outside any model: build it from a [section] text,
 * run it on the reference backend, and check its backward against central finite
 * differences of its forward (every input gradient and every parameter gradient).
 * Each layer family's test program (tests/test_layers_*.c) is a table of cases. */
#ifndef VITBENCH_TEST_LAYER_CHECK_H
#define VITBENCH_TEST_LAYER_CHECK_H

#include "vitbench/layer.h"

typedef struct layer_case {
    const char *label;
    const char *section; /* e.g. "[conv]\nfilters = 4\nsize = 3\n" */
    vb_shape in;         /* per-sample input */
    int64_t batch;
    int training;        /* dropout/drop-path on (masks are fixed by the seed) */
    double rtol;         /* 0 = default (1e-2): loosen only with a comment in the case */
} layer_case;

typedef struct layer_fixture {
    vb_cfg cfg;
    vb_layer layer;
    vb_param_block params;
    vb_loaded_backend *backend;
    vb_run run;
    float *x, *y, *dy, *dx; /* (batch, in), (batch, out), (batch, out), (batch, in) */
} layer_fixture;

/* Builds, allocates and initialises the layer (seeded), fills x with values in [-1, 1).
 * Fails the current Criterion test with the layer's error message if it cannot. */
void layer_fixture_make(layer_fixture *f, const layer_case *c);
void layer_fixture_free(layer_fixture *f);
/* forward then backward with dy (zeroing dx and the parameter gradients first). */
void layer_fixture_step(layer_fixture *f);

/* Finite-difference check of dx and of every parameter gradient on up to 24 sampled
 * entries each, L = Σ dy·y with a fixed random dy. */
void check_layer_gradients(const layer_case *c);
/* Backward called twice adds twice (dx and parameter gradients exactly doubled). */
void check_layer_accumulates(const layer_case *c);
/* The configure step must fail with a message containing `expect` (file:line and key). */
void check_layer_rejects(const char *section, vb_shape in, const char *expect);

#endif
