/* Folders, paths and files (files.h). */
#define _GNU_SOURCE /* asprintf */
#include "vitbench/files.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

int vb_make_dirs(const char *path, char *err, size_t err_len)
{
    char *p = strdup(path), brief[VB_PATH_BRIEF];
    if (!p) {
        snprintf(err, err_len, "%s: out of memory", vb_path_brief(path, brief));
        return -1;
    }
    int rc = 0;
    for (char *s = p + 1;; s++) {
        int end = *s == '\0';
        if (*s != '/' && !end) continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            snprintf(err, err_len, "%s: cannot create the folder: %s", vb_path_brief(p, brief),
                     strerror(errno));
            rc = -1;
            break;
        }
        if (end) break;
        *s = '/';
    }
    free(p);
    return rc;
}

int vb_path_printf(char *buf, size_t len, char *err, size_t err_len, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(buf, len, format, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < len) return 0;
    char brief[VB_PATH_BRIEF];
    snprintf(err, err_len, "%s: path too long (%d bytes, at most %zu)", vb_path_brief(buf, brief),
             n, len - 1);
    return -1;
}

char *vb_path_join(const char *dir, const char *name)
{
    char *path;
    return asprintf(&path, "%s/%s", dir, name) < 0 ? NULL : path;
}

const char *vb_path_brief(const char *path, char *buf)
{
    enum { HEAD = 60, TAIL = 90 };
    size_t n = strlen(path);
    if (n < VB_PATH_BRIEF) return path;
    snprintf(buf, VB_PATH_BRIEF, "%.*s...%s", HEAD, path, path + n - TAIL);
    return buf;
}

int vb_close_written(FILE *f)
{
    errno = 0;
    int failed = fflush(f) != 0 || ferror(f); /* the flush retries what a write left */
    int saved = errno;
    if (fclose(f) != 0 && !failed) failed = 1, saved = errno;
    if (!failed) return 0;
    errno = saved ? saved : EIO; /* an earlier write failed and left nothing to retry */
    return -1;
}

char *vb_temp_path(const char *path)
{
    char *tmp;
    return asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0 ? NULL : tmp;
}

int vb_write_atomically(const char *path, vb_fill_fn fill, void *ctx, char *err,
                        size_t err_len)
{
    char brief[VB_PATH_BRIEF], *tmp = vb_temp_path(path);
    FILE *f = tmp ? fopen(tmp, "w") : NULL;
    if (!f) {
        snprintf(err, err_len, "%s: cannot create: %s", vb_path_brief(path, brief),
                 tmp ? strerror(errno) : "out of memory");
        free(tmp);
        return -1;
    }
    err[0] = '\0';
    int failed = fill(f, ctx, err, err_len) != 0 || ferror(f) || fflush(f) != 0 ||
                 fsync(fileno(f)) != 0;
    int saved = errno;
    if (fclose(f) != 0 && !failed) failed = 1, saved = errno;
    if (!failed && rename(tmp, path) != 0) failed = 1, saved = errno;
    if (failed) {
        if (!err[0]) /* fill said nothing itself */
            snprintf(err, err_len, "%s: cannot write: %s", vb_path_brief(path, brief),
                     strerror(saved));
        remove(tmp);
    }
    free(tmp);
    return failed ? -1 : 0;
}

unsigned long long vb_free_bytes(const char *dir)
{
    const char *fake = getenv("VITBENCH_FREE_BYTES");
    if (fake && *fake) return strtoull(fake, NULL, 10);
    struct statvfs fs;
    if (statvfs(dir, &fs) != 0) return 0;
    return (unsigned long long)fs.f_bavail * (unsigned long long)fs.f_frsize;
}
