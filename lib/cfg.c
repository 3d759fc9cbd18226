/* Model description files: parsing the INI dialect of cfg.h, then typed getters.
 *
 * The whole text is copied once and cut into lines in place, so lines may be of any length;
 * each line is checked to be text (UTF-8, no NUL or control characters) first.
 * A comment starts at '#' or ';' at the start of a line or after whitespace, so a value
 * like "a#b" keeps its '#', while "a # b" is "a". */
#include "vitbench/cfg.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------
 * Messages. Each writes one line into err (which may be NULL) and returns -1. */

/* Appends printf-style text to what err already holds. */
static void vappendf(char *err, size_t err_len, const char *fmt, va_list ap)
{
    if (!err || !err_len) return;
    size_t n = strnlen(err, err_len);
    if (n + 1 < err_len) vsnprintf(err + n, err_len - n, fmt, ap);
}

__attribute__((format(printf, 3, 4)))
static void appendf(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vappendf(err, err_len, fmt, ap);
    va_end(ap);
}

/* "file:line: message", for syntax errors (no section or key to name yet). */
__attribute__((format(printf, 5, 6)))
static int line_error(const char *file, int line, char *err, size_t err_len,
                      const char *fmt, ...)
{
    if (err && err_len) err[0] = '\0';
    appendf(err, err_len, "%s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vappendf(err, err_len, fmt, ap);
    va_end(ap);
    return -1;
}

int vb_cfg_error(const vb_cfg_section *s, char *err, size_t err_len, const char *fmt, ...)
{
    if (err && err_len) err[0] = '\0';
    appendf(err, err_len, "%s:%d: [%s] ", s->file, s->line, s->name);
    va_list ap;
    va_start(ap, fmt);
    vappendf(err, err_len, fmt, ap);
    va_end(ap);
    return -1;
}

int vb_cfg_key_error(const vb_cfg_section *s, const char *key, char *err, size_t err_len,
                     const char *fmt, ...)
{
    int line = s->line;
    for (int i = 0; i < s->count; i++)
        if (s->entries[i].line > 0 && strcmp(s->entries[i].key, key) == 0)
            line = s->entries[i].line;
    if (err && err_len) err[0] = '\0';
    appendf(err, err_len, "%s:%d: [%s] key '%s': ", s->file, line, s->name, key);
    va_list ap;
    va_start(ap, fmt);
    vappendf(err, err_len, fmt, ap);
    va_end(ap);
    return -1;
}

/* "file:line: [section] key 'k': message", at the key's own line. */
__attribute__((format(printf, 5, 6)))
static int key_error(const vb_cfg_section *s, const vb_cfg_entry *e, char *err,
                     size_t err_len, const char *fmt, ...)
{
    if (err && err_len) err[0] = '\0';
    appendf(err, err_len, "%s:%d: [%s] key '%s': ", s->file, e->line, s->name, e->key);
    va_list ap;
    va_start(ap, fmt);
    vappendf(err, err_len, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---------------------------------------------------------------------------------------
 * Parsing. */

/* Trims whitespace at both ends, in place. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) end--;
    *end = '\0';
    return s;
}

static void strip_comment(char *line)
{
    for (char *p = line; *p; p++) {
        if ((*p == '#' || *p == ';') && (p == line || isspace((unsigned char)p[-1]))) {
            *p = '\0';
            return;
        }
    }
}

/* The cfg grows one item at a time: model files are a few hundred lines at most. */
vb_cfg_section *vb_cfg_add_section(vb_cfg *cfg, const char *name, int line)
{
    vb_cfg_section *grown = realloc(cfg->sections, (size_t)(cfg->count + 1) * sizeof *grown);
    if (!grown) return NULL;
    cfg->sections = grown;
    vb_cfg_section *s = &grown[cfg->count];
    *s = (vb_cfg_section){.name = strdup(name), .line = line, .file = cfg->file};
    if (!s->name) return NULL;
    cfg->count++;
    return s;
}

/* The file's entry for key. Recorded defaults (line 0) are not values the file gave: a
 * lookup never finds them, so a key left out stays left out for every reader. */
static vb_cfg_entry *find_entry(vb_cfg_section *s, const char *key)
{
    for (int i = 0; i < s->count; i++)
        if (s->entries[i].line > 0 && strcmp(s->entries[i].key, key) == 0) return &s->entries[i];
    return NULL;
}

static int add_entry(vb_cfg_section *s, const char *key, const char *value, int line)
{
    vb_cfg_entry *grown = realloc(s->entries, (size_t)(s->count + 1) * sizeof *grown);
    if (!grown) return -1;
    s->entries = grown;
    vb_cfg_entry e = {.key = strdup(key), .value = strdup(value), .line = line};
    if (!e.key || !e.value) {
        free(e.key);
        free(e.value);
        return -1;
    }
    s->entries[s->count++] = e;
    return 0;
}

/* One line, comment already stripped and trimmed, not empty. */
static int parse_line(vb_cfg *cfg, char *line, int lineno, char *err, size_t err_len)
{
    const char *file = cfg->file;
    if (line[0] == '[') {
        char *close = strchr(line, ']');
        if (!close) return line_error(file, lineno, err, err_len, "unterminated '[' in '%s'", line);
        if (close[1] != '\0')
            return line_error(file, lineno, err, err_len, "unexpected text after ']': '%s'",
                              trim(close + 1));
        *close = '\0';
        char *name = trim(line + 1);
        if (!*name) return line_error(file, lineno, err, err_len, "empty section name");
        if (!vb_cfg_add_section(cfg, name, lineno))
            return line_error(file, lineno, err, err_len, "out of memory");
        return 0;
    }
    char *eq = strchr(line, '=');
    if (!eq)
        return line_error(file, lineno, err, err_len,
                          "expected 'key = value' or '[section]', got '%s'", line);
    *eq = '\0';
    char *key = trim(line), *value = trim(eq + 1);
    if (!*key) return line_error(file, lineno, err, err_len, "empty key before '='");
    if (cfg->count == 0)
        return line_error(file, lineno, err, err_len, "key '%s' before any [section]", key);
    vb_cfg_section *s = &cfg->sections[cfg->count - 1];
    vb_cfg_entry *dup = find_entry(s, key);
    if (dup)
        return line_error(file, lineno, err, err_len,
                          "[%s] key '%s': duplicate (first set on line %d)", s->name, key,
                          dup->line);
    if (add_entry(s, key, value, lineno))
        return line_error(file, lineno, err, err_len, "out of memory");
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * Text. A description is UTF-8 text: its bytes are checked line by line before parsing,
 * so that a binary file, a stray NUL (which C strings would silently end the file at) or
 * a control character gives an error at its line instead of a truncated or garbled file. */

/* Length of the valid UTF-8 sequence starting at p (a byte >= 0x80), at most n bytes
 * long, or 0: no overlong forms, no surrogates, nothing above U+10FFFF (RFC 3629). */
static size_t utf8_sequence(const unsigned char *p, size_t n)
{
    size_t len = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3
                 : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
    if (len == 0 || len > n) return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xc0) != 0x80) return 0;
    /* The second byte's range that the lead byte allows (the rest are plain 80..BF). */
    unsigned char lo = p[0] == 0xe0 ? 0xa0 : p[0] == 0xf0 ? 0x90 : 0x80;
    unsigned char hi = p[0] == 0xed ? 0x9f : p[0] == 0xf4 ? 0x8f : 0xbf;
    return p[1] >= lo && p[1] <= hi ? len : 0;
}

/* The n bytes of line lineno (without its '\n'): text, or -1 with the reason. A tab is
 * whitespace and a '\r' may end the line (CRLF files); other control characters are
 * not text. */
static int check_line(const char *file, int lineno, const char *line, size_t n, char *err,
                      size_t err_len)
{
    const unsigned char *p = (const unsigned char *)line;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == 0)
            return line_error(file, lineno, err, err_len, "NUL byte (not a text file)");
        if (p[i] >= 0x80) {
            size_t len = utf8_sequence(p + i, n - i);
            if (!len) return line_error(file, lineno, err, err_len, "not valid UTF-8");
            i += len - 1;
        } else if ((p[i] < 0x20 || p[i] == 0x7f) && p[i] != '\t' &&
                   !(p[i] == '\r' && i + 1 == n)) {
            return line_error(file, lineno, err, err_len,
                              "control character 0x%02x (not a text file)", p[i]);
        }
    }
    return 0;
}

/* A UTF-8 byte order mark, which some editors put at the start of a file: not content. */
static const char BOM[] = "\xef\xbb\xbf";

/* Parses the len bytes at text, which may hold NULs (they are errors, not the end). */
static int parse_bytes(vb_cfg *cfg, const char *name, const char *text, size_t len, char *err,
                       size_t err_len)
{
    *cfg = (vb_cfg){0};
    size_t skip = len >= 3 && memcmp(text, BOM, 3) == 0 ? 3 : 0;
    text += skip;
    len -= skip;
    char *copy = malloc(len + 1);
    cfg->file = strdup(name);
    if (!copy || !cfg->file) {
        free(copy);
        vb_cfg_free(cfg);
        return line_error(name, 0, err, err_len, "out of memory");
    }
    memcpy(copy, text, len);
    char *end = copy + len;
    int rc = 0, lineno = 0;
    for (char *line = copy; rc == 0 && line; ) {
        char *next = memchr(line, '\n', (size_t)(end - line));
        size_t n = next ? (size_t)(next - line) : (size_t)(end - line);
        line[n] = '\0';
        lineno++;
        rc = check_line(name, lineno, line, n, err, err_len);
        strip_comment(line);
        char *t = trim(line);
        if (rc == 0 && *t) rc = parse_line(cfg, t, lineno, err, err_len);
        line = next ? next + 1 : NULL;
    }
    free(copy);
    if (rc) vb_cfg_free(cfg);
    return rc;
}

int vb_cfg_parse(vb_cfg *cfg, const char *name, const char *text, char *err, size_t err_len)
{
    return parse_bytes(cfg, name, text, strlen(text), err, err_len);
}

/* Reads the whole file, then parses it as text. */
int vb_cfg_load(vb_cfg *cfg, const char *path, char *err, size_t err_len)
{
    *cfg = (vb_cfg){0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err && err_len) snprintf(err, err_len, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    int failed = 0;
    for (;;) {
        if (len + 1 >= cap) {
            cap = cap ? 2 * cap : 4096;
            char *grown = realloc(text, cap);
            if (!grown) {
                failed = 1;
                break;
            }
            text = grown;
        }
        size_t got = fread(text + len, 1, cap - 1 - len, f);
        len += got;
        if (got == 0) break;
    }
    failed |= ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        free(text);
        if (err && err_len) snprintf(err, err_len, "%s: cannot read: %s", path, strerror(saved));
        return -1;
    }
    int rc = parse_bytes(cfg, path, text, len, err, err_len);
    free(text);
    return rc;
}

void vb_cfg_free(vb_cfg *cfg)
{
    for (int i = 0; i < cfg->count; i++) {
        vb_cfg_section *s = &cfg->sections[i];
        for (int j = 0; j < s->count; j++) {
            free(s->entries[j].key);
            free(s->entries[j].value);
        }
        free(s->entries);
        free(s->name);
    }
    free(cfg->sections);
    free(cfg->file);
    *cfg = (vb_cfg){0};
}

/* ---------------------------------------------------------------------------------------
 * Getters. Each looks its key up (marking it used), then parses the value. */

static vb_cfg_entry *use(vb_cfg_section *s, const char *key)
{
    vb_cfg_entry *e = find_entry(s, key);
    if (e) e->used = 1;
    return e;
}

/* A key a reader asked for but the file left out: its default joins the section (line
 * 0, used), so vb_cfg_write_resolved() prints the complete configuration. Out of memory
 * only loses the record, not the value the reader uses. */
__attribute__((format(printf, 3, 4)))
static void record_default(vb_cfg_section *s, const char *key, const char *fmt, ...)
{
    for (int i = 0; i < s->count; i++)
        if (strcmp(s->entries[i].key, key) == 0) return; /* recorded by an earlier read */
    char value[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    if (add_entry(s, key, value, 0) == 0) s->entries[s->count - 1].used = 1;
}

const char *vb_cfg_find(vb_cfg_section *s, const char *key)
{
    vb_cfg_entry *e = use(s, key);
    return e ? e->value : NULL;
}

int vb_cfg_str(vb_cfg_section *s, const char *key, const char **out, char *err, size_t err_len)
{
    const char *v = vb_cfg_find(s, key);
    if (!v) return vb_cfg_error(s, err, err_len, "missing key '%s'", key);
    *out = v;
    return 0;
}

int vb_is_name(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isalnum((unsigned char)s[n]) && s[n] != '_' && s[n] != '-') return 0;
    return n >= 1 && n <= 63;
}

int vb_cfg_name(vb_cfg_section *s, const char *key, char *out, size_t len, char *err,
                size_t err_len)
{
    const char *v;
    if (vb_cfg_str(s, key, &v, err, err_len)) return -1;
    if (strlen(v) >= len)
        return vb_cfg_key_error(s, key, err, err_len, "longer than %zu characters", len - 1);
    if (!vb_is_name(v))
        return vb_cfg_key_error(s, key, err, err_len,
                                "'%s': use letters, digits, '_' and '-' only (it names "
                                "folders and CSV fields)",
                                v);
    memcpy(out, v, strlen(v) + 1);
    return 0;
}

int vb_cfg_str_or(vb_cfg_section *s, const char *key, const char *dflt, const char **out)
{
    const char *v = vb_cfg_find(s, key);
    *out = v ? v : dflt;
    if (!v && dflt) record_default(s, key, "%s", dflt);
    return 0;
}

/* Base-10 integer, the whole of s; 0 or -1 (empty, junk, out of range). */
_Static_assert(sizeof(long long) == sizeof(int64_t), "strtoll range is int64's");
static int parse_i64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE) return -1;
    *out = (int64_t)v;
    return 0;
}

static int entry_int(vb_cfg_section *s, vb_cfg_entry *e, int64_t *out, char *err,
                     size_t err_len)
{
    if (parse_i64(e->value, out))
        return key_error(s, e, err, err_len, "expected an integer, got '%s'", e->value);
    return 0;
}

int vb_cfg_int(vb_cfg_section *s, const char *key, int64_t *out, char *err, size_t err_len)
{
    vb_cfg_entry *e = use(s, key);
    if (!e) return vb_cfg_error(s, err, err_len, "missing key '%s'", key);
    return entry_int(s, e, out, err, err_len);
}

int vb_cfg_int_or(vb_cfg_section *s, const char *key, int64_t dflt, int64_t *out, char *err,
                  size_t err_len)
{
    vb_cfg_entry *e = use(s, key);
    if (!e) {
        *out = dflt;
        record_default(s, key, "%lld", (long long)dflt);
        return 0;
    }
    return entry_int(s, e, out, err, err_len);
}

static int entry_in_range(vb_cfg_section *s, vb_cfg_entry *e, int64_t lo, int64_t hi,
                          int64_t *out, char *err, size_t err_len)
{
    if (entry_int(s, e, out, err, err_len)) return -1;
    if (*out < lo || *out > hi)
        return key_error(s, e, err, err_len, "%lld is out of range [%lld, %lld]",
                         (long long)*out, (long long)lo, (long long)hi);
    return 0;
}

int vb_cfg_int_in(vb_cfg_section *s, const char *key, int64_t lo, int64_t hi, int64_t *out,
                  char *err, size_t err_len)
{
    vb_cfg_entry *e = use(s, key);
    if (!e) return vb_cfg_error(s, err, err_len, "missing key '%s'", key);
    return entry_in_range(s, e, lo, hi, out, err, err_len);
}

int vb_cfg_int_in_or(vb_cfg_section *s, const char *key, int64_t dflt, int64_t lo, int64_t hi,
                     int64_t *out, char *err, size_t err_len)
{
    vb_cfg_entry *e = use(s, key);
    if (!e) {
        *out = dflt;
        record_default(s, key, "%lld", (long long)dflt);
        return 0;
    }
    return entry_in_range(s, e, lo, hi, out, err, err_len);
}

/* Finite numbers only: a nan or inf learning rate is always a typo. Overflow like 1e999
 * comes back from strtod as inf, so it is rejected too. */
static int entry_float(vb_cfg_section *s, vb_cfg_entry *e, double *out, char *err,
                       size_t err_len)
{
    char *end;
    double v = strtod(e->value, &end);
    if (end == e->value || *end != '\0' || !isfinite(v))
        return key_error(s, e, err, err_len, "expected a finite number, got '%s'", e->value);
    *out = v;
    return 0;
}

int vb_cfg_float(vb_cfg_section *s, const char *key, double *out, char *err, size_t err_len)
{
    vb_cfg_entry *e = use(s, key);
    if (!e) return vb_cfg_error(s, err, err_len, "missing key '%s'", key);
    return entry_float(s, e, out, err, err_len);
}

int vb_cfg_float_or(vb_cfg_section *s, const char *key, double dflt, double *out, char *err,
                    size_t err_len)
{
    vb_cfg_entry *e = use(s, key);
    if (!e) {
        *out = dflt;
        record_default(s, key, "%.9g", dflt);
        return 0;
    }
    return entry_float(s, e, out, err, err_len);
}

int vb_cfg_bool_or(vb_cfg_section *s, const char *key, int dflt, int *out, char *err,
                   size_t err_len)
{
    static const struct { const char *word; int value; } words[] = {
        {"yes", 1}, {"no", 0}, {"true", 1}, {"false", 0},
        {"1", 1},   {"0", 0},  {"on", 1},   {"off", 0},
    };
    vb_cfg_entry *e = use(s, key);
    if (!e) {
        *out = dflt;
        record_default(s, key, "%s", dflt ? "yes" : "no");
        return 0;
    }
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strcmp(e->value, words[i].word) == 0) {
            *out = words[i].value;
            return 0;
        }
    }
    return key_error(s, e, err, err_len, "expected yes/no, true/false, 1/0 or on/off, got '%s'",
                     e->value);
}

int vb_cfg_enum_or(vb_cfg_section *s, const char *key, const char *const *choices, int dflt,
                   int *out, char *err, size_t err_len)
{
    vb_cfg_entry *e = use(s, key);
    if (!e) {
        *out = dflt;
        record_default(s, key, "%s", choices[dflt]);
        return 0;
    }
    for (int i = 0; choices[i]; i++) {
        if (strcmp(e->value, choices[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    key_error(s, e, err, err_len, "'%s' is not one of:", e->value);
    for (int i = 0; choices[i]; i++) appendf(err, err_len, "%s %s", i ? "," : "", choices[i]);
    return -1;
}

/* Splits e's value at sep into at most max integers in [lo, hi] (elements trimmed). */
static int split_ints(vb_cfg_section *s, vb_cfg_entry *e, char sep, int64_t lo, int64_t hi,
                      int64_t *out, int max, int *count, char *err, size_t err_len)
{
    char *copy = strdup(e->value);
    if (!copy) return key_error(s, e, err, err_len, "out of memory");
    int n = 0, rc = 0;
    for (char *item = copy; item && rc == 0; ) {
        char *next = strchr(item, sep);
        if (next) *next++ = '\0';
        char *t = trim(item);
        if (n == max)
            rc = key_error(s, e, err, err_len, "more than %d values in '%s'", max, e->value);
        else if (!*t)
            rc = key_error(s, e, err, err_len, "empty element %d in '%s'", n + 1, e->value);
        else if (parse_i64(t, &out[n]))
            rc = key_error(s, e, err, err_len, "element %d: expected an integer, got '%s'",
                           n + 1, t);
        else if (out[n] < lo || out[n] > hi)
            rc = key_error(s, e, err, err_len, "element %d: %lld is out of range [%lld, %lld]",
                           n + 1, (long long)out[n], (long long)lo, (long long)hi);
        else
            n++;
        item = next;
    }
    free(copy);
    *count = n;
    return rc;
}

int vb_cfg_int_list(vb_cfg_section *s, const char *key, int64_t lo, int64_t hi, int64_t *out,
                    int max, int *count, char *err, size_t err_len)
{
    vb_cfg_entry *e = use(s, key);
    if (!e) return vb_cfg_error(s, err, err_len, "missing key '%s'", key);
    return split_ints(s, e, ',', lo, hi, out, max, count, err, err_len);
}

/* "32x32x3", or "32,32,3": exactly n integers. */
int vb_cfg_dims(vb_cfg_section *s, const char *key, int64_t lo, int64_t hi, int64_t *out,
                int n, char *err, size_t err_len)
{
    vb_cfg_entry *e = use(s, key);
    if (!e) return vb_cfg_error(s, err, err_len, "missing key '%s'", key);
    char sep = strchr(e->value, 'x') ? 'x' : ',';
    int count;
    if (split_ints(s, e, sep, lo, hi, out, n, &count, err, err_len)) return -1;
    if (count != n)
        return key_error(s, e, err, err_len, "expected %d sizes like 32x32x3, got '%s'", n,
                         e->value);
    return 0;
}

int vb_cfg_check_unused(const vb_cfg *cfg, char *err, size_t err_len)
{
    for (int i = 0; i < cfg->count; i++) {
        const vb_cfg_section *s = &cfg->sections[i];
        for (int j = 0; j < s->count; j++)
            if (!s->entries[j].used)
                return line_error(s->file, s->entries[j].line, err, err_len,
                                  "[%s] unknown key '%s'", s->name, s->entries[j].key);
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * The resolved configuration. */

int vb_cfg_write_resolved(const vb_cfg *cfg, FILE *f)
{
    for (int i = 0; i < cfg->count; i++) {
        const vb_cfg_section *s = &cfg->sections[i];
        fprintf(f, "%s[%s]\n", i ? "\n" : "", s->name);
        for (int j = 0; j < s->count; j++) {
            const vb_cfg_entry *e = &s->entries[j];
            if (e->used) fprintf(f, "%s = %s%s\n", e->key, e->value, e->line ? "" : "  # default");
        }
    }
    return ferror(f) ? -1 : 0;
}

char *vb_cfg_resolved_text(const vb_cfg *cfg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return NULL;
    int rc = vb_cfg_write_resolved(cfg, f);
    if (fclose(f) != 0 || rc) {
        free(text);
        return NULL;
    }
    return text;
}
