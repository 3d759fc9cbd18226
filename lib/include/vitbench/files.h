/* Folders and disk space for what a run writes. */
#ifndef VITBENCH_FILES_H
#define VITBENCH_FILES_H

#include <stddef.h>

/* mkdir -p: 0, or -1 with "FOLDER: cannot create the folder: REASON" in err. */
int vb_make_dirs(const char *path, char *err, size_t err_len);

/* Bytes free for an unprivileged writer in the file system holding dir, or 0 if unknown.
 * The environment variable VITBENCH_FREE_BYTES, when set, replaces the answer: the
 * fault-injection switch the tests use to play a full disk. */
unsigned long long vb_free_bytes(const char *dir);

#endif
