/* Folders and disk space (files.h). */
#include "vitbench/files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

int vb_make_dirs(const char *path, char *err, size_t err_len)
{
    char p[1024];
    if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p) {
        snprintf(err, err_len, "%.100s...: folder name too long", path);
        return -1;
    }
    for (char *s = p + 1;; s++) {
        int end = *s == '\0';
        if (*s != '/' && !end) continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            snprintf(err, err_len, "%s: cannot create the folder: %s", p, strerror(errno));
            return -1;
        }
        if (end) return 0;
        *s = '/';
    }
}

unsigned long long vb_free_bytes(const char *dir)
{
    const char *fake = getenv("VITBENCH_FREE_BYTES");
    if (fake && *fake) return strtoull(fake, NULL, 10);
    struct statvfs fs;
    if (statvfs(dir, &fs) != 0) return 0;
    return (unsigned long long)fs.f_bavail * (unsigned long long)fs.f_frsize;
}
