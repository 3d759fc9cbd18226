/* Model description files: a small INI dialect (Darknet's .cfg is the model).
 *
 *   # comment            ; comment too
 *   [section]            sections may repeat; their order is the model's order
 *   key = value          values are strings; lists are comma-separated
 *
 * Every error names the file, the line and, where there is one, the key:
 *   suites/models/keras_cct.cfg:14: [encoder] key 'heads': expected an integer, got 'two'
 * Readers mark each key they consume, so vb_cfg_check_unused() can reject typos
 * ("unknown key 'hedas'") instead of silently using a default. */
#ifndef VITBENCH_CFG_H
#define VITBENCH_CFG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct vb_cfg_entry {
    char *key, *value;
    int line;
    int used;
} vb_cfg_entry;

typedef struct vb_cfg_section {
    char *name;
    int line;
    vb_cfg_entry *entries;
    int count;
    const char *file; /* the path, for messages (owned by vb_cfg) */
} vb_cfg_section;

typedef struct vb_cfg {
    char *file;
    vb_cfg_section *sections;
    int count;
} vb_cfg;

/* Parses a file; 0, or -1 with "file:line: message" in err. The file must be UTF-8 text:
 * a NUL byte, invalid UTF-8 or a control character other than tab (and a '\r' ending a
 * line) is an error at its line; a leading byte order mark is skipped. */
int vb_cfg_load(vb_cfg *cfg, const char *path, char *err, size_t err_len);
/* Parses text held in memory (tests, generated models); `name` stands in for the path. */
int vb_cfg_parse(vb_cfg *cfg, const char *name, const char *text, char *err, size_t err_len);
void vb_cfg_free(vb_cfg *cfg);
/* Appends an empty section (line 0: not from the file), e.g. an optional section left
 * out, so that its readers' defaults are recorded. NULL when out of memory. Pointers to
 * sections taken before are invalid afterwards. */
vb_cfg_section *vb_cfg_add_section(vb_cfg *cfg, const char *name, int line);

/* Typed getters. A missing key with a default (the *_or variants) gives the default; a
 * missing key without one, or a value that does not parse, is an error naming
 * file:line, section and key. All return 0 on success, -1 on error. */
const char *vb_cfg_find(vb_cfg_section *s, const char *key); /* NULL if absent; marks used */
int vb_cfg_str(vb_cfg_section *s, const char *key, const char **out, char *err, size_t err_len);
int vb_cfg_str_or(vb_cfg_section *s, const char *key, const char *dflt, const char **out);
/* 1 if s may become part of folder names, CSV fields and plot titles: 1 to 63 letters,
 * digits, '_' and '-' (no '/', no '..', no hidden folder). Model, suite and backend names
 * follow it. */
int vb_is_name(const char *s);
/* A required name (vb_is_name) copied into out[len], at most len-1 characters. */
int vb_cfg_name(vb_cfg_section *s, const char *key, char *out, size_t len, char *err,
                size_t err_len);
int vb_cfg_int(vb_cfg_section *s, const char *key, int64_t *out, char *err, size_t err_len);
int vb_cfg_int_or(vb_cfg_section *s, const char *key, int64_t dflt, int64_t *out, char *err,
                  size_t err_len);
/* An integer in [lo, hi]; a value outside is "key 'k': N is out of range [lo, hi]". Sizes
 * read from a description go through these (or the bounded lists below), so that no
 * later product of them can overflow. */
int vb_cfg_int_in(vb_cfg_section *s, const char *key, int64_t lo, int64_t hi, int64_t *out,
                  char *err, size_t err_len);
int vb_cfg_int_in_or(vb_cfg_section *s, const char *key, int64_t dflt, int64_t lo, int64_t hi,
                     int64_t *out, char *err, size_t err_len);
int vb_cfg_float(vb_cfg_section *s, const char *key, double *out, char *err, size_t err_len);
int vb_cfg_float_or(vb_cfg_section *s, const char *key, double dflt, double *out, char *err,
                    size_t err_len);
/* yes/no, true/false, 1/0, on/off. */
int vb_cfg_bool_or(vb_cfg_section *s, const char *key, int dflt, int *out, char *err,
                   size_t err_len);
/* One of `choices` (NULL-terminated); *out is its index. */
int vb_cfg_enum_or(vb_cfg_section *s, const char *key, const char *const *choices, int dflt,
                   int *out, char *err, size_t err_len);
/* A comma-separated list of integers, each in [lo, hi], at most max; *count is how many. */
int vb_cfg_int_list(vb_cfg_section *s, const char *key, int64_t lo, int64_t hi, int64_t *out,
                    int max, int *count, char *err, size_t err_len);
/* "HxWxC" or "H,W,C" style triples: "32x32x3", each in [lo, hi]. */
int vb_cfg_dims(vb_cfg_section *s, const char *key, int64_t lo, int64_t hi, int64_t *out,
                int n, char *err, size_t err_len);

/* An error about a key's value, at the key's line (the section's when the key is absent,
 * its default at fault): "file:line: [name] key 'k': message". Returns -1. */
int vb_cfg_key_error(const vb_cfg_section *s, const char *key, char *err, size_t err_len,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* An error at the section's header line: "file:line: [name] message". Returns -1. */
int vb_cfg_error(const vb_cfg_section *s, char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The configuration as the readers saw it: every section, every key they consumed, with
 * the defaults they fell back on marked "# default" — what a run's manifest prints so
 * that nothing about it is implicit. 0, or -1 on a write error. */
int vb_cfg_write_resolved(const vb_cfg *cfg, FILE *f);
/* The same into a malloc'd string (the caller frees it), or NULL when out of memory. */
char *vb_cfg_resolved_text(const vb_cfg *cfg);

/* -1 with "file:line: [section] unknown key 'k'" for the first key no reader consumed. */
int vb_cfg_check_unused(const vb_cfg *cfg, char *err, size_t err_len);

#endif
