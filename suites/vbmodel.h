/* vbmodel's commands that read trained weights, each in its own file; vbmodel.c parses
 * the command line with their tables and runs the one chosen, which returns the exit
 * status. */
#ifndef VITBENCH_SUITES_VBMODEL_H
#define VITBENCH_SUITES_VBMODEL_H

#include "cli.h"

extern const cli_command vbmodel_eval_command; /* vbmodel_eval.c */
int vbmodel_eval(void);

extern const cli_command vbmodel_export_command; /* vbmodel_export.c */
int vbmodel_export(void);

#endif
