/* Fuzz target: suite description files (suites/runsuite/suite.h), NUL bytes and all, read
 * from a file as runsuite reads them. Any input must give a suite or a one-line error,
 * never a crash, a leak or undefined behaviour. suite.c is not in the library: the build
 * compiles it in with this target (tests/fuzz.mk, scripts/fuzz). */
#include <stdlib.h>
#include <string.h>
#include "fuzz_input.h"
#include "suite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("suite.cfg", data, size);
    if (!path) return 0;
    static suite s; /* 16 cells, 4 profiles: off the stack */
    char err[1024];
    if (suite_load(&s, path, err, sizeof err) == 0) {
        for (int i = 0; i < s.cell_count; i++)
            for (int p = 0; p < s.profile_count; p++)
                if (suite_cell_runs_in(&s.cells[i], &s.profiles[p]))
                    (void)suite_cell_recipe(&s.cells[i], &s.profiles[p]);
    } else if (strchr(err, '\n')) {
        abort(); /* errors are one line */
    }
    return 0;
}
