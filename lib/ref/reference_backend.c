/* The reference ops gathered into a backend table, for the loader's fallbacks and for
 * the naive backend. */
#include "ref.h"
#include "vitbench/backend.h"

static const vb_backend reference = {
    .abi_major = VB_ABI_MAJOR,
    .abi_minor = VB_ABI_MINOR,
    .struct_size = sizeof(vb_backend),
    .name = "reference",
    .version = "vitbench reference " PACKAGE_VERSION,
    VB_OPS(VB_REF_SLOT)
};

const vb_backend *vb_reference_backend(void) { return &reference; }
