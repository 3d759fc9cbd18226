/* Fuzz target: recipe description files (train.h), NUL bytes and all, read from a file as
 * vbtrain reads them. Any input must give a recipe or a one-line error, never a crash, a
 * leak or undefined behaviour. */
#include <stdlib.h>
#include <string.h>
#include "fuzz_input.h"
#include "vitbench/train.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("recipe.cfg", data, size);
    if (!path) return 0;
    vb_recipe r;
    char err[512];
    if (vb_recipe_load(&r, path, err, sizeof err) != 0) {
        if (strchr(err, '\n')) abort(); /* errors are one line */
        return 0;
    }
    vb_recipe_free(&r);
    return 0;
}
