/* Decoded streams: a file's bytes with its compression undone and its integrity checked
 * from the first byte to the last.
 *
 * gzip is inflated here with zlib, which checks each member's CRC-32 and length trailer
 * (libarchive's gzip filter skips both). Other compression (xz, bzip2, zstd, ...) goes
 * through libarchive's filters, whose codecs check their own integrity data (xz's block
 * checks and index, bzip2's CRCs, ...) when read to the end. A file that is neither is
 * read as it is. Every error is one line that names the file. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include "data.h"

#define CHUNK (64u << 10)

typedef enum codec { PLAIN, GZIP, FILTERED } codec;

struct vb_stream {
    char path[1024];
    codec kind;
    FILE *f;                /* PLAIN and GZIP: the file */
    struct archive *filter; /* FILTERED: libarchive's decoder, as one "raw" entry */
    z_stream z;             /* GZIP */
    int member_done;        /* GZIP: the last member's trailer checked; more may follow */
    int padded;             /* GZIP: zero bytes followed the last member */
    uint8_t *in, *out;      /* CHUNK bytes each: file bytes, decoded bytes */
    size_t pending;         /* PLAIN: bytes of in read at open, not yet handed out */
    int failed, ended;
    uint8_t tail[VB_STREAM_TAIL];
    size_t tail_len;
    char err[2048];
};

/* Records the stream's error (one line, naming the file) and returns -1. */
static int fail(vb_stream *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(vb_stream *s, const char *fmt, ...)
{
    int n = snprintf(s->err, sizeof s->err, "%s: ", s->path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err + n, sizeof s->err - (size_t)n, fmt, ap);
    va_end(ap);
    s->failed = 1;
    return -1;
}

/* Refills in from the file once it is used up. 0, or -1 on a read error. */
static int refill(vb_stream *s)
{
    if (s->z.avail_in > 0) return 0;
    size_t got = fread(s->in, 1, CHUNK, s->f);
    if (got == 0 && ferror(s->f)) return fail(s, "read error: %s", strerror(errno));
    s->z.next_in = s->in;
    s->z.avail_in = (uInt)got;
    return 0;
}

/* Consumes the zero bytes at the start of the input; 1 if there were any. */
static int skip_zeros(z_stream *z)
{
    int skipped = 0;
    for (; z->avail_in > 0 && *z->next_in == 0; z->next_in++, z->avail_in--) skipped = 1;
    return skipped;
}

/* Inflates the next bytes into out. A member that ends is followed by another member or
 * by the end of the file, possibly after zero bytes (a tape or tar's block padding, which
 * gzip(1) ignores too); the file ending inside a member is truncation. */
static ptrdiff_t gzip_read(vb_stream *s)
{
    z_stream *z = &s->z;
    z->next_out = s->out;
    z->avail_out = CHUNK;
    while (z->avail_out > 0) {
        if (refill(s)) return -1;
        if (z->avail_in == 0) {
            if (s->member_done) break;
            return fail(s, "truncated: the file ends inside the gzip data");
        }
        if (s->member_done) {
            s->padded |= skip_zeros(z);
            if (z->avail_in == 0) continue; /* more padding, or the end, in the next chunk */
            if (s->padded) return fail(s, "corrupt gzip data: bytes after the zero padding");
            inflateReset(z);
            s->member_done = 0;
        }
        int r = inflate(z, Z_NO_FLUSH);
        if (r == Z_STREAM_END) s->member_done = 1;
        else if (r == Z_MEM_ERROR) return fail(s, "out of memory inflating gzip data");
        else if (r != Z_OK)
            return fail(s, "corrupt gzip data: %s", z->msg ? z->msg : zError(r));
    }
    return (ptrdiff_t)(CHUNK - z->avail_out);
}

/* libarchive's codec failed on a: its reason, which may be unset, as the error. -1. */
static int filter_failed(vb_stream *s, struct archive *a)
{
    const char *why = archive_error_string(a);
    return fail(s, "corrupt or truncated %s data: %s",
                archive_filter_count(a) > 1 ? archive_filter_name(a, 0) : "compressed",
                why ? why : "no reason given");
}

static ptrdiff_t filtered_read(vb_stream *s)
{
    la_ssize_t got = archive_read_data(s->filter, s->out, CHUNK);
    return got >= 0 ? got : filter_failed(s, s->filter);
}

static ptrdiff_t plain_read(vb_stream *s)
{
    if (s->pending) {
        memcpy(s->out, s->in, s->pending);
        size_t n = s->pending;
        s->pending = 0;
        return (ptrdiff_t)n;
    }
    size_t got = fread(s->out, 1, CHUNK, s->f);
    if (got == 0 && ferror(s->f)) return fail(s, "read error: %s", strerror(errno));
    return (ptrdiff_t)got;
}

/* Keeps the last VB_STREAM_TAIL bytes handed out. */
static void keep_tail(vb_stream *s, const uint8_t *p, size_t n)
{
    if (n >= VB_STREAM_TAIL) {
        memcpy(s->tail, p + n - VB_STREAM_TAIL, VB_STREAM_TAIL);
        s->tail_len = VB_STREAM_TAIL;
        return;
    }
    size_t keep = s->tail_len + n > VB_STREAM_TAIL ? VB_STREAM_TAIL - n : s->tail_len;
    memmove(s->tail, s->tail + s->tail_len - keep, keep);
    memcpy(s->tail + keep, p, n);
    s->tail_len = keep + n;
}

ptrdiff_t vb_stream_read(vb_stream *s, const void **buf)
{
    *buf = s->out;
    if (s->failed) return -1;
    if (s->ended) return 0;
    ptrdiff_t n = s->kind == GZIP ? gzip_read(s) : s->kind == FILTERED ? filtered_read(s)
                                                                       : plain_read(s);
    if (n > 0) keep_tail(s, s->out, (size_t)n);
    if (n == 0) s->ended = 1;
    return n;
}

int64_t vb_stream_seek(vb_stream *s, int64_t offset, int whence)
{
    if (s->kind != PLAIN || fseeko(s->f, (off_t)offset, whence) != 0) return -1;
    s->pending = 0;
    s->ended = 0;
    return (int64_t)ftello(s->f);
}

int vb_stream_seekable(const vb_stream *s)
{
    return s->kind == PLAIN;
}

const char *vb_stream_codec(const vb_stream *s)
{
    return s->kind == GZIP ? "gzip" : s->kind == FILTERED ? archive_filter_name(s->filter, 0)
                                                          : NULL;
}

const char *vb_stream_error(const vb_stream *s)
{
    return s->failed ? s->err : NULL;
}

const uint8_t *vb_stream_tail(const vb_stream *s, size_t *len)
{
    *len = s->tail_len;
    return s->tail;
}

int vb_stream_finish(vb_stream *s, char *err, size_t err_len)
{
    const void *buf;
    ptrdiff_t n;
    do n = vb_stream_read(s, &buf);
    while (n > 0);
    return n < 0 ? vb_data_fail(err, err_len, "%s", s->err) : 0;
}

void vb_stream_close(vb_stream *s)
{
    if (!s) return;
    if (s->f) fclose(s->f);
    if (s->filter) archive_read_free(s->filter);
    if (s->kind == GZIP) inflateEnd(&s->z);
    free(s->in);
    free(s->out);
    free(s);
}

/* ---- opening: which codec ------------------------------------------------------------- */

/* Compression other than gzip: libarchive's filters (none of them runs an outside
 * program), read with the "raw" format. Not legacy .lzma: it has no magic number, and
 * libarchive's guess from a plausible header takes plain files for it. 1: the file is
 * compressed (s->filter set), 0: it is not, -1: its compression is damaged from the start. */
static int open_filtered(vb_stream *s)
{
    struct archive *a = archive_read_new();
    if (!a) return fail(s, "out of memory");
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_compress(a);
    archive_read_support_filter_lz4(a);
    archive_read_support_filter_lzip(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_zstd(a);
    archive_read_support_format_raw(a);
    struct archive_entry *e;
    if (archive_read_open_filename(a, s->path, CHUNK) != ARCHIVE_OK ||
        archive_read_next_header(a, &e) != ARCHIVE_OK) {
        filter_failed(s, a);
        archive_read_free(a);
        return -1;
    }
    if (archive_filter_count(a) == 1) { /* only "none" */
        archive_read_free(a);
        return 0;
    }
    s->filter = a;
    return 1;
}

/* Reads the file's first bytes and picks the codec. 0 or -1. */
static int open_codec(vb_stream *s)
{
    s->f = fopen(s->path, "rb");
    if (!s->f) return fail(s, "cannot open: %s", strerror(errno));
    size_t got = fread(s->in, 1, CHUNK, s->f);
    if (got == 0 && ferror(s->f)) return fail(s, "read error: %s", strerror(errno));
    if (got >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
        s->kind = GZIP;
        s->z.next_in = s->in;
        s->z.avail_in = (uInt)got;
        if (inflateInit2(&s->z, 15 + 16) != Z_OK) /* 16: gzip wrapper, trailer checked */
            return fail(s, "out of memory");
        return 0;
    }
    s->pending = got;
    if (got == 0) return 0; /* empty: nothing to decompress */
    int compressed = open_filtered(s);
    if (compressed < 0) return -1;
    if (compressed) {
        fclose(s->f);
        s->f = NULL;
        s->kind = FILTERED;
    }
    return 0;
}

int vb_stream_open(const char *path, vb_stream **out, char *err, size_t err_len)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0) return vb_data_fail(err, err_len, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) return vb_data_fail(err, err_len, "%s: a folder, not a file", path);
    vb_stream *s = calloc(1, sizeof *s);
    if (!s) return vb_data_fail(err, err_len, "%s: out of memory", path);
    snprintf(s->path, sizeof s->path, "%s", path);
    s->in = malloc(CHUNK);
    s->out = malloc(CHUNK);
    if (!s->in || !s->out) fail(s, "out of memory");
    else open_codec(s);
    if (s->failed) {
        vb_data_fail(err, err_len, "%s", s->err);
        vb_stream_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

int vb_file_read(const char *path, uint8_t **data, size_t *size, char *err, size_t err_len)
{
    *data = NULL;
    *size = 0;
    vb_stream *s;
    if (vb_stream_open(path, &s, err, err_len)) return -1;
    size_t cap = 0;
    const void *buf;
    ptrdiff_t n;
    while ((n = vb_stream_read(s, &buf)) > 0) {
        if (*size + (size_t)n > cap) {
            cap = 2 * (*size + (size_t)n);
            uint8_t *grown = realloc(*data, cap);
            if (!grown) {
                n = fail(s, "out of memory");
                break;
            }
            *data = grown;
        }
        memcpy(*data + *size, buf, (size_t)n);
        *size += (size_t)n;
    }
    int rc = n < 0 ? vb_data_fail(err, err_len, "%s", s->err) : 0;
    vb_stream_close(s);
    if (rc) {
        free(*data);
        *data = NULL;
        *size = 0;
    }
    return rc;
}
