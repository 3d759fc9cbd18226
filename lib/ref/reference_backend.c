/* The reference ops gathered into a backend table, for the loader's fallbacks and for
 * the naive backend. */
#include "ref.h"

static const vb_backend reference =
    VB_REF_TABLE("reference", "vitbench reference " PACKAGE_VERSION);

const vb_backend *vb_reference_backend(void) { return &reference; }
