/* The vitbench backend ABI.
 *
 * A backend is a shared object exporting one symbol,
 *     const vb_backend *vb_backend_entry(void);
 * that returns a const table: a versioned header, lifecycle hooks, then one function
 * pointer ("slot") per op. The loader (loader.h) refuses a different abi_major, reads only
 * the slots that fit in struct_size (so an older, shorter table still loads), and fills a
 * NULL slot with the built-in reference implementation — recording that it did, so every
 * report can say which ops ran where.
 *
 * Compatibility rules: a minor version may only append slots at the end of VB_OPS and
 * fields at the end of vb_backend; anything else bumps the major.
 *
 * Every slot returns 0 on success or a VB_E* code. Ops follow the conventions of ops.h. */
#ifndef VITBENCH_BACKEND_H
#define VITBENCH_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include "vitbench/ops.h"

/* 2.0: the dropout, drop_path and attention descriptors carry the slice's first index
 * (data-parallel training draws the masks of the whole global batch).
 * 2.1 would add ops at the end of the list. (1.1 added gelu_tanh_fwd, gelu_tanh_bwd.) */
#define VB_ABI_MAJOR 2
#define VB_ABI_MINOR 0
#define VB_BACKEND_ENTRY_SYMBOL "vb_backend_entry"

enum { VB_OK = 0, VB_EINVAL = 1, VB_EUNSUPPORTED = 2, VB_ENOMEM = 3, VB_EBACKEND = 4 };

/* Slot signatures, one per op. Pointer arguments: inputs first, then outputs. */
typedef int (*vb_gemm_fn)(const vb_gemm_desc *d, const float *a, const float *b,
                          const float *bias, float *c);
typedef int (*vb_conv2d_fwd_fn)(const vb_conv2d_desc *d, const float *x, const float *w,
                                const float *bias, float *y);
typedef int (*vb_conv2d_bwd_data_fn)(const vb_conv2d_desc *d, const float *dy,
                                     const float *w, float *dx);
/* dw += ..., dbias += Σ dy over (n, oh, ow) when dbias is non-NULL. */
typedef int (*vb_conv2d_bwd_weights_fn)(const vb_conv2d_desc *d, const float *x,
                                        const float *dy, float *dw, float *dbias);
typedef int (*vb_maxpool_fwd_fn)(const vb_pool_desc *d, const float *x, float *y);
typedef int (*vb_maxpool_bwd_fn)(const vb_pool_desc *d, const float *x, const float *y,
                                 const float *dy, float *dx);
typedef int (*vb_pad_fwd_fn)(const vb_pad_desc *d, const float *x, float *y);
typedef int (*vb_pad_bwd_fn)(const vb_pad_desc *d, const float *dy, float *dx);
typedef int (*vb_eltwise_fwd_fn)(const vb_eltwise_desc *d, const float *x, float *y);
/* dx += dy · f'(x) */
typedef int (*vb_eltwise_bwd_fn)(const vb_eltwise_desc *d, const float *x, const float *dy,
                                 float *dx);
typedef int (*vb_add_fwd_fn)(const vb_add_desc *d, const float *a, const float *b, float *y);
typedef int (*vb_add_bwd_fn)(const vb_add_desc *d, const float *dy, float *da, float *db);
typedef int (*vb_layernorm_fwd_fn)(const vb_layernorm_desc *d, const float *x,
                                   const float *gamma, const float *beta, float *y,
                                   float *mean, float *rstd);
typedef int (*vb_layernorm_bwd_fn)(const vb_layernorm_desc *d, const float *x,
                                   const float *gamma, const float *mean, const float *rstd,
                                   const float *dy, float *dx, float *dgamma, float *dbeta);
typedef int (*vb_softmax_fwd_fn)(const vb_softmax_desc *d, const float *x, float *y);
typedef int (*vb_softmax_bwd_fn)(const vb_softmax_desc *d, const float *y, const float *dy,
                                 float *dx);
/* probs: (batch, heads, tokens, tokens), written by forward, read by backward. */
typedef int (*vb_attention_fwd_fn)(const vb_attention_desc *d, const float *q,
                                   const float *k, const float *v, float scale,
                                   uint64_t seed, float *o, float *probs);
/* dscale += ∂L/∂scale when non-NULL (LSA's learnable temperature). */
typedef int (*vb_attention_bwd_fn)(const vb_attention_desc *d, const float *q,
                                   const float *k, const float *v, float scale,
                                   uint64_t seed, const float *probs, const float *dout,
                                   float *dq, float *dk, float *dv, float *dscale);
typedef int (*vb_dropout_fwd_fn)(const vb_dropout_desc *d, uint64_t seed, const float *x,
                                 float *y);
typedef int (*vb_dropout_bwd_fn)(const vb_dropout_desc *d, uint64_t seed, const float *dy,
                                 float *dx);
typedef int (*vb_drop_path_fwd_fn)(const vb_drop_path_desc *d, uint64_t seed,
                                   const float *x, float *y);
typedef int (*vb_drop_path_bwd_fn)(const vb_drop_path_desc *d, uint64_t seed,
                                   const float *dy, float *dx);
typedef int (*vb_seqpool_fwd_fn)(const vb_seqpool_desc *d, const float *x, const float *g,
                                 const float *g_bias, float *y, float *attn);
typedef int (*vb_seqpool_bwd_fn)(const vb_seqpool_desc *d, const float *x, const float *g,
                                 const float *attn, const float *dy, float *dx, float *dg,
                                 float *dg_bias);
typedef int (*vb_xent_fwd_fn)(const vb_xent_desc *d, const float *logits,
                              const int32_t *labels, float *loss, float *probs);
typedef int (*vb_xent_bwd_fn)(const vb_xent_desc *d, const float *probs,
                              const int32_t *labels, float grad_scale, float *dlogits);
/* Updates param, m and v in place. */
typedef int (*vb_adam_step_fn)(const vb_adam_desc *d, float *param, const float *grad,
                               float *m, float *v);

/* The op list: X(ID, slot_name, slot_type, descriptor_type). Order is ABI: append only. */
#define VB_OPS(X)                                                                       \
    X(GEMM, gemm, vb_gemm_fn, vb_gemm_desc)                                              \
    X(CONV2D_FWD, conv2d_fwd, vb_conv2d_fwd_fn, vb_conv2d_desc)                          \
    X(CONV2D_BWD_DATA, conv2d_bwd_data, vb_conv2d_bwd_data_fn, vb_conv2d_desc)           \
    X(CONV2D_BWD_WEIGHTS, conv2d_bwd_weights, vb_conv2d_bwd_weights_fn, vb_conv2d_desc)  \
    X(MAXPOOL_FWD, maxpool_fwd, vb_maxpool_fwd_fn, vb_pool_desc)                         \
    X(MAXPOOL_BWD, maxpool_bwd, vb_maxpool_bwd_fn, vb_pool_desc)                         \
    X(PAD_FWD, pad_fwd, vb_pad_fwd_fn, vb_pad_desc)                                      \
    X(PAD_BWD, pad_bwd, vb_pad_bwd_fn, vb_pad_desc)                                      \
    X(RELU_FWD, relu_fwd, vb_eltwise_fwd_fn, vb_eltwise_desc)                            \
    X(RELU_BWD, relu_bwd, vb_eltwise_bwd_fn, vb_eltwise_desc)                            \
    X(GELU_FWD, gelu_fwd, vb_eltwise_fwd_fn, vb_eltwise_desc)                            \
    X(GELU_BWD, gelu_bwd, vb_eltwise_bwd_fn, vb_eltwise_desc)                            \
    X(ADD_FWD, add_fwd, vb_add_fwd_fn, vb_add_desc)                                      \
    X(ADD_BWD, add_bwd, vb_add_bwd_fn, vb_add_desc)                                      \
    X(LAYERNORM_FWD, layernorm_fwd, vb_layernorm_fwd_fn, vb_layernorm_desc)              \
    X(LAYERNORM_BWD, layernorm_bwd, vb_layernorm_bwd_fn, vb_layernorm_desc)              \
    X(SOFTMAX_FWD, softmax_fwd, vb_softmax_fwd_fn, vb_softmax_desc)                      \
    X(SOFTMAX_BWD, softmax_bwd, vb_softmax_bwd_fn, vb_softmax_desc)                      \
    X(ATTENTION_FWD, attention_fwd, vb_attention_fwd_fn, vb_attention_desc)              \
    X(ATTENTION_BWD, attention_bwd, vb_attention_bwd_fn, vb_attention_desc)              \
    X(DROPOUT_FWD, dropout_fwd, vb_dropout_fwd_fn, vb_dropout_desc)                      \
    X(DROPOUT_BWD, dropout_bwd, vb_dropout_bwd_fn, vb_dropout_desc)                      \
    X(DROP_PATH_FWD, drop_path_fwd, vb_drop_path_fwd_fn, vb_drop_path_desc)              \
    X(DROP_PATH_BWD, drop_path_bwd, vb_drop_path_bwd_fn, vb_drop_path_desc)              \
    X(SEQPOOL_FWD, seqpool_fwd, vb_seqpool_fwd_fn, vb_seqpool_desc)                      \
    X(SEQPOOL_BWD, seqpool_bwd, vb_seqpool_bwd_fn, vb_seqpool_desc)                      \
    X(XENT_FWD, xent_fwd, vb_xent_fwd_fn, vb_xent_desc)                                  \
    X(XENT_BWD, xent_bwd, vb_xent_bwd_fn, vb_xent_desc)                                  \
    X(ADAM_STEP, adam_step, vb_adam_step_fn, vb_adam_desc)                               \
    X(GELU_TANH_FWD, gelu_tanh_fwd, vb_eltwise_fwd_fn, vb_eltwise_desc)                  \
    X(GELU_TANH_BWD, gelu_tanh_bwd, vb_eltwise_bwd_fn, vb_eltwise_desc)

typedef enum vb_op {
#define VB_OP_ENUM(ID, name, fn, desc) VB_OP_##ID,
    VB_OPS(VB_OP_ENUM)
#undef VB_OP_ENUM
    VB_OP_COUNT
} vb_op;

/* Any slot, as stored generically (slots are called through their own type). */
typedef void (*vb_slot_fn)(void);

typedef struct vb_backend {
    /* Header: never moves. */
    uint32_t abi_major, abi_minor;
    uint32_t struct_size; /* sizeof(vb_backend) as the backend was compiled */
    const char *name;     /* short name used by --backend, e.g. "onednn" */
    const char *version;  /* backend and library version, e.g. "oneDNN 2.6.3" */

    /* Lifecycle, all optional (NULL = nothing to do / always available). */
    /* 1 if usable on this machine; else 0 with the reason written to why. */
    int (*probe)(char *why, size_t why_len);
    int (*init)(int threads); /* threads ≥ 1; returns VB_OK or an error */
    void (*shutdown)(void);   /* releases private caches */
    /* Nonzero if the backend computes this op for this descriptor. NULL = all slots
     * that are set accept every valid descriptor. A declined case is skipped by the
     * checker and routed to the reference by the runtime. */
    int (*supports)(vb_op op, const void *desc);

    /* Op slots, in VB_OPS order; NULL = not implemented (reference fallback). */
    union {
        struct {
#define VB_OP_SLOT(ID, name, fn, desc) fn name;
            VB_OPS(VB_OP_SLOT)
#undef VB_OP_SLOT
        };
        vb_slot_fn slot[VB_OP_COUNT];
    };
} vb_backend;

/* The one symbol a backend exports. */
typedef const vb_backend *(*vb_backend_entry_fn)(void);

#endif
