/* Creating result folders (folders.h). */
#include "folders.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int make_dirs(const char *path, char *err, size_t err_len)
{
    char p[1024];
    if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p) {
        snprintf(err, err_len, "%.100s...: folder name too long", path);
        return -1;
    }
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0') continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            snprintf(err, err_len, "%s: cannot create folder: %s", p, strerror(errno));
            return -1;
        }
        *s = c;
        if (!c) return 0;
    }
}
