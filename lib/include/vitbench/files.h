/* Folders, paths and files for what a run writes. Paths are built on the heap, never cut
 * to a fixed-size buffer: a path the system refuses is reported, not silently shortened. */
#ifndef VITBENCH_FILES_H
#define VITBENCH_FILES_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

/* Room for a folder's path (shorter than PATH_MAX: vb_path_printf checks it where it is
 * built) and the name of a file in it, so "FOLDER/NAME" is never cut short. */
#define VB_PATH_ROOM (PATH_MAX + 64)

/* mkdir -p: 0, or -1 with "FOLDER: cannot create the folder: REASON" in err. */
int vb_make_dirs(const char *path, char *err, size_t err_len);

/* printf into a path buffer of len bytes (PATH_MAX for a path the system can open): 0, or
 * -1 with "PATH...: path too long (N bytes, at most LEN - 1)" in err when it does not fit:
 * a path is refused, never cut short. */
int vb_path_printf(char *buf, size_t len, char *err, size_t err_len, const char *format, ...)
    __attribute__((format(printf, 5, 6)));

/* "DIR/NAME" in a new heap string (free() it), or NULL when out of memory. */
char *vb_path_join(const char *dir, const char *name);

/* A path short enough to leave room for the reason in a one-line message: the path itself
 * when it has at most 160 bytes, else its first 60 and last 90 bytes around "...". The
 * result lives in buf (at least VB_PATH_BRIEF bytes). */
#define VB_PATH_BRIEF 160
const char *vb_path_brief(const char *path, char *buf);

/* Writes PATH all at once or not at all: fill(f, ctx) writes PATH.tmp.PID, which is then
 * flushed, synced and renamed over PATH, so a reader (or a kill) never sees half a file.
 * fill returns 0, or -1, having set err or not (then err says "PATH: cannot write: REASON").
 * 0, or -1 with err set. */
typedef int (*vb_fill_fn)(FILE *f, void *ctx, char *err, size_t err_len);
int vb_write_atomically(const char *path, vb_fill_fn fill, void *ctx, char *err,
                        size_t err_len);

/* Closes f, a file written with stdio (a log, a CSV appended to): 0, or -1 with errno
 * the reason when a write to it, its flush or its close failed (a full disk: a buffered
 * fprintf succeeds and only the flush fails). Closed either way. */
int vb_close_written(FILE *f);

/* The temporary name vb_write_atomically (and every other atomic writer) uses for PATH:
 * "PATH.tmp.PID", in a new heap string, or NULL when out of memory. */
char *vb_temp_path(const char *path);

/* Bytes free for an unprivileged writer in the file system holding dir, or 0 if unknown.
 * The environment variable VITBENCH_FREE_BYTES, when set, replaces the answer: the
 * fault-injection switch the tests use to play a full disk. */
unsigned long long vb_free_bytes(const char *dir);

#endif
