/* The content checksum: FNV-1a 64 over the labels (each as 4 little-endian bytes), then
 * the image bytes. Two reads of the same data give the same value on any machine, so a
 * run's manifest can say exactly which data it trained on. */
#include "vitbench/dataset.h"
#include "vitbench/fnv1a.h"

void vb_dataset_checksum(vb_dataset *d)
{
    uint64_t h = VB_FNV1A_START;
    for (int64_t i = 0; i < d->count; i++) {
        uint32_t v = (uint32_t)d->labels[i];
        uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
        h = vb_fnv1a(h, le, 4);
    }
    if (d->images) h = vb_fnv1a(h, d->images, (size_t)(d->count * d->h * d->w * d->c));
    d->checksum = h;
}
