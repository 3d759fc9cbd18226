/* The vitbench backend ABI.
 *
 * A backend is a shared object exporting one symbol,
 *     const vb_backend *vb_backend_entry(void);
 * that returns a const table: a versioned header, lifecycle hooks, then one function
 * pointer ("slot") per op of VB_OPS.
 *
 * Contexts. init(opts, &ctx) makes a context: the thread count, and whatever else the
 * backend keeps between calls (library handles, primitive caches, scratch memory). Every
 * slot receives the context first; shutdown(ctx) frees it. A backend keeps no mutable
 * state outside its contexts, so several backends, or several contexts of one backend
 * with different thread counts, live in one process and interleave their calls
 * (tests/test_contexts.c). A context is used by one thread at a time.
 *
 * Threads. Every op of a context runs on opts->threads threads, applied per call (an
 * OpenMP num_threads clause, or the calling thread's OpenMP thread count set for the call
 * and put back), never through a setting of the whole process.
 *
 * Loading. The loader (loader.h) refuses a different abi_major, reads only the slots that
 * fit in struct_size (so an older, shorter table still loads), and fills a NULL slot with
 * the reference implementation of the same function type — the reference ignores the
 * context — recording that it did, so every report can say which ops ran where.
 *
 * Compatibility: a minor version may only append ops at the end of VB_OPS, fields at the
 * end of vb_backend and fields at the end of vb_backend_init_opts; anything else bumps the
 * major. The next steps fit these rules: another compute precision is a value of
 * vb_precision (a backend that lacks it refuses it at init); a backend that owns device
 * memory appends buffer hooks (allocate, free, copy in and out) after the slots, and the
 * tensors its slots receive are then its own buffers — every slot argument after the
 * descriptor is already a tensor for that reason.
 *
 * Every slot returns 0 on success or a VB_E* code. Ops follow the conventions of ops.h. */
#ifndef VITBENCH_BACKEND_H
#define VITBENCH_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include "vitbench/ops.h"

/* 3.0: a context from init, passed first to every slot and freed by shutdown; init takes
 *      vb_backend_init_opts (threads, compute precision); one function type per op, every
 *      argument after the descriptor a tensor (the dropout and attention seeds moved into
 *      the descriptors; attention's scale and the loss gradient's grad_scale are 1-value
 *      tensors). 2.x backends are refused.
 * 2.0: the dropout, drop_path and attention descriptors carry the slice's first index.
 * 3.1 would add ops at the end of the list. (1.1 added gelu_tanh_fwd, gelu_tanh_bwd.) */
#define VB_ABI_MAJOR 3
#define VB_ABI_MINOR 0
#define VB_BACKEND_ENTRY_SYMBOL "vb_backend_entry"

enum { VB_OK = 0, VB_EINVAL = 1, VB_EUNSUPPORTED = 2, VB_ENOMEM = 3, VB_EBACKEND = 4 };

/* A backend's context: each backend defines struct vb_backend_ctx for itself; to everyone
 * else it is opaque. */
typedef struct vb_backend_ctx vb_backend_ctx;

/* The precision an op computes in. Parameters, activations and gradients are f32 in
 * memory whatever it is. */
typedef enum vb_precision {
    VB_PRECISION_F32 = 0,  /* f32 throughout: what every backend computes */
    VB_PRECISION_BF16 = 1  /* mixed precision: GEMM, convolution and attention round their
                            * f32 inputs to bf16 (round to nearest even) and accumulate in
                            * f32; every other op, and every tensor in memory, stays f32.
                            * Needs AVX512-BF16; a backend without a bf16 path refuses it */
} vb_precision;

/* What a context is made for. Callers set struct_size = sizeof(vb_backend_init_opts). */
typedef struct vb_backend_init_opts {
    uint32_t struct_size;
    int threads;            /* ≥ 1: the threads every op of the context runs on */
    vb_precision precision; /* one it does not compute: init returns VB_EUNSUPPORTED */
} vb_backend_init_opts;

/* Whether opts, filled by a caller compiled against a possibly older minor, has `field`. */
#define VB_OPTS_HAS(opts, field) \
    ((opts)->struct_size >= offsetof(vb_backend_init_opts, field) + sizeof((opts)->field))

/* The op list: X(ID, slot_name, descriptor_type, (tensor arguments)). Order is ABI:
 * append only. Each entry is also the op's one declaration: its function type
 *     typedef int vb_<slot_name>_op(vb_backend_ctx *ctx, const descriptor_type *d, ...);
 * is made from it below. Tensors come inputs first, then outputs; a setting that is not
 * a tensor (a seed, a scale factor) lives in the descriptor. */
#define VB_OPS(X)                                                                        \
    X(GEMM, gemm, vb_gemm_desc,                                                          \
      (const float *a, const float *b, const float *bias, float *c))                     \
    X(CONV2D_FWD, conv2d_fwd, vb_conv2d_desc,                                            \
      (const float *x, const float *w, const float *bias, float *y))                     \
    X(CONV2D_BWD_DATA, conv2d_bwd_data, vb_conv2d_desc,                                  \
      (const float *dy, const float *w, float *dx))                                      \
    /* dw += ..., dbias += Σ dy over (n, oh, ow) when dbias is non-NULL */              \
    X(CONV2D_BWD_WEIGHTS, conv2d_bwd_weights, vb_conv2d_desc,                            \
      (const float *x, const float *dy, float *dw, float *dbias))                        \
    X(MAXPOOL_FWD, maxpool_fwd, vb_pool_desc, (const float *x, float *y))                \
    X(MAXPOOL_BWD, maxpool_bwd, vb_pool_desc,                                            \
      (const float *x, const float *y, const float *dy, float *dx))                       \
    X(PAD_FWD, pad_fwd, vb_pad_desc, (const float *x, float *y))                         \
    X(PAD_BWD, pad_bwd, vb_pad_desc, (const float *dy, float *dx))                       \
    /* element-wise backward: dx += dy · f'(x) */                                       \
    X(RELU_FWD, relu_fwd, vb_eltwise_desc, (const float *x, float *y))                   \
    X(RELU_BWD, relu_bwd, vb_eltwise_desc, (const float *x, const float *dy, float *dx)) \
    X(GELU_FWD, gelu_fwd, vb_eltwise_desc, (const float *x, float *y))                   \
    X(GELU_BWD, gelu_bwd, vb_eltwise_desc, (const float *x, const float *dy, float *dx)) \
    X(ADD_FWD, add_fwd, vb_add_desc, (const float *a, const float *b, float *y))         \
    X(ADD_BWD, add_bwd, vb_add_desc, (const float *dy, float *da, float *db))            \
    X(LAYERNORM_FWD, layernorm_fwd, vb_layernorm_desc,                                   \
      (const float *x, const float *gamma, const float *beta, float *y, float *mean,     \
       float *rstd))                                                                     \
    X(LAYERNORM_BWD, layernorm_bwd, vb_layernorm_desc,                                   \
      (const float *x, const float *gamma, const float *mean, const float *rstd,         \
       const float *dy, float *dx, float *dgamma, float *dbeta))                         \
    X(SOFTMAX_FWD, softmax_fwd, vb_softmax_desc, (const float *x, float *y))             \
    X(SOFTMAX_BWD, softmax_bwd, vb_softmax_desc,                                         \
      (const float *y, const float *dy, float *dx))                                      \
    /* scale: 1 value; probs (batch, heads, tokens, tokens), written by forward and read \
     * by backward; dscale += ∂L/∂scale when non-NULL (LSA's learnable temperature) */   \
    X(ATTENTION_FWD, attention_fwd, vb_attention_desc,                                   \
      (const float *q, const float *k, const float *v, const float *scale, float *o,     \
       float *probs))                                                                    \
    X(ATTENTION_BWD, attention_bwd, vb_attention_desc,                                   \
      (const float *q, const float *k, const float *v, const float *scale,               \
       const float *probs, const float *dout, float *dq, float *dk, float *dv,           \
       float *dscale))                                                                   \
    X(DROPOUT_FWD, dropout_fwd, vb_dropout_desc, (const float *x, float *y))             \
    X(DROPOUT_BWD, dropout_bwd, vb_dropout_desc, (const float *dy, float *dx))           \
    X(DROP_PATH_FWD, drop_path_fwd, vb_drop_path_desc, (const float *x, float *y))       \
    X(DROP_PATH_BWD, drop_path_bwd, vb_drop_path_desc, (const float *dy, float *dx))     \
    X(SEQPOOL_FWD, seqpool_fwd, vb_seqpool_desc,                                         \
      (const float *x, const float *g, const float *g_bias, float *y, float *attn))      \
    X(SEQPOOL_BWD, seqpool_bwd, vb_seqpool_desc,                                         \
      (const float *x, const float *g, const float *attn, const float *dy, float *dx,    \
       float *dg, float *dg_bias))                                                       \
    X(XENT_FWD, xent_fwd, vb_xent_desc,                                                  \
      (const float *logits, const int32_t *labels, float *loss, float *probs))           \
    /* grad_scale: 1 value, the gradient of every per-sample loss */                    \
    X(XENT_BWD, xent_bwd, vb_xent_desc,                                                  \
      (const float *probs, const int32_t *labels, const float *grad_scale, float *dlogits)) \
    /* updates param, m and v in place */                                               \
    X(ADAM_STEP, adam_step, vb_adam_desc,                                                \
      (float *param, const float *grad, float *m, float *v))                             \
    X(GELU_TANH_FWD, gelu_tanh_fwd, vb_eltwise_desc, (const float *x, float *y))         \
    X(GELU_TANH_BWD, gelu_tanh_bwd, vb_eltwise_desc,                                     \
      (const float *x, const float *dy, float *dx))

typedef enum vb_op {
#define VB_OP_ENUM(ID, name, desc, args) VB_OP_##ID,
    VB_OPS(VB_OP_ENUM)
#undef VB_OP_ENUM
    VB_OP_COUNT
} vb_op;

/* (a, b) → a, b: a parenthesised argument list spliced into a longer one. */
#define VB_UNPAREN(...) __VA_ARGS__

/* The function type of each op: vb_gemm_op, vb_conv2d_fwd_op, ... */
#define VB_OP_TYPEDEF(ID, name, desc, args) \
    typedef int vb_##name##_op(vb_backend_ctx *ctx, const desc *d, VB_UNPAREN args);
VB_OPS(VB_OP_TYPEDEF)
#undef VB_OP_TYPEDEF

/* An implementation lists the ops it has once, as a macro over (X, prefix):
 *     #define MY_OPS(X, p) X(p, gemm) X(p, relu_fwd)
 * then declares them with their op's type and fills its table from the same list:
 *     MY_OPS(VB_OP_DECLARE, my_)            vb_gemm_op my_gemm; vb_relu_fwd_op my_relu_fwd;
 *     { ..., MY_OPS(VB_OP_SLOT, my_) }      .gemm = my_gemm, .relu_fwd = my_relu_fwd, */
#define VB_OP_DECLARE(prefix, name) vb_##name##_op prefix##name;
#define VB_OP_SLOT(prefix, name) .name = prefix##name,

/* Any slot, as stored generically (slots are called through their own type). */
typedef void (*vb_slot_fn)(void);

typedef struct vb_backend {
    /* Header: never moves. */
    uint32_t abi_major, abi_minor;
    uint32_t struct_size; /* sizeof(vb_backend) as the backend was compiled */
    const char *name;     /* short name used by --backend, e.g. "onednn" */
    const char *version;  /* backend and library version, e.g. "oneDNN 2.6.3" */

    /* Lifecycle, all optional. */
    /* 1 if usable on this machine; else 0 with the reason written to why. NULL = always. */
    int (*probe)(char *why, size_t why_len);
    /* Makes a context for opts in *ctx: VB_OK, VB_EUNSUPPORTED for a precision it does not
     * compute, VB_EINVAL for threads < 1, VB_ENOMEM. NULL = the backend keeps nothing (its
     * slots receive NULL) and computes f32 only. */
    int (*init)(const vb_backend_init_opts *opts, vb_backend_ctx **ctx);
    /* Frees everything the context holds, and the context. */
    void (*shutdown)(vb_backend_ctx *ctx);
    /* Nonzero if the backend computes this op for this descriptor. NULL = all slots
     * that are set accept every valid descriptor. A declined case is skipped by the
     * checker and routed to the reference by the runtime. */
    int (*supports)(vb_backend_ctx *ctx, vb_op op, const void *desc);

    /* Op slots, in VB_OPS order; NULL = not implemented (reference fallback). */
    union {
        struct {
#define VB_OP_MEMBER(ID, name, desc, args) vb_##name##_op *name;
            VB_OPS(VB_OP_MEMBER)
#undef VB_OP_MEMBER
        };
        vb_slot_fn slot[VB_OP_COUNT];
    };
} vb_backend;

/* The one symbol a backend exports. */
typedef const vb_backend *(*vb_backend_entry_fn)(void);

#endif
