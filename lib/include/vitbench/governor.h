/* The thread governor: before each step, how many of a backend's threads to run on.
 *
 * A team of OpenMP threads meets at a barrier after every op. When another process keeps
 * one of the cores busy, the scheduler time-slices one of our threads with it, and every
 * op waits for that thread's next slice: on 2 cores a training step then runs at a quarter
 * of its quiet speed. One thread per free core does not wait for anyone, so the governor
 * counts the cores that other processes keep busy and, while they do, runs the step on a
 * context of fewer threads (a second load of the same backend, made when first needed).
 *
 * Competing tasks: over each interval of at least 0.2 s between picks, the time the CPUs
 * this process may run on were busy (/proc/stat, per CPU, so a cluster job confined to
 * its cpuset sees only its own cores) less this process's own CPU time is the cores other
 * processes used; with every core taken, the scheduler shared them fairly, which gives
 * how many tasks competed with ours (governor.c). The count is smoothed over a few
 * intervals, and the thread count moves only when it is clearly off, so a short command
 * changes nothing.
 *
 * Reproducibility: the omp and naive backends compute the same bits on any thread count;
 * oneDNN and OpenBLAS split some reductions by thread count, so on them an adaptive run
 * that met a busy machine can differ in the last bits from a quiet one (summary.json
 * records how many steps ran on fewer threads). A fixed governor (adaptive = 0) always
 * answers the backend it was given. */
#ifndef VITBENCH_GOVERNOR_H
#define VITBENCH_GOVERNOR_H

#include <stdint.h>
#include "vitbench/loader.h"

typedef struct vb_governor vb_governor;

/* A governor over `full` (not owned; its threads are the most it runs on). NULL when out of
 * memory. */
vb_governor *vb_governor_create(const vb_loaded_backend *full, int adaptive);
void vb_governor_destroy(vb_governor *g);

/* The backend to run the next step on: `full`, or a load of it with fewer threads. A load
 * that fails leaves the governor fixed at `full` from then on. */
const vb_loaded_backend *vb_governor_pick(vb_governor *g);

#endif
