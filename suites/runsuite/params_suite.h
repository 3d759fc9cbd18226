/* The params suite: parameter counts and MACs of every shipped model with a published
 * figure (suites/published/params.csv), ours beside it, pass or fail per row. A row
 * passes when our figure, rounded to the published figure's precision (its unit and
 * decimals), equals it. Writes OUT/params.csv and OUT/manifest.json. */
#ifndef VITBENCH_SUITES_RUNSUITE_PARAMS_SUITE_H
#define VITBENCH_SUITES_RUNSUITE_PARAMS_SUITE_H

/* 0 when every row passes, 1 when a row fails, a row is malformed or a model does not
 * load. */
int params_suite_run(const char *out);

#endif
