/* Writing JSON by hand: the one piece every writer of manifests and summaries needs. */
#ifndef VITBENCH_JSON_H
#define VITBENCH_JSON_H

#include <stdio.h>

/* A JSON string literal: quotes, backslashes and control characters escaped. */
void vb_json_string(FILE *f, const char *s);

#endif
