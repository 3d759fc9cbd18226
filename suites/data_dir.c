/* Where the programs find their data files (data_dir.h). */
#include "data_dir.h"

#include <stddef.h>
#include "../lib/build_tree.h"

static const char *const source_dirs[] = {
    [DATA_MODELS] = VB_SRCDIR "/suites/models",
    [DATA_RECIPES] = VB_SRCDIR "/suites/recipes",
    [DATA_SUITES] = VB_SRCDIR "/suites/suites",
    [DATA_PUBLISHED] = VB_SRCDIR "/suites/published",
    [DATA_SCRIPTS] = VB_SRCDIR "/scripts",
    [DATA_PROGRAMS] = VB_BUILDDIR,
};

static const char *const installed_dirs[] = {
    [DATA_MODELS] = VB_MODELSDIR,
    [DATA_RECIPES] = VB_RECIPESDIR,
    [DATA_SUITES] = VB_SUITESDIR,
    [DATA_PUBLISHED] = VB_PUBLISHEDDIR,
    [DATA_SCRIPTS] = VB_PKGDATADIR,
    [DATA_PROGRAMS] = VB_BINDIR,
};

const char *data_dir(data_kind kind)
{
    return vb_in_build_tree() ? source_dirs[kind] : installed_dirs[kind];
}

const char *source_dir(void)
{
    return vb_in_build_tree() ? VB_SRCDIR : NULL;
}
