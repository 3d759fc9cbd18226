/* The primitive cache: a chained hash table of vb_entry, keyed by vb_key, in the context
 * (onednn.h). */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "onednn.h"

vb_key vb_key_make(int op, const int64_t *v, int len)
{
    vb_key k;
    memset(&k, 0, sizeof k);
    k.op = op;
    k.len = len <= VB_KEY_MAX ? len : -1;
    if (k.len > 0)
        memcpy(k.v, v, (size_t)len * sizeof *v);
    return k;
}

int64_t vb_key_f32(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

/* vb_key_make zeroes unused values and the struct has no padding, so whole keys compare
 * and hash as bytes. */
_Static_assert(sizeof(vb_key) == 2 * sizeof(int) + VB_KEY_MAX * sizeof(int64_t),
               "vb_key must have no padding");

static int same_key(const vb_key *a, const vb_key *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* FNV-1a over the key's bytes. */
static unsigned bucket_of(const vb_key *k)
{
    const unsigned char *bytes = (const unsigned char *)k;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < sizeof *k; i++)
        h = (h ^ bytes[i]) * 1099511628211ull;
    return (unsigned)(h % VB_CACHE_BUCKETS);
}

int vb_cache_get(vb_backend_ctx *ctx, const vb_key *key, vb_build_fn build, const void *desc,
                 vb_entry **out)
{
    if (key->len < 0)
        return VB_EINVAL;
    vb_entry **head = &ctx->cache[bucket_of(key)];
    for (vb_entry *e = *head; e != NULL; e = e->next)
        if (same_key(&e->key, key)) {
            *out = e;
            return VB_OK;
        }

    vb_entry *e = calloc(1, sizeof *e);
    if (e == NULL)
        return VB_ENOMEM;
    e->key = *key;
    int err = build(ctx, e, desc);
    if (err != VB_OK) {
        for (int i = 0; i < VB_ENTRY_PRIMS; i++)
            vb_prim_destroy(&e->prim[i]);
        free(e);
        return err;
    }
    e->next = *head;
    *head = e;
    *out = e;
    return VB_OK;
}

void vb_cache_clear(vb_backend_ctx *ctx)
{
    for (int b = 0; b < VB_CACHE_BUCKETS; b++) {
        while (ctx->cache[b] != NULL) {
            vb_entry *e = ctx->cache[b];
            ctx->cache[b] = e->next;
            for (int i = 0; i < VB_ENTRY_PRIMS; i++)
                vb_prim_destroy(&e->prim[i]);
            free(e);
        }
    }
}
