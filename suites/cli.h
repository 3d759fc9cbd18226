/* What the command-line programs share: integer options and the progress-line choice. */
#ifndef VITBENCH_SUITES_CLI_H
#define VITBENCH_SUITES_CLI_H

#include <stdint.h>
#include "vitbench/dist.h"
#include "vitbench/loader.h"

/* An integer option value in [min, max], or exit(2) with "PROGRAM: OPTION needs an integer
 * from MIN to MAX, got 'VALUE'" (out of range, not a number, or beyond 64 bits). */
int64_t cli_int_arg(const char *program, const char *option, const char *value, int64_t min,
                    int64_t max);

/* cli_int_arg without an upper bound: "needs an integer >= MIN". */
int64_t cli_count_arg(const char *program, const char *option, const char *value, int64_t min);

/* --threads: 1..VB_MAX_THREADS (loader.h). */
#define CLI_THREADS_ARG(program, option, value) \
    ((int)cli_int_arg(program, option, value, 1, VB_MAX_THREADS))

/* 1 when value is `yes`, 0 when it is `no`, or exit(2) with "PROGRAM: OPTION takes NO or
 * YES, got 'VALUE'". */
int cli_choice_arg(const char *program, const char *option, const char *value, const char *no,
                   const char *yes);

/* Prints "PROGRAM: unknown option 'OPTION'", saying that its value may be missing when it
 * was the last argument and looks like an option. */
void cli_unknown_option(const char *program, const char *option, const char *value);

/* 1 when stdout is a terminal and not CI: redraw a progress line; 0: plain log lines. */
int cli_progress_line(void);

/* Joins the MPI launcher's group when started by one (dist.h), or exit(2) with one line.
 * Ranks other than 0 print nothing on stdout (rank 0 speaks for the group); errors still
 * reach stderr from any rank. Call cli_leave_ranks before returning from main. */
void cli_join_ranks(const char *program, int *argc, char ***argv, vb_dist *world);
void cli_leave_ranks(void);

#endif
