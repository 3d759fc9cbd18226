/* Where the programs find their data files: in the source tree when they run from the
 * build tree, else where `make install` put them (lib/build_tree.h). */
#ifndef VITBENCH_SUITES_DATA_DIR_H
#define VITBENCH_SUITES_DATA_DIR_H

typedef enum {
    DATA_MODELS,     /* models/NAME.cfg */
    DATA_RECIPES,    /* recipes/NAME.cfg */
    DATA_SUITES,     /* suites/NAME.cfg */
    DATA_PUBLISHED,  /* published/NAME.csv */
    DATA_SCRIPTS,    /* the report script */
    DATA_PROGRAMS    /* vbcheck and the other programs */
} data_kind;

/* The folder holding that kind of file. */
const char *data_dir(data_kind kind);

/* The source tree, or NULL for an installed program. */
const char *source_dir(void);

#endif
