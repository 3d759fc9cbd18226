/* The independent trainings of a train suite, numbered, so that a cluster can run them
 * one per job:
 *
 *   runsuite SUITE --cells [same options]     one line per training: K, label, model,
 *                                             recipe, backend, seed, folder
 *   runsuite SUITE --cell K [same options]    runs training K only (no report: cells
 *                                             finish in any order; `runsuite report`
 *                                             merges whatever has finished)
 *
 * The list is every cell that runs in the profile × seed × backend (--backend may name
 * several, comma-separated), in that nesting order. The numbering depends only on the
 * suite file, the profile, --seed/--seeds and --backend, so the listing and the jobs
 * agree when they are given the same options. */
#ifndef VITBENCH_SUITES_RUNSUITE_CELL_LIST_H
#define VITBENCH_SUITES_RUNSUITE_CELL_LIST_H

#include <stddef.h>
#include <stdint.h>
#include "cell.h"

#define CELL_LIST_MAX_BACKENDS 8
#define CELL_LIST_MAX 1024

/* What the command line chooses for every training of the list. */
typedef struct cell_list_options {
    const char *backends; /* "onednn" or "onednn,omp"; NULL: the default selection, "":
                           * refused */
    uint64_t seed;        /* the first seed */
    int seeds;            /* seeds seed .. seed+seeds-1 */
    cell_plan common;     /* threads, epochs, limit, data, out_root, resume, progress,
                           * command */
} cell_list_options;

typedef struct cell_list {
    char backends[CELL_LIST_MAX_BACKENDS][64];
    int backend_count;    /* 0: one default selection (plans' backend NULL) */
    cell_plan plans[CELL_LIST_MAX];
    int count;
} cell_list;

/* Fills the list (plans point into s, p and the list itself). 0, or -1 with err set (a
 * bad backend list: an empty or repeated name, too many; or more than CELL_LIST_MAX
 * trainings). */
int cell_list_build(cell_list *l, const suite *s, const suite_profile *p,
                    const cell_list_options *o, char *err, size_t err_len);

/* Tries each backend of the list the way the cells will load it (vb_backend_try_isolated:
 * found along the search path, loaded, probed and started with `threads` threads, in a
 * child process), so that a list with a bad name fails before any training starts. 0, or
 * -1 with one line in err naming the backend and why. */
int cell_list_check_backends(const cell_list *l, int threads, char *err, size_t err_len);

/* One line per training, K from 0, tab-separated: K label model recipe backend seed
 * folder (the backend as given, or "default" and a '*' in the folder's name). */
void cell_list_print(const cell_list *l, FILE *to);

#endif
