/* The content checksum: FNV-1a 64 over the labels (each as 4 little-endian bytes), then
 * the image bytes. Two reads of the same data give the same value on any machine, so a
 * run's manifest can say exactly which data it trained on. */
#include "vitbench/dataset.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * FNV_PRIME;
    return h;
}

void vb_dataset_checksum(vb_dataset *d)
{
    uint64_t h = FNV_OFFSET;
    for (int64_t i = 0; i < d->count; i++) {
        uint32_t v = (uint32_t)d->labels[i];
        uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
        h = fnv1a(h, le, 4);
    }
    if (d->images) h = fnv1a(h, d->images, (size_t)(d->count * d->h * d->w * d->c));
    d->checksum = h;
}
