/* FNV-1a 64, the content hash: dataset checksums, a recipe's identity (the hash of its
 * resolved text) and runsuite's config_hash all use this one function, so equal bytes
 * hash equal wherever they are hashed. Not cryptographic: it tells accidental
 * differences apart, nothing more. */
#ifndef VITBENCH_FNV1A_H
#define VITBENCH_FNV1A_H

#include <stddef.h>
#include <stdint.h>

#define VB_FNV1A_START 0xcbf29ce484222325ull /* the offset basis: the hash of no bytes */

/* h continued over n bytes of data; start from VB_FNV1A_START. */
static inline uint64_t vb_fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

#endif
