/* A dataset part's memory, class names and label check, shared by every reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/tensor.h"
#include "data.h"

/* The source as an absolute path where it resolves: what a manifest records must not
 * depend on the folder the run started in. */
static void set_source(vb_dataset *d, const char *source)
{
    char *resolved = realpath(source, NULL);
    snprintf(d->source, sizeof d->source, "%s", resolved ? resolved : source);
    free(resolved);
}

int vb_dataset_alloc(vb_dataset *d, const char *name, const char *source, int64_t count,
                     int64_t h, int64_t w, int64_t c, int64_t classes, int with_names,
                     char *err, size_t err_len)
{
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", name);
    set_source(d, source);
    if (count < 1 || h < 1 || w < 1 || c < 1)
        return vb_data_fail(err, err_len, "%s: no images", source);
    d->count = count;
    d->h = h, d->w = w, d->c = c;
    d->classes = classes;
    d->images = vb_alloc((size_t)(count * h * w * c));
    d->labels = vb_alloc((size_t)count * sizeof *d->labels);
    if (with_names && classes > 0) d->class_names = calloc((size_t)classes, sizeof *d->class_names);
    if (!d->images || !d->labels || (with_names && classes > 0 && !d->class_names)) {
        vb_dataset_free(d);
        return vb_data_fail(err, err_len, "%s: out of memory for %lld images of %lldx%lldx%lld",
                            source, (long long)count, (long long)h, (long long)w, (long long)c);
    }
    return 0;
}

void vb_dataset_free(vb_dataset *d)
{
    vb_free(d->images);
    vb_free(d->labels);
    free(d->class_names);
    memset(d, 0, sizeof *d);
}

static int blank(uint8_t ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r'; /* '\r': files written on Windows */
}

/* The line starting at *at, trimmed to [*a, *b); moves *at past it. */
static void next_line(const uint8_t *text, size_t size, size_t *at, size_t *a, size_t *b)
{
    size_t end = *at;
    while (end < size && text[end] != '\n') end++;
    *a = *at, *b = end;
    while (*a < *b && blank(text[*a])) (*a)++;
    while (*b > *a && blank(text[*b - 1])) (*b)--;
    *at = end + 1;
}

int vb_class_names_parse(vb_dataset *d, const uint8_t *text, size_t size, const char *where,
                         char *err, size_t err_len)
{
    /* Pass 0 counts the names and checks their length, pass 1 copies them. */
    char (*names)[VB_CLASS_NAME_MAX] = NULL;
    int64_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        n = 0;
        int64_t line = 0;
        for (size_t at = 0, a, b; at < size;) {
            next_line(text, size, &at, &a, &b);
            line++;
            if (a == b) continue;
            if (b - a >= VB_CLASS_NAME_MAX)
                return vb_data_fail(err, err_len, "%s: line %lld: class name longer than %d "
                                    "bytes", where, (long long)line, VB_CLASS_NAME_MAX - 1);
            if (pass == 1) memcpy(names[n], text + a, b - a); /* calloc'd: 0-terminated */
            n++;
        }
        if (pass == 0) {
            if (n == 0) return vb_data_fail(err, err_len, "%s: no class names", where);
            names = calloc((size_t)n, sizeof *names);
            if (!names) return vb_data_fail(err, err_len, "%s: out of memory", where);
        }
    }
    free(d->class_names);
    d->class_names = names;
    d->classes = n;
    return 0;
}

int vb_check_labels(const vb_dataset *d, int64_t classes, const char *where, char *err,
                    size_t err_len)
{
    for (int64_t i = 0; i < d->count; i++)
        if (d->labels[i] < 0 || d->labels[i] >= classes)
            return vb_data_fail(err, err_len, "%s: record %lld: label %d out of range [0, %lld)",
                                where, (long long)i, (int)d->labels[i], (long long)classes);
    return 0;
}
