/* Tensors with guard bytes (ggml's sentinels): each tensor's storage is followed, at its
 * last element, by GUARD_BYTES of a fixed pattern. An op that writes past the end of an
 * output — a wrong stride, a vector tail stored whole — changes the pattern, and the
 * check reports which tensor. Storage is 64-byte aligned like vb_alloc's. */
#include <stdlib.h>
#include <string.h>
#include "conformance.h"

#define GUARD_BYTES 256
#define GUARD_BYTE 0xCB
#define ALIGN 64

static size_t storage_bytes(const cf_tensor *t)
{
    size_t bytes = (size_t)t->numel * sizeof(float) + GUARD_BYTES;
    return (bytes + ALIGN - 1) / ALIGN * ALIGN;
}

int cf_buffers_alloc(cf_buffers *b, const cf_tensor *t, int count)
{
    memset(b, 0, sizeof *b);
    b->count = count;
    for (int i = 0; i < count; i++) {
        b->t[i] = t[i];
        if (t[i].view_of >= 0 || t[i].numel == 0)
            continue;
        b->own[i] = aligned_alloc(ALIGN, storage_bytes(&t[i]));
        if (b->own[i] == NULL) {
            cf_buffers_free(b);
            return VB_ENOMEM;
        }
        memset(b->own[i], 0, (size_t)t[i].numel * sizeof(float));
        memset((char *)b->own[i] + t[i].numel * sizeof(float), GUARD_BYTE, GUARD_BYTES);
        b->p[i] = b->own[i];
    }
    for (int i = 0; i < count; i++)
        if (t[i].view_of >= 0)
            b->p[i] = (float *)b->own[t[i].view_of] + t[i].offset;
    return VB_OK;
}

int cf_buffers_clone(cf_buffers *dst, const cf_buffers *src)
{
    int err = cf_buffers_alloc(dst, src->t, src->count);
    for (int i = 0; err == VB_OK && i < src->count; i++)
        if (src->own[i])
            memcpy(dst->own[i], src->own[i], storage_bytes(&src->t[i]));
    return err;
}

int cf_buffers_guard_broken(const cf_buffers *b)
{
    for (int i = 0; i < b->count; i++) {
        if (!b->own[i])
            continue;
        const unsigned char *g = (const unsigned char *)b->own[i] + b->t[i].numel * 4;
        for (int j = 0; j < GUARD_BYTES; j++)
            if (g[j] != GUARD_BYTE)
                return i;
    }
    return -1;
}

void cf_buffers_free(cf_buffers *b)
{
    for (int i = 0; i < b->count; i++)
        free(b->own[i]);
    memset(b, 0, sizeof *b);
}
