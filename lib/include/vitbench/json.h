/* Writing JSON by hand: the one piece every writer of manifests and summaries needs. */
#ifndef VITBENCH_JSON_H
#define VITBENCH_JSON_H

#include <stdio.h>

/* A JSON string literal: quotes, backslashes and control characters escaped. */
void vb_json_string(FILE *f, const char *s);

/* A JSON number printed with format (e.g. "%.6f"), or null for NaN and infinities, which
 * JSON cannot spell. */
void vb_json_number(FILE *f, const char *format, double x);

#endif
