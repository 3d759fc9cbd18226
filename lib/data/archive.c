/* Sources: a folder, an archive or a single (maybe compressed) file as a list of members.
 *
 * An archive is read in one streaming pass: its decoded stream (stream.c: decompressed,
 * integrity checked) goes through libarchive's archive formats once from front to back,
 * wanted members are copied out as they go by, the rest is skipped; then the stream is
 * read to its end, so the codec checks the whole file. A file in which libarchive finds
 * no archive format is a single member when the reader wants a file of its name (a
 * CIFAR batch file, test_batch.bin.gz), else it is an error that says why. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* The current entry's bytes. 0 or -1. The size its header declares only sizes the first
 * buffer, up to 1 MiB: a damaged header may claim gigabytes that the archive does not
 * hold, so the buffer grows with the bytes actually read. */
static int read_entry(struct archive *a, struct archive_entry *e, uint8_t **data, size_t *size)
{
    const la_int64_t declared = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
    size_t cap = declared >= 0 && declared < (1 << 20) ? (size_t)declared : (1u << 20);
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

/* The member name of a single file: its own name without ".gz", ".xz", ... */
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

/* libarchive reads the decoded stream through these. */
static la_ssize_t stream_read(struct archive *a, void *s, const void **buf)
{
    ptrdiff_t n = vb_stream_read(s, buf);
    if (n < 0) archive_set_error(a, EIO, "%s", vb_stream_error(s));
    return n;
}

static la_int64_t stream_seek(struct archive *a, void *s, la_int64_t offset, int whence)
{
    int64_t at = vb_stream_seek(s, offset, whence);
    return at < 0 ? ARCHIVE_FATAL : at;
}

/* Why libarchive stopped, as err: the stream's own error when it has one (a codec's
 * failure, naming the file), else libarchive's reason, which may be unset. -1. */
static int archive_failed(struct archive *a, const vb_stream *s, const char *path,
                          const char *at, char *err, size_t err_len)
{
    if (vb_stream_error(s)) return vb_data_fail(err, err_len, "%s", vb_stream_error(s));
    const char *why = archive_error_string(a);
    return vb_data_fail(err, err_len, "%s: corrupt or truncated archive at %s: %s", path, at,
                        why ? why : "no reason given");
}

/* A tar ends with a zero block; libarchive also accepts a tar cut at a block boundary. */
static int tar_ended(struct archive *a, const vb_stream *s)
{
    if ((archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) != ARCHIVE_FORMAT_TAR) return 1;
    size_t n;
    const uint8_t *tail = vb_stream_tail(s, &n);
    if (n < VB_STREAM_TAIL) return 0;
    for (size_t i = 0; i < n; i++)
        if (tail[i]) return 0;
    return 1;
}

/* The stream is no archive: libarchive found no format in it, or nothing at all. */
static int no_archive(struct archive *a, const vb_stream *s)
{
    return !vb_stream_error(s) &&
           (archive_format(a) == 0 || archive_format(a) == ARCHIVE_FORMAT_EMPTY);
}

/* Why, for the message. */
static void no_archive_reason(struct archive *a, const vb_stream *s, char *buf, size_t len)
{
    const char *why = archive_error_string(a);
    if (archive_format(a) == ARCHIVE_FORMAT_EMPTY)
        snprintf(buf, len, "empty %s", vb_stream_codec(s) ? "once decompressed" : "file");
    else
        snprintf(buf, len, "%s", why ? why : "no archive format matches");
}

/* The members of the archive read from s. 1: s is no archive at all (nothing added; why
 * in buf), 0: read, -1: err set. */
static int read_members(vb_members *ms, vb_stream *s, vb_member_filter want, void *ctx,
                        char *why, size_t why_len, char *err, size_t err_len)
{
    struct archive *a = archive_read_new();
    if (!a) return vb_data_fail(err, err_len, "%s: out of memory", ms->path);
    archive_read_support_format_all(a); /* no filters: s is decoded already */
    if (vb_stream_seekable(s)) archive_read_set_seek_callback(a, stream_seek);
    archive_read_set_read_callback(a, stream_read);
    archive_read_set_callback_data(a, s);
    struct archive_entry *e;
    int r = archive_read_open1(a);
    if (r == ARCHIVE_OK) r = archive_read_next_header(a, &e);
    if (no_archive(a, s)) {
        no_archive_reason(a, s, why, why_len);
        archive_read_free(a);
        return 1;
    }
    int rc = 0;
    char current[4096] = "(archive header)"; /* for messages: the last member seen */
    for (; r == ARCHIVE_OK; r = archive_read_next_header(a, &e)) {
        const char *name = archive_entry_pathname(e);
        snprintf(current, sizeof current, "%s", name ? name : "(unnamed member)");
        int is_dir = archive_entry_filetype(e) == AE_IFDIR;
        if ((!is_dir && archive_entry_filetype(e) != AE_IFREG) || !want(current, is_dir, ctx))
            continue; /* next_header skips the rest of the entry */
        uint8_t *data = NULL;
        size_t size = 0;
        if (!is_dir && read_entry(a, e, &data, &size)) break;
        if (members_add(ms, current, is_dir, data, size)) {
            free(data);
            rc = vb_data_fail(err, err_len, "%s: out of memory", ms->path);
            break;
        }
    }
    if (rc == 0 && r != ARCHIVE_EOF)
        rc = archive_failed(a, s, ms->path, current, err, err_len);
    else if (rc == 0 && vb_stream_finish(s, err, err_len))
        rc = -1;
    else if (rc == 0 && !tar_ended(a, s))
        rc = vb_data_fail(err, err_len, "%s: truncated tar archive: no end-of-archive block "
                          "after %s", ms->path, current);
    archive_read_free(a);
    return rc;
}

/* An archive, or a single (maybe compressed) file that the reader wants as one member. */
static int read_archive(vb_members *ms, const char *path, vb_member_filter want, void *ctx,
                        char *err, size_t err_len)
{
    vb_stream *s;
    if (vb_stream_open(path, &s, err, err_len)) return -1;
    char why[1024];
    int rc = read_members(ms, s, want, ctx, why, sizeof why, err, err_len);
    vb_stream_close(s);
    if (rc <= 0) return rc;
    char name[4096];
    raw_name(path, name, sizeof name);
    if (!want(name, 0, ctx))
        return vb_data_fail(err, err_len, "%s: not a recognised archive: %s", path, why);
    uint8_t *data;
    size_t size;
    if (vb_file_read(path, &data, &size, err, err_len)) return -1;
    if (members_add(ms, name, 0, data, size)) {
        free(data);
        return vb_data_fail(err, err_len, "%s: out of memory", path);
    }
    ms->single = 1;
    return 0;
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
    int rc = out->archive ? read_archive(out, path, want, ctx, err, err_len)
                          : walk(out, path, "", want, ctx, err, err_len);
    if (rc) {
        vb_members_free(out);
        return -1;
    }
    if (out->count > 1) qsort(out->m, out->count, sizeof *out->m, by_name); /* m may be NULL */
    return 0;
}
