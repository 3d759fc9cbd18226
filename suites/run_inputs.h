/* What a training program loads before vb_train: recipe, dataset (train and test), model
 * (its classes taken from the dataset) and backend. Shared by vbtrain and runsuite.
 *
 * MODEL and RECIPE are .cfg paths or names looked up in the source tree's suites/models
 * and suites/recipes (uninstalled use), then where `make install` put them. */
#ifndef VITBENCH_SUITES_RUN_INPUTS_H
#define VITBENCH_SUITES_RUN_INPUTS_H

#include <stddef.h>
#include "vitbench/dataset.h"
#include "vitbench/loader.h"
#include "vitbench/model.h"
#include "vitbench/train.h"

typedef struct run_inputs {
    vb_recipe recipe;
    vb_dataset train, test;
    vb_model model;
    vb_loaded_backend *backend;
} run_inputs;

typedef struct run_request {
    const char *model, *recipe; /* names or paths */
    const char *backend;        /* NULL: the default selection (loader.h) */
    const char *data;           /* NULL: the data search path only */
    int threads;
    int precision;              /* a vb_precision, or -1: the recipe's (its precision key) */
} run_request;

/* 0, or -1 with one line in err naming what failed (file, line, folder searched). */
int run_inputs_load(run_inputs *in, const run_request *rq, char *err, size_t err_len);
void run_inputs_free(run_inputs *in);

/* A path as given, or the path of NAME.cfg in the model ("model") or recipe ("recipe")
 * folders. 0, or -1 with err naming the folders searched. */
int run_inputs_resolve(const char *what, const char *name, char *path, size_t len, char *err,
                       size_t err_len);

/* The model NAME (a name or path, as above) with `classes` classes (0: its description's),
 * its parameters not yet allocated. 0, or -1 with one line in err (m can be freed). */
int run_inputs_load_model(vb_model *m, const char *name, int64_t classes, char *err,
                          size_t err_len);

#endif
