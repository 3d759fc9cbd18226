/* The ops the onednn backend computes with oneDNN primitives (the rest of its table comes
 * from backends/common). Signatures and semantics: the slots of backend.h, ops.h. */
#ifndef VITBENCH_ONEDNN_H
#define VITBENCH_ONEDNN_H

#include "vitbench/backend.h"

int vb_onednn_gemm(const vb_gemm_desc *d, const float *a, const float *b, const float *bias,
                   float *c);
int vb_onednn_gemm_supported(const vb_gemm_desc *d);

int vb_onednn_conv2d_fwd(const vb_conv2d_desc *d, const float *x, const float *w,
                         const float *bias, float *y);
int vb_onednn_conv2d_bwd_data(const vb_conv2d_desc *d, const float *dy, const float *w,
                              float *dx);
int vb_onednn_conv2d_bwd_weights(const vb_conv2d_desc *d, const float *x, const float *dy,
                                 float *dw, float *dbias);

int vb_onednn_maxpool_fwd(const vb_pool_desc *d, const float *x, float *y);
int vb_onednn_maxpool_bwd(const vb_pool_desc *d, const float *x, const float *y,
                          const float *dy, float *dx);

int vb_onednn_relu_fwd(const vb_eltwise_desc *d, const float *x, float *y);
int vb_onednn_relu_bwd(const vb_eltwise_desc *d, const float *x, const float *dy, float *dx);
int vb_onednn_gelu_fwd(const vb_eltwise_desc *d, const float *x, float *y);
int vb_onednn_gelu_bwd(const vb_eltwise_desc *d, const float *x, const float *dy, float *dx);
int vb_onednn_gelu_tanh_fwd(const vb_eltwise_desc *d, const float *x, float *y);
int vb_onednn_gelu_tanh_bwd(const vb_eltwise_desc *d, const float *x, const float *dy,
                            float *dx);

int vb_onednn_add_fwd(const vb_add_desc *d, const float *a, const float *b, float *y);

int vb_onednn_layernorm_fwd(const vb_layernorm_desc *d, const float *x, const float *gamma,
                            const float *beta, float *y, float *mean, float *rstd);
int vb_onednn_layernorm_bwd(const vb_layernorm_desc *d, const float *x, const float *gamma,
                            const float *mean, const float *rstd, const float *dy,
                            float *dx, float *dgamma, float *dbeta);

int vb_onednn_softmax_fwd(const vb_softmax_desc *d, const float *x, float *y);
int vb_onednn_softmax_bwd(const vb_softmax_desc *d, const float *y, const float *dy,
                          float *dx);

#endif
