/* Shared OpenMP kernels for the fast backends (openblas, onednn, omp).
 *
 * The memory-bound ops — element-wise, normalisation, pooling, dropout, losses, the
 * optimizer — are the same code whichever library does the matrix products, so they live
 * here once, parallel over the context's threads and written so the compiler vectorises
 * the inner loops. Each vb_common_<op> has the type of its op (vb_<op>_op, backend.h) and
 * the semantics of ops.h.
 *
 * The two compound ops — convolution through im2col/col2im, and attention — are built
 * on the calling backend's GEMM, so each backend gets them with its own matrix engine and
 * no second copy of the data movement.
 *
 * The context. A backend built on these kernels begins its struct vb_backend_ctx with a
 * vb_common_ctx, which holds what the kernels need between calls: the thread count (every
 * parallel region runs num_threads(threads), so the count belongs to the call and not to
 * the process), the backend's GEMM, and a grow-only scratch arena (so steady-state calls
 * do not allocate). */
#ifndef VITBENCH_BACKEND_COMMON_H
#define VITBENCH_BACKEND_COMMON_H

#include <stdint.h>
#include "vitbench/backend.h"

typedef struct vb_common_ctx {
    int threads;             /* every parallel region of the kernels runs on this many */
    vb_precision precision;  /* what the backend's GEMM (and its own products) compute in */
    vb_gemm_op *gemm;        /* the backend's GEMM, under convolution and attention */
    struct vbc_arena *arena; /* scratch buffers (internal.h) */
} vb_common_ctx;

/* The precisions a backend's products compute, as a set: VB_PRECISIONS_F32, or with
 * VB_PRECISIONS_BF16 for a backend whose GEMM (and its own convolution) has a bf16 path. */
enum { VB_PRECISIONS_F32 = 1u << VB_PRECISION_F32, VB_PRECISIONS_BF16 = 1u << VB_PRECISION_BF16 };

/* A zeroed context of `size` bytes — the backend's struct vb_backend_ctx, which begins with
 * a vb_common_ctx — with that part filled for opts and gemm: VB_EINVAL for threads < 1,
 * VB_EUNSUPPORTED for a precision not in `precisions`, or bf16 on a CPU without the
 * AVX512-BF16 instructions (vb_cpu_has_bf16); VB_ENOMEM. The backend then fills its own
 * part. */
int vb_common_ctx_create(size_t size, const vb_backend_init_opts *opts, vb_gemm_op *gemm,
                         unsigned precisions, vb_backend_ctx **out);
/* Frees the common part and the context (after the backend freed its own part). */
void vb_common_ctx_destroy(vb_backend_ctx *ctx);

/* The vb_common_ctx that a context built on these kernels begins with. */
static inline vb_common_ctx *vb_common(vb_backend_ctx *ctx) { return (vb_common_ctx *)ctx; }

/* The ops these kernels implement: every op but gemm, which the backend brings. A backend
 * takes them all with VB_COMMON_OPS(VB_OP_SLOT, vb_common_) in its table, and may follow
 * it with its own ops, which replace the shared ones (onednn_backend.c). */
#define VB_COMMON_OPS(X, p)                                                              \
    X(p, conv2d_fwd) X(p, conv2d_bwd_data) X(p, conv2d_bwd_weights) X(p, maxpool_fwd)     \
    X(p, maxpool_bwd) X(p, pad_fwd) X(p, pad_bwd) X(p, relu_fwd) X(p, relu_bwd)           \
    X(p, gelu_fwd) X(p, gelu_bwd) X(p, add_fwd) X(p, add_bwd) X(p, layernorm_fwd)         \
    X(p, layernorm_bwd) X(p, softmax_fwd) X(p, softmax_bwd) X(p, attention_fwd)           \
    X(p, attention_bwd) X(p, dropout_fwd) X(p, dropout_bwd) X(p, drop_path_fwd)           \
    X(p, drop_path_bwd) X(p, seqpool_fwd) X(p, seqpool_bwd) X(p, xent_fwd) X(p, xent_bwd) \
    X(p, adam_step) X(p, gelu_tanh_fwd) X(p, gelu_tanh_bwd)
VB_COMMON_OPS(VB_OP_DECLARE, vb_common_)

/* dst (count × rows × cols, dense) = src's count matrices (rows × cols each, rows ld
 * apart, matrix i at src + i·stride) rounded to bf16 (uint16 bit patterns) as the CPU's
 * VCVTNEPS2BF16 rounds, on the context's threads in one parallel pass: the input of a
 * bf16 context's products (backend.h). Only for bf16 contexts (the CPU has the
 * instruction). */
void vb_common_to_bf16(vb_backend_ctx *ctx, const float *src, int64_t count, int64_t stride,
                       int64_t rows, int64_t cols, int64_t ld, uint16_t *dst);

/* One of the context's two grow-only buffers (which = 0 or 1) for the bf16 copies of a
 * product's operands: at least `elems` values, valid until the next call with the same
 * `which`; NULL when out of memory. Shared by every shape, so bf16 needs no memory per
 * cached primitive. */
uint16_t *vb_common_bf16_buffer(vb_backend_ctx *ctx, int which, size_t elems);

/* Applies GEMM's epilogue (bias on every row, then activation) to C in place, on the
 * context's threads: for backends whose matrix engine has no fused epilogue. */
void vb_common_gemm_epilogue(vb_backend_ctx *ctx, const vb_gemm_desc *d, const float *bias,
                             float *c);

#endif
