/* Suites: description files (suites/suites/NAME.cfg) naming what a suite runs.
 *
 *   [suite]    name, kind (train | params | backends), description, profile (the default),
 *              backends, threads (kind backends: the lists every cell runs on),
 *              compare (kind train: "A - B, C - B", differences of cells' test top-1 the
 *              report gives with their confidence interval), target_val_acc (kind train,
 *              0..1: the report gives the epochs each cell takes to reach this validation
 *              accuracy; 0 or absent: none), reference_tolerance (kind train, points:
 *              how far a cell's mean test top-1 may lie from a reference run committed
 *              beside it, results/SUITE/reference-LABEL.*.csv), data_note (kind train: how
 *              our data differs from the published runs', under the suite's heading
 *              and on its plots). The report reads these
 *              from the file; they are checked here, so that a typo fails when the suite
 *              loads.
 *   [profile]  name, epochs (0: the recipe's), limit (0: every training image),
 *              recipe (optional: replaces every cell's recipe, e.g. a shortened schedule),
 *              shortened (yes: a reduced budget, said so on every result, even where the
 *              profile's recipe plans fewer epochs than the source)
 *   [cell]     label, model, recipe, profiles (the profiles that run it; default all)
 *
 * Suite, profile and cell names: letters, digits, '_' and '-' (they name folders).
 * A cell is one training: model × recipe, run once per seed (and, in the backends
 * suite, per backend and thread count). */
#ifndef VITBENCH_SUITES_RUNSUITE_SUITE_H
#define VITBENCH_SUITES_RUNSUITE_SUITE_H

#include <stddef.h>
#include <stdint.h>

#define SUITE_MAX_CELLS 16
#define SUITE_MAX_PROFILES 4
#define SUITE_MAX_THREADS 4    /* thread counts in a backends suite's list */
#define SUITE_THREADS_MAX 4096 /* the largest such count */

typedef enum suite_kind { SUITE_TRAIN = 0, SUITE_PARAMS = 1, SUITE_BACKENDS = 2 } suite_kind;

typedef struct suite_profile {
    char name[32];
    int64_t epochs, limit; /* 0: the recipe's epochs, every image */
    char recipe[64];       /* "" or the recipe every cell uses under this profile */
    int shortened;         /* a reduced budget compared with the source's */
} suite_profile;

typedef struct suite_cell {
    char label[64], model[64], recipe[64];
    char profiles[128]; /* comma-separated, "" = every profile */
} suite_cell;

typedef struct suite {
    char name[64], description[256], default_profile[32], path[1024];
    suite_kind kind;
    char backends[256];                /* kind backends: "naive, openblas, ..." */
    char compare[256];                 /* kind train: "spt_lsa - vanilla, spt - vanilla" */
    double target_val_acc;             /* kind train: 0 (none) or the report's target */
    char data_note[256];               /* kind train: "" or how our data differs */
    double reference_tolerance;        /* kind train: ± test top-1 points from a reference
                                          run (results/SUITE/reference-*.csv), 0 = none */
    int64_t threads[SUITE_MAX_THREADS]; /* kind backends */
    int thread_count;
    suite_profile profiles[SUITE_MAX_PROFILES];
    int profile_count;
    suite_cell cells[SUITE_MAX_CELLS];
    int cell_count;
} suite;

int suite_load(suite *s, const char *path, char *err, size_t err_len);
/* A path (with '/' or ending .cfg), or a name in data_dir(DATA_SUITES); the error names
 * the folder and the known suites. */
int suite_find(suite *s, const char *name, char *err, size_t err_len);
/* The known suite names, sorted. Returns the count. */
int suite_list(char names[][64], int max);

/* NULL name: the suite's default. NULL with err naming the profiles if there is none. */
const suite_profile *suite_profile_find(const suite *s, const char *name, char *err,
                                        size_t err_len);
int suite_cell_runs_in(const suite_cell *c, const suite_profile *p);
/* The recipe a cell trains with under a profile. */
const char *suite_cell_recipe(const suite_cell *c, const suite_profile *p);

#endif
