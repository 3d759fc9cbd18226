/* Sources: a folder, an archive or a single (maybe compressed) file as a list of members.
 *
 * Archives go through libarchive in one streaming pass: the decompressor runs once from
 * front to back, wanted members are copied out as they go by, the rest is skipped. A
 * file that is no archive is read with libarchive's "raw" format, which also undoes
 * gzip/xz/bzip2 compression, so a .gz IDX file and a plain one are the same to a reader. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "data.h"

int vb_data_fail(char *err, size_t err_len, const char *fmt, ...)
{
    if (err && err_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

const char *vb_base_name(const char *name)
{
    const char *slash = strrchr(name, '/');
    return slash ? slash + 1 : name;
}

/* Appends a member; takes ownership of data. 0 or -1 (no memory). */
static int members_add(vb_members *ms, const char *name, int is_dir, uint8_t *data, size_t size)
{
    if (ms->count == ms->cap) {
        size_t cap = ms->cap ? 2 * ms->cap : 64;
        vb_member *m = realloc(ms->m, cap * sizeof *m);
        if (!m) return -1;
        ms->m = m;
        ms->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy) return -1;
    size_t n = strlen(copy);
    while (n > 1 && copy[n - 1] == '/') copy[--n] = '\0'; /* archives list folders as "a/b/" */
    ms->m[ms->count++] = (vb_member){copy, is_dir, data, size};
    return 0;
}

void vb_members_free(vb_members *ms)
{
    for (size_t i = 0; i < ms->count; i++) {
        free(ms->m[i].name);
        free(ms->m[i].data);
    }
    free(ms->m);
    memset(ms, 0, sizeof *ms);
}

const vb_member *vb_members_find(const vb_members *ms, const char *base)
{
    for (size_t i = 0; i < ms->count; i++)
        if (!ms->m[i].is_dir && strcmp(vb_base_name(ms->m[i].name), base) == 0) return &ms->m[i];
    return NULL;
}

void vb_member_where(const vb_members *ms, const vb_member *m, char *buf, size_t len)
{
    if (ms->single)
        snprintf(buf, len, "%s", ms->path);
    else if (ms->archive)
        snprintf(buf, len, "%s:%s", ms->path, m->name);
    else
        snprintf(buf, len, "%s/%s", ms->path, m->name);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const vb_member *)a)->name, ((const vb_member *)b)->name);
}

/* ---- folders ---------------------------------------------------------------------------- */

/* Reads a whole file into a malloc'd buffer (NULL for an empty file). 0 or -1. */
static int read_file(const char *path, uint8_t **data, size_t *size, char *err, size_t err_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return vb_data_fail(err, err_len, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    *data = NULL;
    *size = 0;
    if (fstat(fileno(f), &st) == 0 && st.st_size > 0) {
        *size = (size_t)st.st_size;
        *data = malloc(*size);
        if (!*data || fread(*data, 1, *size, f) != *size) {
            free(*data);
            *data = NULL;
            fclose(f);
            return vb_data_fail(err, err_len, "%s: cannot read %zu bytes", path, *size);
        }
    }
    fclose(f);
    return 0;
}

/* Adds the wanted members under dir (rel: its name relative to the source, "" at the top). */
static int walk(vb_members *ms, const char *dir, const char *rel, vb_member_filter want,
                void *ctx, char *err, size_t err_len)
{
    DIR *d = opendir(dir);
    if (!d) return vb_data_fail(err, err_len, "%s: cannot open folder: %s", dir, strerror(errno));
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char path[4096], name[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(name, sizeof name, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        struct stat st;
        if (stat(path, &st) != 0) continue; /* a dangling link: not data */
        int is_dir = S_ISDIR(st.st_mode);
        if (!is_dir && !S_ISREG(st.st_mode)) continue;
        uint8_t *data = NULL;
        size_t size = 0;
        if (want(name, is_dir, ctx)) {
            if (!is_dir && read_file(path, &data, &size, err, err_len)) rc = -1;
            else if (members_add(ms, name, is_dir, data, size)) {
                free(data);
                rc = vb_data_fail(err, err_len, "%s: out of memory", path);
            }
        }
        if (rc == 0 && is_dir) rc = walk(ms, path, name, want, ctx, err, err_len);
    }
    closedir(d);
    return rc;
}

/* ---- archives and single files -------------------------------------------------------- */

/* The current entry's bytes (size unknown for raw files: grow as we go). 0 or -1. */
static int read_entry(struct archive *a, struct archive_entry *e, uint8_t **data, size_t *size)
{
    size_t cap = archive_entry_size_is_set(e) ? (size_t)archive_entry_size(e) : (1u << 20);
    if (cap == 0) cap = 1; /* an empty member: realloc(buf, 0) would free buf */
    size_t n = 0;
    uint8_t *buf = malloc(cap);
    if (!buf) return -1;
    for (;;) {
        if (n == cap) {
            uint8_t *grown = realloc(buf, 2 * cap);
            if (!grown) {
                free(buf);
                return -1;
            }
            buf = grown;
            cap *= 2;
        }
        la_ssize_t got = archive_read_data(a, buf + n, cap - n);
        if (got < 0) {
            free(buf);
            return -1;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    *data = buf;
    *size = n;
    return 0;
}

/* The member name of a single compressed file: its own name without ".gz", ".xz", ... */
static void raw_name(const char *path, char *name, size_t len)
{
    snprintf(name, len, "%s", vb_base_name(path));
    static const char *const suffixes[] = {".gz", ".xz", ".bz2", ".zst", ".lz4", ".Z"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t s = strlen(suffixes[i]);
        if (n > s && strcmp(name + n - s, suffixes[i]) == 0) name[n - s] = '\0';
    }
}

static int read_archive(vb_members *ms, const char *path, vb_member_filter want, void *ctx,
                        char *err, size_t err_len)
{
    struct archive *a = archive_read_new();
    if (!a) return vb_data_fail(err, err_len, "%s: out of memory", path);
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    archive_read_support_format_raw(a); /* bids last: only for files that are no archive */
    int rc = 0;
    if (archive_read_open_filename(a, path, 1 << 20) != ARCHIVE_OK) {
        /* the file exists and is readable (checked before): its start is damaged */
        rc = vb_data_fail(err, err_len, "%s: corrupt or truncated archive: %s", path,
                          archive_error_string(a));
        archive_read_free(a);
        return rc;
    }
    struct archive_entry *e;
    int r;
    const char *current = "(archive header)";
    char name[4096];
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        ms->single = archive_format(a) == ARCHIVE_FORMAT_RAW;
        if (ms->single) raw_name(path, name, sizeof name);
        else snprintf(name, sizeof name, "%s", archive_entry_pathname(e));
        current = name;
        int is_dir = archive_entry_filetype(e) == AE_IFDIR;
        if ((!is_dir && archive_entry_filetype(e) != AE_IFREG) || !want(name, is_dir, ctx))
            continue; /* next_header skips the rest of the entry */
        uint8_t *data = NULL;
        size_t size = 0;
        if (!is_dir && read_entry(a, e, &data, &size)) break;
        if (members_add(ms, name, is_dir, data, size)) {
            free(data);
            rc = vb_data_fail(err, err_len, "%s: out of memory", path);
            break;
        }
    }
    if (rc == 0 && r != ARCHIVE_EOF)
        rc = vb_data_fail(err, err_len, "%s: corrupt or truncated archive at %s: %s", path,
                          current, archive_error_string(a) ? archive_error_string(a)
                                                           : "read error");
    archive_read_free(a);
    return rc;
}

int vb_source_read(const char *path, vb_member_filter want, void *ctx, vb_members *out,
                   char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    snprintf(out->path, sizeof out->path, "%s", path);
    struct stat st;
    if (stat(path, &st) != 0)
        return vb_data_fail(err, err_len, "%s: %s", path, strerror(errno));
    out->archive = !S_ISDIR(st.st_mode);
    if (out->archive && access(path, R_OK) != 0)
        return vb_data_fail(err, err_len, "%s: cannot open: %s", path, strerror(errno));
    int rc = out->archive ? read_archive(out, path, want, ctx, err, err_len)
                          : walk(out, path, "", want, ctx, err, err_len);
    if (rc) {
        vb_members_free(out);
        return -1;
    }
    if (out->count > 1) qsort(out->m, out->count, sizeof *out->m, by_name); /* m may be NULL */
    return 0;
}
