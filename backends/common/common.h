/* Shared OpenMP kernels for the fast backends (openblas, onednn, omp).
 *
 * The memory-bound ops — element-wise, normalisation, pooling, dropout, losses, the
 * optimizer — are the same code whichever library does the matrix products, so they live
 * here once, parallel over both cores and written so the compiler vectorises the inner
 * loops. Each vb_common_<op> has exactly the signature of the ABI slot <op> (backend.h)
 * and the semantics of ops.h.
 *
 * The two compound ops — convolution through im2col/col2im, and attention — are built
 * on a GEMM supplied by the calling backend (its own slot), so each backend gets them
 * with its own matrix engine and no second copy of the data movement. Their scratch
 * buffers are cached per thread-safe static arena and grown, never per call. */
#ifndef VITBENCH_BACKEND_COMMON_H
#define VITBENCH_BACKEND_COMMON_H

#include "vitbench/backend.h"

/* Sets every slot of `t`: `gemm` itself, convolution and attention built on `gemm`, and
 * the shared kernel for every other op. A backend calls it once from its entry point and
 * then overrides the slots its own library computes natively. */
void vb_common_fill_slots(vb_backend *t, vb_gemm_fn gemm);

int vb_common_maxpool_fwd(const vb_pool_desc *d, const float *x, float *y);
int vb_common_maxpool_bwd(const vb_pool_desc *d, const float *x, const float *y,
                          const float *dy, float *dx);
int vb_common_pad_fwd(const vb_pad_desc *d, const float *x, float *y);
int vb_common_pad_bwd(const vb_pad_desc *d, const float *dy, float *dx);
int vb_common_relu_fwd(const vb_eltwise_desc *d, const float *x, float *y);
int vb_common_relu_bwd(const vb_eltwise_desc *d, const float *x, const float *dy, float *dx);
int vb_common_gelu_fwd(const vb_eltwise_desc *d, const float *x, float *y);
int vb_common_gelu_bwd(const vb_eltwise_desc *d, const float *x, const float *dy, float *dx);
int vb_common_gelu_tanh_fwd(const vb_eltwise_desc *d, const float *x, float *y);
int vb_common_gelu_tanh_bwd(const vb_eltwise_desc *d, const float *x, const float *dy,
                            float *dx);
int vb_common_add_fwd(const vb_add_desc *d, const float *a, const float *b, float *y);
int vb_common_add_bwd(const vb_add_desc *d, const float *dy, float *da, float *db);
int vb_common_layernorm_fwd(const vb_layernorm_desc *d, const float *x, const float *gamma,
                            const float *beta, float *y, float *mean, float *rstd);
int vb_common_layernorm_bwd(const vb_layernorm_desc *d, const float *x, const float *gamma,
                            const float *mean, const float *rstd, const float *dy,
                            float *dx, float *dgamma, float *dbeta);
int vb_common_softmax_fwd(const vb_softmax_desc *d, const float *x, float *y);
int vb_common_softmax_bwd(const vb_softmax_desc *d, const float *y, const float *dy,
                          float *dx);
int vb_common_dropout_fwd(const vb_dropout_desc *d, uint64_t seed, const float *x, float *y);
int vb_common_dropout_bwd(const vb_dropout_desc *d, uint64_t seed, const float *dy,
                          float *dx);
int vb_common_drop_path_fwd(const vb_drop_path_desc *d, uint64_t seed, const float *x,
                            float *y);
int vb_common_drop_path_bwd(const vb_drop_path_desc *d, uint64_t seed, const float *dy,
                            float *dx);
int vb_common_seqpool_fwd(const vb_seqpool_desc *d, const float *x, const float *g,
                          const float *g_bias, float *y, float *attn);
int vb_common_seqpool_bwd(const vb_seqpool_desc *d, const float *x, const float *g,
                          const float *attn, const float *dy, float *dx, float *dg,
                          float *dg_bias);
int vb_common_xent_fwd(const vb_xent_desc *d, const float *logits, const int32_t *labels,
                       float *loss, float *probs);
int vb_common_xent_bwd(const vb_xent_desc *d, const float *probs, const int32_t *labels,
                       float grad_scale, float *dlogits);
int vb_common_adam_step(const vb_adam_desc *d, float *param, const float *grad, float *m,
                        float *v);

/* Applies GEMM's epilogue (bias on every row, then activation) to C in place:
 * used by backends whose matrix engine has no fused epilogue. */
void vb_common_gemm_epilogue(const vb_gemm_desc *d, const float *bias, float *c);

/* Convolution as im2col + gemm / gemm + col2im, with `gemm` the caller's engine. */
int vb_common_conv2d_fwd_with(vb_gemm_fn gemm, const vb_conv2d_desc *d, const float *x,
                              const float *w, const float *bias, float *y);
int vb_common_conv2d_bwd_data_with(vb_gemm_fn gemm, const vb_conv2d_desc *d,
                                   const float *dy, const float *w, float *dx);
int vb_common_conv2d_bwd_weights_with(vb_gemm_fn gemm, const vb_conv2d_desc *d,
                                      const float *x, const float *dy, float *dw,
                                      float *dbias);

/* Attention as batched gemms (QKᵀ, PV and their transposes in backward) around a fused
 * scale + diagonal-mask + softmax + dropout pass, with `gemm` the caller's engine. */
int vb_common_attention_fwd_with(vb_gemm_fn gemm, const vb_attention_desc *d,
                                 const float *q, const float *k, const float *v, float scale,
                                 uint64_t seed, float *o, float *probs);
int vb_common_attention_bwd_with(vb_gemm_fn gemm, const vb_attention_desc *d,
                                 const float *q, const float *k, const float *v, float scale,
                                 uint64_t seed, const float *probs, const float *dout,
                                 float *dq, float *dk, float *dv, float *dscale);

#endif
