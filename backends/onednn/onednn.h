/* The onednn backend's context, and the ops it computes with oneDNN primitives (the rest
 * of its table comes from backends/common). Types and semantics: backend.h, ops.h. */
#ifndef VITBENCH_ONEDNN_H
#define VITBENCH_ONEDNN_H

#include <oneapi/dnnl/dnnl.h>
#include "vitbench/backend.h"
#include "../common/common.h"
#include "cache.h"

/* Everything the backend keeps between calls: the shared kernels' part (threads, GEMM,
 * scratch), the oneDNN engine and stream, and the primitives built so far. */
struct vb_backend_ctx {
    vb_common_ctx common;
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    vb_entry *cache[VB_CACHE_BUCKETS]; /* cache.h */
};

/* The ops with a oneDNN primitive: vb_onednn_gemm, vb_onednn_conv2d_fwd, ... */
#define VB_ONEDNN_OPS(X, p)                                                               \
    X(p, gemm) X(p, conv2d_fwd) X(p, conv2d_bwd_data) X(p, conv2d_bwd_weights)             \
    X(p, maxpool_fwd) X(p, maxpool_bwd) X(p, relu_fwd) X(p, relu_bwd) X(p, gelu_fwd)       \
    X(p, gelu_bwd) X(p, gelu_tanh_fwd) X(p, gelu_tanh_bwd) X(p, add_fwd)                   \
    X(p, layernorm_fwd) X(p, layernorm_bwd) X(p, softmax_fwd) X(p, softmax_bwd)
VB_ONEDNN_OPS(VB_OP_DECLARE, vb_onednn_)

/* bf16: the most elements a product's operand copy holds (512 KiB as bf16). A GEMM or a
 * convolution whose converted operands would be larger runs as pieces that fit, so the
 * context's two conversion buffers stay small beside the activations (a bf16 step would
 * otherwise hold a second copy of its largest ones), and each copy is read while it is
 * still in cache. At 2^20 (2 MiB) a chunked bf16 step's peak RSS was 3.5-5 MiB above
 * f32's (one pair of buffers per worker's context); at 2^18 keras_cct's is 4 MiB below
 * and qiita_vit's level with it, with no speed change outside the noise; 2^16 cost ~7%. */
#define VB_ONEDNN_BF16_PIECE_MAX ((int64_t)1 << 18)

/* 1 if vb_onednn_gemm takes this descriptor. */
int vb_onednn_gemm_supported(const vb_gemm_desc *d);

#endif
