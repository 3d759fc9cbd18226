/* naive: the reference ops exported through the ABI as a separate shared object.
 * Checking it against the built-in reference proves the whole path — dlopen, entry
 * symbol, version negotiation, slot dispatch — with maths known to be identical. Like the
 * reference it keeps nothing, so it has no init and its slots receive a NULL context. */
#include "../../lib/ref/ref.h"

static const vb_backend naive = VB_REF_TABLE("naive", "vitbench naive " PACKAGE_VERSION);

const vb_backend *vb_backend_entry(void) { return &naive; }
