/* Per-thread scratch for packed B panels.
 *
 * Each thread owns one buffer (thread-local, so concurrent or nested calls never
 * share), grown to the largest size asked for and then reused: after the first call
 * of a given shape, GEMM does no allocation. */
#include <stdlib.h>
#include "omp_gemm.h"

static _Thread_local float *buf;
static _Thread_local size_t cap; /* floats */

float *vb_omp_scratch(size_t floats)
{
    if (floats <= cap)
        return buf;
    const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64; /* aligned_alloc wants a multiple */
    float *grown = aligned_alloc(64, bytes);
    if (!grown)
        return NULL;
    free(buf);
    buf = grown;
    cap = bytes / sizeof(float);
    return buf;
}

void vb_omp_scratch_release(void)
{
    free(buf);
    buf = NULL;
    cap = 0;
}
