/* Creating result folders. */
#ifndef VITBENCH_SUITES_RUNSUITE_FOLDERS_H
#define VITBENCH_SUITES_RUNSUITE_FOLDERS_H

#include <stddef.h>

/* mkdir -p: 0, or -1 with "FOLDER: cannot create folder: REASON" in err. */
int make_dirs(const char *path, char *err, size_t err_len);

#endif
