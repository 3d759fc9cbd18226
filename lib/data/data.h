/* Internal to lib/data: the "source" every reader works on, and small shared helpers.
 *
 * A source is a folder, an archive (.tar, .tar.gz, .tar.xz, .zip, ...) or a single file
 * (plain or gzip/xz-compressed), seen the same way: a list of members with '/'-separated
 * names relative to the source, loaded into memory in one pass (an archive is decompressed
 * once, front to back). Readers then parse members, never paths, so no reader has a
 * folder twin and an archive twin. */
#ifndef VB_DATA_INTERNAL_H
#define VB_DATA_INTERNAL_H

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

/* Which members to load: 1 keeps the member (with its bytes), 0 skips it. */
typedef int (*vb_member_filter)(const char *name, int is_dir, void *ctx);

/* Loads the wanted members of the source at path. A single non-archive file is one
 * member named after the file (compression suffix removed). 0, or -1 with err set (a
 * missing path, an unreadable file, a corrupt or truncated archive). */
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

#endif
