/* Internal to lib/data: the "source" every reader works on, and small shared helpers.
 *
 * A source is a folder, an archive (.tar, .tar.gz, .tar.xz, .zip, ...) or a single file
 * (plain or gzip/xz-compressed), seen the same way: a list of members with '/'-separated
 * names relative to the source, loaded into memory in one pass (an archive is decompressed
 * once, front to back). Readers then parse members, never paths, so no reader has a
 * folder twin and an archive twin. */
#ifndef VB_DATA_INTERNAL_H
#define VB_DATA_INTERNAL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include "vitbench/dataset.h"

typedef struct vb_member {
    char *name;     /* relative, '/'-separated, no trailing '/' ("a/test_batch.bin") */
    int is_dir;     /* folders are listed (so an empty class folder can be told apart) */
    uint8_t *data;  /* the file's bytes; NULL for folders and empty files */
    size_t size;
} vb_member;

typedef struct vb_members {
    char path[1024]; /* the folder, archive or file they came from */
    int archive;     /* 1: members live inside path (archive or compressed file) */
    int single;      /* 1: path is one file (maybe compressed), the only member */
    vb_member *m;    /* sorted by name */
    size_t count, cap;
} vb_members;

/* ---- decoded streams (stream.c): where compressed bytes enter -------------------------- */

/* A file's bytes, decompressed (gzip, xz, bzip2, zstd, ...) or as they are, with every
 * integrity check of its compression run (gzip's CRC-32 and length, xz's checks, ...).
 * Truncation and corruption are errors naming the file. */
typedef struct vb_stream vb_stream;

/* 0, or -1 with err set (missing, a folder, unreadable, damaged compression header). */
int vb_stream_open(const char *path, vb_stream **out, char *err, size_t err_len);
/* The next decoded bytes: *buf points at them (valid until the next call); the count, 0
 * at the end, or -1 (vb_stream_error says why). */
ptrdiff_t vb_stream_read(vb_stream *s, const void **buf);
/* Reads on to the end of the stream, so that the codec's checks of the whole data run
 * even when the reader stopped early (a tar ends before its compressed stream does). */
int vb_stream_finish(vb_stream *s, char *err, size_t err_len);
/* Seeking works on uncompressed files only (for archive formats that seek: zip, 7z).
 * The new offset, or -1. */
int vb_stream_seekable(const vb_stream *s);
int64_t vb_stream_seek(vb_stream *s, int64_t offset, int whence);
/* "gzip", "xz", ... or NULL for an uncompressed file. */
const char *vb_stream_codec(const vb_stream *s);
/* The error (one line, naming the file) once a read failed, else NULL. */
const char *vb_stream_error(const vb_stream *s);
/* The last bytes read, up to VB_STREAM_TAIL (a tar block): the end of the stream once
 * it is finished and was read without seeking. */
#define VB_STREAM_TAIL 512
const uint8_t *vb_stream_tail(const vb_stream *s, size_t *len);
void vb_stream_close(vb_stream *s);

/* A whole file, decoded and checked, in one malloc'd buffer (NULL when empty). 0 or -1. */
int vb_file_read(const char *path, uint8_t **data, size_t *size, char *err, size_t err_len);

/* ---- sources (archive.c) ----------------------------------------------------------------- */

/* Which members to load: 1 keeps the member (with its bytes), 0 skips it. */
typedef int (*vb_member_filter)(const char *name, int is_dir, void *ctx);

/* Loads the wanted members of the source at path. A file that is no archive is one member
 * named after the file (compression suffix removed) when want() takes that name, else an
 * error ("not an archive"). 0, or -1 with err set (a missing path, an unreadable file, a
 * corrupt or truncated archive or compressed stream). */
int vb_source_read(const char *path, vb_member_filter want, void *ctx, vb_members *out,
                   char *err, size_t err_len);
void vb_members_free(vb_members *ms);

/* The first member (a file) whose last name component is base, or NULL. */
const vb_member *vb_members_find(const vb_members *ms, const char *base);
/* How messages name a member: its file's path, or ARCHIVE:MEMBER. */
void vb_member_where(const vb_members *ms, const vb_member *m, char *buf, size_t len);
/* The last '/'-separated component of name. */
const char *vb_base_name(const char *name);

/* Formats err (one line) and returns -1. */
int vb_data_fail(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Allocates a dataset's arrays: images (count, h, w, c) 64-byte aligned, labels (count),
 * class_names (classes) when with_names. Sets name and source. 0 or -1 (err set). */
int vb_dataset_alloc(vb_dataset *d, const char *name, const char *source, int64_t count,
                     int64_t h, int64_t w, int64_t c, int64_t classes, int with_names,
                     char *err, size_t err_len);
/* Class names from a text file's bytes: one per non-empty line, trimmed. Sets
 * d->classes to the number of lines. 0 or -1 (a name too long; err names where). */
int vb_class_names_parse(vb_dataset *d, const uint8_t *text, size_t size, const char *where,
                         char *err, size_t err_len);
/* Every label in [0, classes): else -1 naming `where` and the first bad record. */
int vb_check_labels(const vb_dataset *d, int64_t classes, const char *where, char *err,
                    size_t err_len);

/* ---- image decoding (jpeg.c, png.c) --------------------------------------------------- */

typedef struct vb_image {
    int64_t h, w, c; /* c = 1 (gray) or 3 (RGB) */
    uint8_t *pixels; /* (h, w, c), malloc'd */
} vb_image;

/* Decode one file's bytes. 0, or -1 with msg set to the decoder's reason (the caller
 * adds the file name). Thread-safe: each call has its own decoder state. */
int vb_decode_jpeg(const uint8_t *data, size_t size, vb_image *out, char *msg, size_t len);
int vb_decode_png(const uint8_t *data, size_t size, vb_image *out, char *msg, size_t len);
/* Encode at quality 1..100, 4:2:0 chroma for colour (jpeg_encode.c): *data is malloc'd.
 * 0, or -1 with msg set. */
int vb_encode_jpeg(const vb_image *img, int quality, uint8_t **data, size_t *size, char *msg,
                   size_t len);
/* Every image of d replaced by its JPEG round trip at quality; d's name gains "@jpegQ"
 * and its checksum is recomputed (jpeg_roundtrip.c). 0, or -1 with err set. */
int vb_dataset_jpeg_roundtrip(vb_dataset *d, int quality, char *err, size_t err_len);

/* ---- the decoded-data cache (cache.c) --------------------------------------------------- */

/* Where the decoded parts of one archive's content live. */
typedef struct vb_cache_entry {
    char archive[PATH_MAX];     /* the source archive */
    char name[64];              /* the dataset's name, with its variant ("cifar10@jpeg75") */
    uint64_t archive_hash;      /* FNV-1a 64 of the archive's bytes */
    uint64_t archive_size;      /* its length in bytes */
    char dir[PATH_MAX];         /* the cache folder */
    char path[PATH_MAX + 128];  /* dir/NAME-HASH.vbdata */
} vb_cache_entry;

/* The entry for archive (a regular file) as dataset name: 0, or -1 when the source is no
 * file, the cache is off (VITBENCH_CACHE=off) or the archive cannot be read. */
int vb_cache_find(const char *archive, const char *name, vb_cache_entry *e);
/* Both parts from the entry: 0, or -1 (parts left empty) when it is absent, of another
 * archive or name, or damaged in any way its checksums or shape show. */
int vb_cache_load(const vb_cache_entry *e, vb_dataset *train, vb_dataset *test);
/* Writes the entry atomically where the disk keeps 1 GiB free beyond it: 0 or -1. */
int vb_cache_store(const vb_cache_entry *e, const vb_dataset *train, const vb_dataset *test);

/* ---- readers on loaded members (so one archive pass can fill several parts) ---------- */

/* Which members a CIFAR / image-folder reader needs. */
int vb_cifar_want(const char *name, int is_dir, void *ctx);
int vb_image_folder_want(const char *name, int is_dir, void *ctx);

/* One part (train = 1 or test) of a CIFAR dataset from its members. */
int vb_cifar_part(const vb_members *ms, int cifar100, int train, vb_dataset *out, char *err,
                  size_t err_len);
/* One part ("train", "test"; NULL: class folders at the top) of an image folder. */
int vb_image_folder_part(const vb_members *ms, const char *part, vb_dataset *out, char *err,
                         size_t err_len);
/* Both parts, train/ and test/, which must have the same class folders. */
int vb_image_folder_parts(const vb_members *ms, vb_dataset *train, vb_dataset *test, char *err,
                          size_t err_len);

#endif
