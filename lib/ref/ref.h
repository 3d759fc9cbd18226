/* The reference implementation of every op: plain, readable, single-threaded C that
 * spells out the maths of ops.h. It is the ground truth every backend is checked
 * against and the fallback for any slot a backend leaves NULL. Speed is not a goal. */
#ifndef VITBENCH_REF_H
#define VITBENCH_REF_H

#include "vitbench/backend.h"

/* The complete reference table (name "reference"); every slot is set. */
const vb_backend *vb_reference_backend(void);

int vb_ref_gemm(const vb_gemm_desc *d, const float *a, const float *b, const float *bias,
                float *c);
int vb_ref_conv2d_fwd(const vb_conv2d_desc *d, const float *x, const float *w,
                      const float *bias, float *y);
int vb_ref_conv2d_bwd_data(const vb_conv2d_desc *d, const float *dy, const float *w,
                           float *dx);
int vb_ref_conv2d_bwd_weights(const vb_conv2d_desc *d, const float *x, const float *dy,
                              float *dw, float *dbias);
int vb_ref_maxpool_fwd(const vb_pool_desc *d, const float *x, float *y);
int vb_ref_maxpool_bwd(const vb_pool_desc *d, const float *x, const float *y,
                       const float *dy, float *dx);
int vb_ref_pad_fwd(const vb_pad_desc *d, const float *x, float *y);
int vb_ref_pad_bwd(const vb_pad_desc *d, const float *dy, float *dx);
int vb_ref_relu_fwd(const vb_eltwise_desc *d, const float *x, float *y);
int vb_ref_relu_bwd(const vb_eltwise_desc *d, const float *x, const float *dy, float *dx);
int vb_ref_gelu_fwd(const vb_eltwise_desc *d, const float *x, float *y);
int vb_ref_gelu_bwd(const vb_eltwise_desc *d, const float *x, const float *dy, float *dx);
int vb_ref_gelu_tanh_fwd(const vb_eltwise_desc *d, const float *x, float *y);
int vb_ref_gelu_tanh_bwd(const vb_eltwise_desc *d, const float *x, const float *dy,
                         float *dx);
int vb_ref_add_fwd(const vb_add_desc *d, const float *a, const float *b, float *y);
int vb_ref_add_bwd(const vb_add_desc *d, const float *dy, float *da, float *db);
int vb_ref_layernorm_fwd(const vb_layernorm_desc *d, const float *x, const float *gamma,
                         const float *beta, float *y, float *mean, float *rstd);
int vb_ref_layernorm_bwd(const vb_layernorm_desc *d, const float *x, const float *gamma,
                         const float *mean, const float *rstd, const float *dy, float *dx,
                         float *dgamma, float *dbeta);
int vb_ref_softmax_fwd(const vb_softmax_desc *d, const float *x, float *y);
int vb_ref_softmax_bwd(const vb_softmax_desc *d, const float *y, const float *dy, float *dx);
int vb_ref_attention_fwd(const vb_attention_desc *d, const float *q, const float *k,
                         const float *v, float scale, uint64_t seed, float *o, float *probs);
int vb_ref_attention_bwd(const vb_attention_desc *d, const float *q, const float *k,
                         const float *v, float scale, uint64_t seed, const float *probs,
                         const float *dout, float *dq, float *dk, float *dv, float *dscale);
int vb_ref_dropout_fwd(const vb_dropout_desc *d, uint64_t seed, const float *x, float *y);
int vb_ref_dropout_bwd(const vb_dropout_desc *d, uint64_t seed, const float *dy, float *dx);
int vb_ref_drop_path_fwd(const vb_drop_path_desc *d, uint64_t seed, const float *x,
                         float *y);
int vb_ref_drop_path_bwd(const vb_drop_path_desc *d, uint64_t seed, const float *dy,
                         float *dx);
int vb_ref_seqpool_fwd(const vb_seqpool_desc *d, const float *x, const float *g,
                       const float *g_bias, float *y, float *attn);
int vb_ref_seqpool_bwd(const vb_seqpool_desc *d, const float *x, const float *g,
                       const float *attn, const float *dy, float *dx, float *dg,
                       float *dg_bias);
int vb_ref_xent_fwd(const vb_xent_desc *d, const float *logits, const int32_t *labels,
                    float *loss, float *probs);
int vb_ref_xent_bwd(const vb_xent_desc *d, const float *probs, const int32_t *labels,
                    float grad_scale, float *dlogits);
int vb_ref_adam_step(const vb_adam_desc *d, float *param, const float *grad, float *m,
                     float *v);

#endif
