/* Writing JSON by hand: the one piece every writer of manifests and summaries needs. */
#ifndef VITBENCH_JSON_H
#define VITBENCH_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Where vb_json_quote hands its output, n bytes at a time. */
typedef void (*vb_json_put)(void *ctx, const char *bytes, size_t n);

/* s as a JSON string literal — quotes, backslashes and control characters escaped —
 * through put: the one escaper, behind vb_json_string and the safetensors header. */
void vb_json_quote(const char *s, vb_json_put put, void *ctx);

/* vb_json_quote into f. */
void vb_json_string(FILE *f, const char *s);

/* A JSON number printed with format (e.g. "%.6f"), or null for NaN and infinities, which
 * JSON cannot spell. */
void vb_json_number(FILE *f, const char *format, double x);

#endif
