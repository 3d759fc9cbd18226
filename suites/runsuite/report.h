/* `runsuite report`: regenerates every suite's plots and results/README.md from the CSVs
 * under the results folder, with the published numbers (suites/published) beside ours and
 * the statistics the suite files ask for (compare, target_val_acc: suite.h). The work is
 * done by the report script (scripts/report: awk and gnuplot), which checks every CSV as
 * it reads it (its fields, numbers finite and in range) and refuses a bad one in one line
 * naming the file, the line and the field. */
#ifndef VITBENCH_SUITES_RUNSUITE_REPORT_H
#define VITBENCH_SUITES_RUNSUITE_REPORT_H

/* 0, or -1 after the script's own one-line error. */
int report_run(const char *results_dir);

#endif
