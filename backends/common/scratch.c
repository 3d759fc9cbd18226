/* The grow-only scratch arena of internal.h.
 *
 * Thread-safety: the buffers are _Thread_local, so two threads that call ops at the same
 * time each get their own. What is not re-entrant is one thread using the same slot twice
 * at once, which no op does. The OpenMP workers inside an op only read and write the
 * buffer the calling thread obtained before the parallel region. */
#include <stdlib.h>
#include "internal.h"

static _Thread_local void *buffers[VBC_SCRATCH_COUNT];
static _Thread_local size_t capacity[VBC_SCRATCH_COUNT]; /* in bytes */

void *vbc_scratch(vbc_scratch_slot slot, size_t bytes)
{
    if (bytes <= capacity[slot])
        return buffers[slot];
    /* grow by at least half, so a slowly rising size does not reallocate every call */
    const size_t grown = capacity[slot] + capacity[slot] / 2;
    const size_t want = bytes > grown ? bytes : grown;
    void *p = NULL;
    if (posix_memalign(&p, 64, want) != 0)
        return NULL;
    free(buffers[slot]);
    buffers[slot] = p;
    capacity[slot] = want;
    return p;
}
