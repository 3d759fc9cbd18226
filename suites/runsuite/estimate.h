/* What a suite costs before it runs: for `runsuite --list`. */
#ifndef VITBENCH_SUITES_RUNSUITE_ESTIMATE_H
#define VITBENCH_SUITES_RUNSUITE_ESTIMATE_H

#include "suite.h"

/* A one-line summary of a suite under a profile: its models, dataset, epochs and an
 * estimated run time on this machine, into out. */
void estimate_describe(const suite *s, const suite_profile *p, char *out, size_t len);

#endif
