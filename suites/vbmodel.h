/* vbmodel's commands that read trained weights, each in its own file; vbmodel.c runs them.
 * Each takes vbmodel's argv from the command on (argv[0] = "eval", ...) and returns the
 * exit status. */
#ifndef VITBENCH_SUITES_VBMODEL_H
#define VITBENCH_SUITES_VBMODEL_H

int vbmodel_eval(int argc, char **argv);   /* vbmodel_eval.c */
int vbmodel_export(int argc, char **argv); /* vbmodel_export.c */

#endif
