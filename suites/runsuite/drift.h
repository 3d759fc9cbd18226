/* Drift between two trainings of the same configuration (the backends suite): how far
 * their weights, losses and accuracies moved apart. */
#ifndef VITBENCH_SUITES_RUNSUITE_DRIFT_H
#define VITBENCH_SUITES_RUNSUITE_DRIFT_H

#include <stddef.h>

typedef struct drift {
    double param_rel_l2;       /* ‖θ − θref‖ / ‖θref‖ over every parameter, final weights */
    double max_loss_rel_diff;  /* max over epochs of |loss − ref| / |ref| (training loss) */
    double val_acc_diff;       /* last epoch's val accuracy − ref's (fraction) */
} drift;

/* Compares run folder `dir` with `ref_dir` (checkpoint.safetensors, metrics.csv).
 * 0, or -1 with err naming the file. */
int drift_measure(const char *dir, const char *ref_dir, drift *d, char *err, size_t err_len);

#endif
