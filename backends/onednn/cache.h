/* The primitive cache of a context: (op, shape) → primitives built once.
 *
 * Creating a oneDNN primitive means picking an implementation and JIT-compiling it, far
 * too slow to do per call, so every op builds its primitives the first time it sees a
 * shape and finds them here afterwards. Keys are lists of int64 written out by each op
 * from its descriptor (never the descriptor's raw bytes: structs may carry padding),
 * plus whatever variant the call needs (which gradients are wanted, ...). The settings
 * of a call that are not shapes (seeds, scales) stay out of the key.
 *
 * Each context has its own table (onednn.h), so its primitives are made for its thread
 * count and engine. Not re-entrant: an op re-points its entry's memories, so a context
 * is used by one thread at a time (oneDNN already spreads each op over its threads). */
#ifndef VITBENCH_ONEDNN_CACHE_H
#define VITBENCH_ONEDNN_CACHE_H

#include <stdint.h>
#include "prim.h"

#define VB_CACHE_BUCKETS 256

#define VB_KEY_MAX 24

typedef struct vb_key {
    int op;  /* vb_op */
    int len; /* values used; −1 for a key that did not fit */
    int64_t v[VB_KEY_MAX];
} vb_key;

vb_key vb_key_make(int op, const int64_t *v, int len);

/* VB_KEY(VB_OP_GEMM, d->m, d->n, ...) */
#define VB_KEY(op, ...)                                     \
    vb_key_make((op), (const int64_t[]){ __VA_ARGS__ },     \
                (int)(sizeof((const int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t)))

/* A float as a key value (its bit pattern). */
int64_t vb_key_f32(float f);

/* What the cache holds per key: up to two primitives (most ops use one; max-pool
 * backward runs a forward to rebuild the workspace, then the backward; convolution packs
 * its filter with a reorder). */
#define VB_ENTRY_PRIMS 2
typedef struct vb_entry {
    vb_key key;
    vb_prim prim[VB_ENTRY_PRIMS];
    struct vb_entry *next;
} vb_entry;

/* Ops whose primitives depend on more than the descriptor (which gradients are wanted)
 * put that variant last in the key; the builder reads it back here. */
static inline int64_t vb_entry_variant(const vb_entry *e) { return e->key.v[e->key.len - 1]; }

/* Fills a zeroed entry's primitives for `desc` (the op's descriptor). */
typedef int (*vb_build_fn)(vb_backend_ctx *ctx, vb_entry *e, const void *desc);

/* The context's entry for key, built by build(ctx, e, desc) on first use. */
int vb_cache_get(vb_backend_ctx *ctx, const vb_key *key, vb_build_fn build, const void *desc,
                 vb_entry **out);

/* Destroys every entry of the context's cache. */
void vb_cache_clear(vb_backend_ctx *ctx);

#endif
