/* naive: the reference ops exported through the ABI as a separate shared object.
 * Checking it against the built-in reference proves the whole path — dlopen, entry
 * symbol, version negotiation, slot dispatch — with maths known to be identical. */
#include <string.h>
#include "../../lib/ref/ref.h"

static vb_backend naive;

const vb_backend *vb_backend_entry(void)
{
    if (naive.name == NULL) {
        memcpy(&naive, vb_reference_backend(), sizeof naive);
        naive.name = "naive";
        naive.version = "vitbench naive " PACKAGE_VERSION;
    }
    return &naive;
}
