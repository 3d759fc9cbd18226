/* What a training program's process does around its work (vbtrain, runsuite): joining the
 * MPI launcher's group, and choosing between a redrawn progress line and log lines. */
#ifndef VITBENCH_SUITES_CLI_PROCESS_H
#define VITBENCH_SUITES_CLI_PROCESS_H

#include "vitbench/dist.h"

/* 1 when stdout is a terminal and not CI: redraw a progress line; 0: plain log lines. */
int cli_progress_line(void);

/* Joins the MPI launcher's group when started by one (dist.h), or exit(2) with one line.
 * Ranks other than 0 print nothing on stdout (rank 0 speaks for the group); errors still
 * reach stderr from any rank. Call cli_leave_ranks before returning from main. */
void cli_join_ranks(const char *program, int *argc, char ***argv, vb_dist *world);
void cli_leave_ranks(void);

#endif
