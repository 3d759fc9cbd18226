/* The grow-only scratch arena of internal.h, one per context.
 *
 * A context is used by one thread at a time (backend.h), so its arena needs no lock; two
 * threads that compute at the same time use two contexts, and so two arenas. */
#include <stdlib.h>
#include "internal.h"

struct vbc_arena {
    void *buffer[VBC_SCRATCH_COUNT];
    size_t capacity[VBC_SCRATCH_COUNT]; /* in bytes */
};

struct vbc_arena *vbc_arena_create(void) { return calloc(1, sizeof(struct vbc_arena)); }

void vbc_arena_destroy(struct vbc_arena *arena)
{
    if (!arena)
        return;
    for (int slot = 0; slot < VBC_SCRATCH_COUNT; slot++)
        free(arena->buffer[slot]);
    free(arena);
}

void *vbc_scratch(vb_backend_ctx *ctx, vbc_scratch_slot slot, size_t bytes)
{
    struct vbc_arena *a = vb_common(ctx)->arena;
    if (bytes <= a->capacity[slot])
        return a->buffer[slot];
    /* grow by at least half, so a slowly rising size does not reallocate every call */
    const size_t grown = a->capacity[slot] + a->capacity[slot] / 2;
    const size_t want = bytes > grown ? bytes : grown;
    void *p = NULL;
    if (posix_memalign(&p, 64, want) != 0)
        return NULL;
    free(a->buffer[slot]);
    a->buffer[slot] = p;
    a->capacity[slot] = want;
    return p;
}

uint16_t *vb_common_bf16_buffer(vb_backend_ctx *ctx, int which, size_t elems)
{
    return vbc_scratch(ctx, which ? VBC_SCRATCH_BF16_1 : VBC_SCRATCH_BF16_0,
                       elems * sizeof(uint16_t));
}
