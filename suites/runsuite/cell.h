/* One training cell of a suite, run into its own folder:
 *
 *   OUT/LABEL.BACKEND.seedS/
 *     config.txt       the complete resolved configuration (model and recipe files with
 *                      every default, the run's overrides, the dataset) — hashed
 *     manifest.json    suite, cell, backend, ABI, threads, CPU, commit, seed, dataset and
 *                      checksum, epochs planned/done, wall time, config hash, complete, and
 *                      repro: the command that reruns this training alone (the plan's
 *                      command, the backend it resolved to, --cell K)
 *     metrics.csv, checkpoint.safetensors, summary.json   (vb_train's)
 *     result.csv       one row for the report (written last: a cell without it is not done)
 */
#ifndef VITBENCH_SUITES_RUNSUITE_CELL_H
#define VITBENCH_SUITES_RUNSUITE_CELL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include "suite.h"
#include "vitbench/train.h"

typedef struct cell_plan {
    const suite *s;
    const suite_profile *profile;
    const suite_cell *cell;
    const char *label;    /* the folder's label: the cell's, or with a thread tag */
    const char *backend;  /* NULL: the default selection */
    int threads;
    int fixed_threads;     /* every step on `threads` (vb_train_opts) */
    int64_t chunk;         /* sample-parallel steps' chunk, or 0 (vb_train_opts) */
    int precision;         /* a vb_precision, or -1: the recipe's */
    uint64_t seed;
    int64_t epochs, limit; /* command-line overrides (0: the profile's) */
    const char *data;      /* dataset folder or NULL */
    const char *out_root;  /* the suite's results folder */
    int resume;
    int progress;          /* redraw a progress line (a terminal, not CI) */
    const vb_dist *dist;   /* data-parallel ranks (dist.h), or NULL: alone. Every rank
                            * runs the cell; rank 0 alone checks and writes its folder */
    const char *command;   /* the runsuite command line that planned it (main.c), or NULL */
    int index;             /* K of `--cell K` (cell_list.h), or -1 outside a train suite */
} cell_plan;

typedef struct cell_outcome {
    char dir[PATH_MAX];
    int already_done;      /* --resume found result.csv: nothing was run */
    vb_train_result result;
} cell_outcome;

/* 0; CELL_CANNOT_START when its inputs do not load (dataset, model, recipe, backend: the
 * other cells would fail alike); -1 when the run itself failed. err: one line. */
#define CELL_CANNOT_START 1
int cell_train(const cell_plan *plan, cell_outcome *out, char *err, size_t err_len);

#endif
