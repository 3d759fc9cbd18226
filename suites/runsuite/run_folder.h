/* What a cell's folder says about its run (cell.h): config.txt, manifest.json and
 * result.csv. */
#ifndef VITBENCH_SUITES_RUNSUITE_RUN_FOLDER_H
#define VITBENCH_SUITES_RUNSUITE_RUN_FOLDER_H

#include <stddef.h>
#include <stdint.h>
#include "../run_inputs.h"
#include "cell.h"
#include "provenance.h"

typedef struct run_facts {
    const cell_plan *plan;
    run_inputs *in;
    const char *recipe;      /* the recipe name the cell trains with */
    int64_t epochs_planned;  /* what this run is set to do */
    int64_t limit;
    provenance prov;
    uint64_t config_hash;
    double wall_seconds;     /* this invocation's */
} run_facts;

/* Sets f->config_hash: FNV-1a 64 of everything that shapes the numbers (config.txt
 * below its header) — not the backend, the threads or the folder. */
void run_folder_hash_config(run_facts *f);
/* Writes DIR/config.txt, headed by the hash. 0 or -1 with err. */
int run_folder_write_config(const char *dir, const run_facts *f, char *err, size_t err_len);
/* The hash in an existing DIR/config.txt: 0, or -1 when there is none. */
int run_folder_read_hash(const char *dir, uint64_t *hash);
/* DIR/manifest.json; res NULL while the run is under way ("complete": false). */
int run_folder_manifest(const char *dir, const run_facts *f, const vb_train_result *res,
                        char *err, size_t err_len);
/* DIR/result.csv: the header and this run's row. */
int run_folder_result(const char *dir, const run_facts *f, const vb_train_result *res,
                      char *err, size_t err_len);
/* One numeric column of DIR/result.csv (a finished run). 0, or -1 with err. */
int run_folder_read_result(const char *dir, const char *column, double *value, char *err,
                           size_t err_len);
/* The columns of result.csv, for the report. */
extern const char run_folder_result_header[];

#endif
