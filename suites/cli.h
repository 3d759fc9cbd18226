/* What the command-line programs share: integer options and the progress-line choice. */
#ifndef VITBENCH_SUITES_CLI_H
#define VITBENCH_SUITES_CLI_H

#include <stdint.h>

/* An integer option value >= min, or exit(2) with "PROGRAM: OPTION needs an integer >= min,
 * got 'VALUE'". */
int64_t cli_count_arg(const char *program, const char *option, const char *value, int64_t min);

/* 1 when stdout is a terminal and not CI: redraw a progress line; 0: plain log lines. */
int cli_progress_line(void);

#endif
