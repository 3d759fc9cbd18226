/* The backends suite: every listed backend against the reference, three ways.
 *
 *   OUT/conformance.csv   vbcheck test on every backend (each op's NMSE vs the reference)
 *   OUT/perf-tT.csv       vbcheck perf --op gemm at each thread count (GFLOP/s, % of sgemm)
 *   OUT/LABEL-tT.BACKEND.seedS/   the same short training on each backend and thread count
 *   OUT/drift.csv         each training against the reference backend's (the first listed,
 *                         at the first thread count): parameter distance, loss and
 *                         accuracy differences, and images/s */
#ifndef VITBENCH_SUITES_RUNSUITE_BACKENDS_SUITE_H
#define VITBENCH_SUITES_RUNSUITE_BACKENDS_SUITE_H

#include <stdint.h>
#include "suite.h"

typedef struct backends_options {
    uint64_t seed;
    int64_t epochs, limit; /* command-line overrides (0: the profile's) */
    const char *data;
    int resume, progress;
    const char *command; /* the runsuite command line, for the manifests (cell.h) */
} backends_options;

/* 0 when every part ran and passed, 1 otherwise (each failure reported on stderr). */
int backends_suite_run(const suite *s, const suite_profile *p, const backends_options *o,
                       const char *out);

#endif
