/* safetensors reader and writer (format in safetensors.h).
 *
 * The reader trusts nothing: the header length against the file size, the JSON syntax,
 * every tensor's dtype, shape and offsets, and that the tensors tile the data region
 * exactly (no gap, no overlap, nothing left over). The JSON parser handles only what a
 * safetensors header holds: objects, strings with escapes, arrays of non-negative
 * integers. */
#include "vitbench/safetensors.h"
#include "vitbench/files.h"
#include "vitbench/json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vitbench/tensor.h"

#define HEADER_MAX (100u << 20) /* refuse absurd headers before allocating them */
#define METADATA_KEY "__metadata__"

static const struct {
    const char *name;
    size_t size;
} DTYPES[] = {
    [VB_ST_F32] = {"F32", 4},
    [VB_ST_I32] = {"I32", 4},
    [VB_ST_I64] = {"I64", 8},
    [VB_ST_F64] = {"F64", 8},
};
#define DTYPE_COUNT ((int)(sizeof DTYPES / sizeof DTYPES[0]))

size_t vb_st_dtype_size(vb_st_dtype dtype) { return DTYPES[dtype].size; }
const char *vb_st_dtype_name(vb_st_dtype dtype) { return DTYPES[dtype].name; }

static int dtype_from_name(const char *name, vb_st_dtype *out)
{
    for (int i = 0; i < DTYPE_COUNT; i++)
        if (strcmp(DTYPES[i].name, name) == 0) {
            *out = (vb_st_dtype)i;
            return 0;
        }
    return -1;
}

static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
    if (!err || err_len == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

/* numel of a shape, or -1 if a dimension is negative or the product overflows. */
static int64_t shape_numel(int ndim, const int64_t *shape)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0) return -1;
        if (shape[i] != 0 && n > INT64_MAX / shape[i]) return -1;
        n *= shape[i];
    }
    return n;
}

static void free_tensors(vb_st_tensor *t, int count)
{
    for (int i = 0; i < count; i++) free(t[i].name);
    free(t);
}

static void free_meta(vb_st_meta *m, int count)
{
    for (int i = 0; i < count; i++) {
        free(m[i].key);
        free(m[i].value);
    }
    free(m);
}

/* Grows *items (of elem bytes) so that one more fits. 0 or -1. */
static int grow(void **items, int count, int *capacity, size_t elem)
{
    if (count < *capacity) return 0;
    int cap = *capacity ? 2 * *capacity : 16;
    void *p = realloc(*items, (size_t)cap * elem);
    if (!p) return -1;
    *items = p;
    *capacity = cap;
    return 0;
}

/* ==== writer ========================================================================== */

void vb_st_writer_init(vb_st_writer *w) { memset(w, 0, sizeof *w); }

void vb_st_writer_free(vb_st_writer *w)
{
    free_tensors(w->tensors, w->count);
    free_meta(w->meta, w->meta_count);
    memset(w, 0, sizeof *w);
}

int vb_st_writer_add(vb_st_writer *w, const char *name, vb_st_dtype dtype, int ndim,
                     const int64_t *shape, const void *data)
{
    if (!name || !*name || strcmp(name, METADATA_KEY) == 0) return -1;
    if ((int)dtype < 0 || (int)dtype >= DTYPE_COUNT || ndim < 0 || ndim > VB_ST_MAX_DIMS)
        return -1;
    int64_t numel = shape_numel(ndim, shape);
    if (numel < 0 || (numel > 0 && !data)) return -1;
    for (int i = 0; i < w->count; i++)
        if (strcmp(w->tensors[i].name, name) == 0) return -1;
    if (grow((void **)&w->tensors, w->count, &w->capacity, sizeof *w->tensors)) return -1;
    vb_st_tensor *t = &w->tensors[w->count];
    memset(t, 0, sizeof *t);
    if (!(t->name = strdup(name))) return -1;
    t->dtype = dtype;
    t->ndim = ndim;
    for (int i = 0; i < ndim; i++) t->shape[i] = shape[i];
    t->numel = numel;
    t->data = data;
    t->bytes = (size_t)numel * DTYPES[dtype].size;
    w->count++;
    return 0;
}

int vb_st_writer_meta(vb_st_writer *w, const char *key, const char *value)
{
    if (!key || !value) return -1;
    for (int i = 0; i < w->meta_count; i++)
        if (strcmp(w->meta[i].key, key) == 0) return -1;
    if (grow((void **)&w->meta, w->meta_count, &w->meta_capacity, sizeof *w->meta)) return -1;
    vb_st_meta *m = &w->meta[w->meta_count];
    m->key = strdup(key);
    m->value = strdup(value);
    if (!m->key || !m->value) {
        free(m->key);
        free(m->value);
        return -1;
    }
    w->meta_count++;
    return 0;
}

/* A growable string for building the header. On allocation failure it sets `failed`
 * and stops growing; the caller checks once at the end. */
typedef struct strbuf {
    char *s;
    size_t len, cap;
    int failed;
} strbuf;

static void sb_put(strbuf *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (b->len + n + 1 > cap) cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_printf(strbuf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) b->failed = 1;
    else sb_put(b, tmp, (size_t)n);
}

static void sb_put_bytes(void *b, const char *bytes, size_t n) { sb_put(b, bytes, n); }

static void sb_json_string(strbuf *b, const char *s)
{
    vb_json_quote(s, sb_put_bytes, b);
}

/* Data order: larger dtypes first (stable), so every tensor starts aligned to its dtype
 * size in a region without gaps — the same rule the Python and Rust writers follow. */
static int *data_order(const vb_st_writer *w)
{
    int *order = malloc(((size_t)w->count + 1) * sizeof *order);
    if (!order) return NULL;
    int n = 0;
    for (size_t size = 8; size >= 1; size /= 2)
        for (int i = 0; i < w->count; i++)
            if (DTYPES[w->tensors[i].dtype].size == size) order[n++] = i;
    return order;
}

/* The header JSON padded with spaces so the data region starts at a multiple of 8. */
static int build_header(const vb_st_writer *w, const int *order, strbuf *b)
{
    sb_put(b, "{", 1);
    if (w->meta_count) {
        sb_json_string(b, METADATA_KEY);
        sb_put(b, ":{", 2);
        for (int i = 0; i < w->meta_count; i++) {
            if (i) sb_put(b, ",", 1);
            sb_json_string(b, w->meta[i].key);
            sb_put(b, ":", 1);
            sb_json_string(b, w->meta[i].value);
        }
        sb_put(b, "}", 1);
    }
    size_t offset = 0;
    for (int k = 0; k < w->count; k++) {
        const vb_st_tensor *t = &w->tensors[order[k]];
        if (k || w->meta_count) sb_put(b, ",", 1);
        sb_json_string(b, t->name);
        sb_printf(b, ":{\"dtype\":\"%s\",\"shape\":[", DTYPES[t->dtype].name);
        for (int d = 0; d < t->ndim; d++) sb_printf(b, d ? ",%lld" : "%lld", (long long)t->shape[d]);
        sb_printf(b, "],\"data_offsets\":[%zu,%zu]}", offset, offset + t->bytes);
        offset += t->bytes;
    }
    sb_put(b, "}", 1);
    while (!b->failed && (8 + b->len) % 8 != 0) sb_put(b, " ", 1);
    return b->failed ? -1 : 0;
}

static int write_all(FILE *fp, const void *p, size_t n) { return n == 0 || fwrite(p, 1, n, fp) == n ? 0 : -1; }

/* The whole file: the header's length, the header, then every tensor's bytes in order. */
typedef struct st_image {
    const vb_st_writer *w;
    const int *order;
    const strbuf *header;
} st_image;

static int write_image(FILE *fp, void *ctx, char *err, size_t err_len)
{
    (void)err, (void)err_len; /* vb_write_atomically reports a failed write */
    const st_image *im = ctx;
    unsigned char len8[8];
    for (int i = 0; i < 8; i++) len8[i] = (unsigned char)((uint64_t)im->header->len >> (8 * i));
    int bad = write_all(fp, len8, 8) || write_all(fp, im->header->s, im->header->len);
    for (int k = 0; k < im->w->count && !bad; k++)
        bad = write_all(fp, im->w->tensors[im->order[k]].data,
                        im->w->tensors[im->order[k]].bytes);
    return bad ? -1 : 0;
}

int vb_st_writer_write(const vb_st_writer *w, const char *path, char *err, size_t err_len)
{
    strbuf header = {0};
    int *order = data_order(w);
    if (!order || build_header(w, order, &header)) {
        set_err(err, err_len, "%s: out of memory building the header", path);
        free(order);
        free(header.s);
        return -1;
    }

    st_image image = {w, order, &header};
    int rc = vb_write_atomically(path, write_image, &image, err, err_len);
    free(order);
    free(header.s);
    return rc;
}

/* ==== reader: the JSON header =========================================================== */

typedef struct parser {
    const char *s; /* the header text, n bytes (not NUL-terminated) */
    size_t n, pos;
    const char *label; /* file name for errors */
    char *err;
    size_t err_len;
} parser;

/* Positions in errors are byte offsets in the file: the header starts at byte 8. */
static int fail_at(parser *p, const char *what)
{
    set_err(p->err, p->err_len, "%s: header byte %zu: %s", p->label, 8 + p->pos, what);
    return -1;
}

static void skip_ws(parser *p)
{
    while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                             p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

/* Skips whitespace and consumes c if it comes next. 1 if it did. */
static int accept(parser *p, char c)
{
    skip_ws(p);
    if (p->pos < p->n && p->s[p->pos] == c) {
        p->pos++;
        return 1;
    }
    return 0;
}

static int expect(parser *p, char c)
{
    if (accept(p, c)) return 0;
    char what[32];
    snprintf(what, sizeof what, "expected '%c'", c);
    return fail_at(p, what);
}

static int hex4(parser *p, unsigned *out)
{
    if (p->n - p->pos < 4) return fail_at(p, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos++];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return fail_at(p, "bad hex digit in \\u escape");
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return 0;
}

static void put_utf8(strbuf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) { u[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    sb_put(b, u, n);
}

/* A \uXXXX escape (the backslash and 'u' consumed), joining UTF-16 surrogate pairs. */
static int unicode_escape(parser *p, strbuf *b)
{
    unsigned cp, lo;
    if (hex4(p, &cp)) return -1;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return fail_at(p, "unpaired low surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (p->n - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
            return fail_at(p, "unpaired high surrogate");
        p->pos += 2;
        if (hex4(p, &lo)) return -1;
        if (lo < 0xDC00 || lo > 0xDFFF) return fail_at(p, "bad low surrogate");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp == 0) return fail_at(p, "NUL character in string");
    put_utf8(b, cp);
    return 0;
}

/* A JSON string → a malloc'd NUL-terminated UTF-8 copy in *out. */
static int parse_string(parser *p, char **out)
{
    if (expect(p, '"')) return -1;
    strbuf b = {0};
    sb_put(&b, "", 0);
    for (;;) {
        if (p->pos >= p->n) {
            free(b.s);
            return fail_at(p, "unterminated string");
        }
        unsigned char c = (unsigned char)p->s[p->pos++];
        if (c == '"') break;
        if (c < 0x20) {
            p->pos--;
            free(b.s);
            return fail_at(p, "control character in string");
        }
        if (c != '\\') {
            sb_put(&b, (const char *)&c, 1);
            continue;
        }
        if (p->pos >= p->n) {
            free(b.s);
            return fail_at(p, "unterminated escape");
        }
        char e = p->s[p->pos++];
        const char *plain = strchr("\"\\/bfnrt", e);
        if (e && plain) {
            static const char decoded[] = "\"\\/\b\f\n\r\t";
            sb_put(&b, &decoded[plain - "\"\\/bfnrt"], 1);
        } else if (e == 'u') {
            if (unicode_escape(p, &b)) {
                free(b.s);
                return -1;
            }
        } else {
            p->pos--;
            free(b.s);
            return fail_at(p, "bad escape in string");
        }
    }
    if (b.failed) {
        free(b.s);
        return fail_at(p, "out of memory");
    }
    *out = b.s;
    return 0;
}

/* A non-negative integer that fits in int64. */
static int parse_uint(parser *p, int64_t *out)
{
    skip_ws(p);
    size_t start = p->pos;
    int64_t v = 0;
    while (p->pos < p->n && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
        int d = p->s[p->pos] - '0';
        if (v > (INT64_MAX - d) / 10) return fail_at(p, "integer too large");
        v = v * 10 + d;
        p->pos++;
    }
    if (p->pos == start) return fail_at(p, "expected a non-negative integer");
    if (p->s[start] == '0' && p->pos - start > 1) {
        p->pos = start;
        return fail_at(p, "leading zero in integer");
    }
    *out = v;
    return 0;
}

/* [i0, i1, ...] with at most max entries; *count gets how many. */
static int parse_uint_array(parser *p, int64_t *vals, int max, int *count)
{
    *count = 0;
    if (expect(p, '[')) return -1;
    if (accept(p, ']')) return 0;
    do {
        if (*count == max) return fail_at(p, "array too long");
        if (parse_uint(p, &vals[(*count)++])) return -1;
    } while (accept(p, ','));
    return expect(p, ']');
}

/* {"key": "value", ...} into f->meta. */
static int parse_metadata(parser *p, vb_st_file *f, int *capacity)
{
    if (expect(p, '{')) return -1;
    if (accept(p, '}')) return 0;
    do {
        char *key = NULL, *value = NULL;
        size_t at = p->pos;
        if (parse_string(p, &key) || expect(p, ':') || parse_string(p, &value)) {
            free(key);
            free(value);
            return -1;
        }
        if (grow((void **)&f->meta, f->meta_count, capacity, sizeof *f->meta)) {
            free(key);
            free(value);
            return fail_at(p, "out of memory");
        }
        f->meta[f->meta_count++] = (vb_st_meta){key, value};
        for (int i = 0; i < f->meta_count - 1; i++)
            if (strcmp(f->meta[i].key, key) == 0) {
                p->pos = at;
                return fail_at(p, "duplicate metadata key");
            }
    } while (accept(p, ','));
    return expect(p, '}');
}

/* Data offsets stay int64 until checked against the data region. */
typedef struct entry_offsets {
    int64_t begin, end;
} entry_offsets;

/* {"dtype": ..., "shape": [...], "data_offsets": [b, e]} for tensor t. */
static int parse_tensor(parser *p, vb_st_tensor *t, entry_offsets *off)
{
    int seen_dtype = 0, seen_shape = 0, seen_offsets = 0;
    if (expect(p, '{')) return -1;
    do {
        char *key = NULL;
        size_t at = p->pos;
        if (parse_string(p, &key) || expect(p, ':')) {
            free(key);
            return -1;
        }
        int rc = 0;
        if (strcmp(key, "dtype") == 0 && !seen_dtype) {
            char *name = NULL;
            seen_dtype = 1;
            size_t name_at = p->pos;
            rc = parse_string(p, &name);
            if (!rc && dtype_from_name(name, &t->dtype)) {
                p->pos = name_at;
                char what[96];
                snprintf(what, sizeof what, "tensor '%s': unknown dtype \"%.32s\"", t->name, name);
                rc = fail_at(p, what);
            }
            free(name);
        } else if (strcmp(key, "shape") == 0 && !seen_shape) {
            seen_shape = 1;
            rc = parse_uint_array(p, t->shape, VB_ST_MAX_DIMS, &t->ndim);
        } else if (strcmp(key, "data_offsets") == 0 && !seen_offsets) {
            int64_t v[2];
            int n;
            seen_offsets = 1;
            rc = parse_uint_array(p, v, 2, &n);
            if (!rc && n != 2) rc = fail_at(p, "data_offsets needs two entries");
            off->begin = v[0];
            off->end = v[1];
        } else {
            p->pos = at;
            char what[96];
            snprintf(what, sizeof what, "tensor '%s': unexpected or repeated key \"%.32s\"", t->name, key);
            rc = fail_at(p, what);
        }
        free(key);
        if (rc) return -1;
    } while (accept(p, ','));
    if (expect(p, '}')) return -1;
    if (!seen_dtype || !seen_shape || !seen_offsets) {
        char what[96];
        snprintf(what, sizeof what, "tensor '%s': needs dtype, shape and data_offsets", t->name);
        return fail_at(p, what);
    }
    return 0;
}

/* The whole header object into f->tensors / f->meta, offsets into *offs (same order). */
static int parse_header(parser *p, vb_st_file *f, entry_offsets **offs)
{
    int capacity = 0, meta_capacity = 0, seen_meta = 0;
    if (expect(p, '{')) return -1;
    if (!accept(p, '}')) {
        do {
            char *name = NULL;
            size_t at = p->pos;
            if (parse_string(p, &name) || expect(p, ':')) {
                free(name);
                return -1;
            }
            if (strcmp(name, METADATA_KEY) == 0) {
                free(name);
                if (seen_meta) {
                    p->pos = at;
                    return fail_at(p, "repeated __metadata__");
                }
                seen_meta = 1;
                if (parse_metadata(p, f, &meta_capacity)) return -1;
                continue;
            }
            int offs_capacity = capacity;
            if (grow((void **)&f->tensors, f->count, &capacity, sizeof *f->tensors) ||
                grow((void **)offs, f->count, &offs_capacity, sizeof **offs)) {
                free(name);
                return fail_at(p, "out of memory");
            }
            vb_st_tensor *t = &f->tensors[f->count];
            memset(t, 0, sizeof *t);
            t->name = name;
            f->count++;
            for (int i = 0; i < f->count - 1; i++)
                if (strcmp(f->tensors[i].name, name) == 0) {
                    p->pos = at;
                    return fail_at(p, "duplicate tensor name");
                }
            if (parse_tensor(p, t, &(*offs)[f->count - 1])) return -1;
        } while (accept(p, ','));
        if (expect(p, '}')) return -1;
    }
    skip_ws(p); /* the writer's space padding */
    if (p->pos != p->n) return fail_at(p, "trailing characters after the header object");
    return 0;
}

/* ==== reader: checks against the data region ============================================ */

/* A tensor's extent in the data region, for sorting by position. */
typedef struct extent {
    int64_t begin, end;
    int index;
} extent;

static int by_begin(const void *a, const void *b)
{
    const extent *x = a, *y = b;
    return x->begin < y->begin ? -1 : x->begin > y->begin ? 1 : x->end < y->end ? -1 : x->end > y->end;
}

/* Each tensor's size matches its shape and dtype, sits inside the region, is aligned;
 * together they tile [0, data_bytes) exactly. Sets numel, bytes and data. */
static int check_layout(vb_st_file *f, const entry_offsets *offs, const char *label,
                        char *err, size_t err_len)
{
    for (int i = 0; i < f->count; i++) {
        vb_st_tensor *t = &f->tensors[i];
        const entry_offsets *o = &offs[i];
        size_t dsize = DTYPES[t->dtype].size;
        t->numel = shape_numel(t->ndim, t->shape);
        if (t->numel < 0 || t->numel > INT64_MAX / (int64_t)dsize) {
            set_err(err, err_len, "%s: tensor '%s': shape too large", label, t->name);
            return -1;
        }
        if (o->end < o->begin || (uint64_t)o->end > f->data_bytes) {
            set_err(err, err_len,
                    "%s: tensor '%s': data_offsets [%lld, %lld] outside the data region "
                    "(%zu bytes; file truncated?)",
                    label, t->name, (long long)o->begin, (long long)o->end, f->data_bytes);
            return -1;
        }
        if (o->end - o->begin != t->numel * (int64_t)dsize) {
            set_err(err, err_len,
                    "%s: tensor '%s': %lld bytes in data_offsets but shape × %s needs %lld",
                    label, t->name, (long long)(o->end - o->begin), DTYPES[t->dtype].name,
                    (long long)(t->numel * (int64_t)dsize));
            return -1;
        }
        if (o->begin % (int64_t)dsize != 0) {
            set_err(err, err_len, "%s: tensor '%s': offset %lld not aligned to %s", label,
                    t->name, (long long)o->begin, DTYPES[t->dtype].name);
            return -1;
        }
        t->bytes = (size_t)(o->end - o->begin);
        t->data = (const unsigned char *)f->data + o->begin;
    }

    extent *order = malloc(((size_t)f->count + 1) * sizeof *order);
    if (!order) {
        set_err(err, err_len, "%s: out of memory", label);
        return -1;
    }
    for (int i = 0; i < f->count; i++) order[i] = (extent){offs[i].begin, offs[i].end, i};
    qsort(order, (size_t)f->count, sizeof *order, by_begin);
    int64_t expected = 0;
    int rc = 0;
    for (int k = 0; k < f->count && !rc; k++) {
        const extent *o = &order[k];
        if (o->begin < expected) {
            set_err(err, err_len, "%s: tensor '%s': data [%lld, %lld) overlaps tensor '%s'",
                    label, f->tensors[o->index].name, (long long)o->begin, (long long)o->end,
                    f->tensors[order[k - 1].index].name);
            rc = -1;
        } else if (o->begin > expected) {
            set_err(err, err_len, "%s: data byte %lld: gap before tensor '%s'", label,
                    (long long)expected, f->tensors[o->index].name);
            rc = -1;
        }
        expected = o->end;
    }
    if (!rc && (uint64_t)expected != f->data_bytes) {
        set_err(err, err_len, "%s: data byte %lld: %lld bytes after the last tensor", label,
                (long long)expected, (long long)(f->data_bytes - (size_t)expected));
        rc = -1;
    }
    free(order);
    return rc;
}

/* Parses the header text and checks it against a data region of data_bytes; allocates
 * f->data (filled by the caller). On failure f is closed. */
static int load_header(vb_st_file *f, const char *label, const char *header, size_t n,
                       size_t data_bytes, char *err, size_t err_len)
{
    memset(f, 0, sizeof *f);
    parser p = {.s = header, .n = n, .label = label, .err = err, .err_len = err_len};
    entry_offsets *offs = NULL;
    skip_ws(&p);
    int rc = p.pos < n && header[p.pos] == '{' ? 0 : fail_at(&p, "header is not a JSON object");
    if (!rc) rc = parse_header(&p, f, &offs);
    if (!rc) {
        f->data_bytes = data_bytes;
        f->data = vb_alloc(data_bytes ? data_bytes : 1);
        if (!f->data) rc = -1, set_err(err, err_len, "%s: out of memory for %zu bytes", label, data_bytes);
    }
    if (!rc) rc = check_layout(f, offs, label, err, err_len);
    free(offs);
    if (rc) vb_st_close(f);
    return rc;
}

/* The 8-byte header length against the file size: 0, or -1 with err set. */
static int check_length(const char *label, const unsigned char len8[8], size_t got,
                        size_t file_size, size_t *n, char *err, size_t err_len)
{
    if (got < 8) {
        set_err(err, err_len, "%s: %zu bytes, too short for the 8-byte header length", label, file_size);
        return -1;
    }
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | len8[i];
    if (v == 0 || v > HEADER_MAX || v > file_size - 8) {
        set_err(err, err_len, "%s: header length %llu does not fit the file (%zu bytes)", label,
                (unsigned long long)v, file_size);
        return -1;
    }
    *n = (size_t)v;
    return 0;
}

int vb_st_parse(vb_st_file *f, const char *label, const unsigned char *bytes, size_t size,
                char *err, size_t err_len)
{
    size_t n;
    memset(f, 0, sizeof *f);
    if (check_length(label, bytes, size, size, &n, err, err_len)) return -1;
    if (load_header(f, label, (const char *)bytes + 8, n, size - 8 - n, err, err_len)) return -1;
    if (f->data_bytes) memcpy(f->data, bytes + 8 + n, f->data_bytes);
    return 0;
}

int vb_st_read(vb_st_file *f, const char *path, char *err, size_t err_len)
{
    memset(f, 0, sizeof *f);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        set_err(err, err_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    int rc = -1;
    char *header = NULL;
    struct stat sb = {0};
    if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        set_err(err, err_len, "%s: not a regular file%s", path,
                S_ISDIR(sb.st_mode) ? " (a folder)" : "");
        goto done;
    }
    long size = fseek(fp, 0, SEEK_END) == 0 ? ftell(fp) : -1;
    if (size < 0 || fseek(fp, 0, SEEK_SET) != 0) {
        set_err(err, err_len, "%s: cannot determine the file size", path);
        goto done;
    }
    unsigned char len8[8];
    size_t n, got = fread(len8, 1, 8, fp);
    if (check_length(path, len8, got, (size_t)size, &n, err, err_len)) goto done;
    if (!(header = malloc(n))) {
        set_err(err, err_len, "%s: out of memory for a %zu-byte header", path, n);
        goto done;
    }
    if (fread(header, 1, n, fp) != n) {
        set_err(err, err_len, "%s: read error in the header", path);
        goto done;
    }
    if (load_header(f, path, header, n, (size_t)size - 8 - n, err, err_len)) goto done;
    if (fread(f->data, 1, f->data_bytes, fp) != f->data_bytes) {
        set_err(err, err_len, "%s: read error in the data region", path);
        vb_st_close(f);
        goto done;
    }
    rc = 0;
done:
    free(header);
    fclose(fp);
    return rc;
}

const vb_st_tensor *vb_st_find(const vb_st_file *f, const char *name)
{
    for (int i = 0; i < f->count; i++)
        if (strcmp(f->tensors[i].name, name) == 0) return &f->tensors[i];
    return NULL;
}

const char *vb_st_meta_get(const vb_st_file *f, const char *key)
{
    for (int i = 0; i < f->meta_count; i++)
        if (strcmp(f->meta[i].key, key) == 0) return f->meta[i].value;
    return NULL;
}

void vb_st_close(vb_st_file *f)
{
    free_tensors(f->tensors, f->count);
    free_meta(f->meta, f->meta_count);
    vb_free(f->data);
    memset(f, 0, sizeof *f);
}
