/* A backend table pre-filled with the shared kernels.
 *
 * Every fast backend starts from the same table — memory-bound ops from this folder,
 * convolution and attention as this folder's data movement around the backend's own
 * GEMM — and then overrides the slots its library does natively. Keeping that table here
 * means adding an op touches one file, not three.
 *
 * The GEMM is remembered in a static: libvbcommon is linked statically into each
 * backend's shared object (and hidden by its export list), so each backend has its own. */
#include "common.h"

static vb_gemm_fn registered_gemm;

static int conv2d_fwd(const vb_conv2d_desc *d, const float *x, const float *w,
                      const float *bias, float *y)
{
    return vb_common_conv2d_fwd_with(registered_gemm, d, x, w, bias, y);
}

static int conv2d_bwd_data(const vb_conv2d_desc *d, const float *dy, const float *w,
                           float *dx)
{
    return vb_common_conv2d_bwd_data_with(registered_gemm, d, dy, w, dx);
}

static int conv2d_bwd_weights(const vb_conv2d_desc *d, const float *x, const float *dy,
                              float *dw, float *dbias)
{
    return vb_common_conv2d_bwd_weights_with(registered_gemm, d, x, dy, dw, dbias);
}

static int attention_fwd(const vb_attention_desc *d, const float *q, const float *k,
                         const float *v, float scale, uint64_t seed, float *o, float *probs)
{
    return vb_common_attention_fwd_with(registered_gemm, d, q, k, v, scale, seed, o, probs);
}

static int attention_bwd(const vb_attention_desc *d, const float *q, const float *k,
                         const float *v, float scale, uint64_t seed, const float *probs,
                         const float *dout, float *dq, float *dk, float *dv, float *dscale)
{
    return vb_common_attention_bwd_with(registered_gemm, d, q, k, v, scale, seed, probs,
                                        dout, dq, dk, dv, dscale);
}

void vb_common_fill_slots(vb_backend *t, vb_gemm_fn gemm)
{
    registered_gemm = gemm;
    t->gemm = gemm;
    t->conv2d_fwd = conv2d_fwd;
    t->conv2d_bwd_data = conv2d_bwd_data;
    t->conv2d_bwd_weights = conv2d_bwd_weights;
    t->attention_fwd = attention_fwd;
    t->attention_bwd = attention_bwd;
    t->maxpool_fwd = vb_common_maxpool_fwd;
    t->maxpool_bwd = vb_common_maxpool_bwd;
    t->pad_fwd = vb_common_pad_fwd;
    t->pad_bwd = vb_common_pad_bwd;
    t->relu_fwd = vb_common_relu_fwd;
    t->relu_bwd = vb_common_relu_bwd;
    t->gelu_fwd = vb_common_gelu_fwd;
    t->gelu_bwd = vb_common_gelu_bwd;
    t->gelu_tanh_fwd = vb_common_gelu_tanh_fwd;
    t->gelu_tanh_bwd = vb_common_gelu_tanh_bwd;
    t->add_fwd = vb_common_add_fwd;
    t->add_bwd = vb_common_add_bwd;
    t->layernorm_fwd = vb_common_layernorm_fwd;
    t->layernorm_bwd = vb_common_layernorm_bwd;
    t->softmax_fwd = vb_common_softmax_fwd;
    t->softmax_bwd = vb_common_softmax_bwd;
    t->dropout_fwd = vb_common_dropout_fwd;
    t->dropout_bwd = vb_common_dropout_bwd;
    t->drop_path_fwd = vb_common_drop_path_fwd;
    t->drop_path_bwd = vb_common_drop_path_bwd;
    t->seqpool_fwd = vb_common_seqpool_fwd;
    t->seqpool_bwd = vb_common_seqpool_bwd;
    t->xent_fwd = vb_common_xent_fwd;
    t->xent_bwd = vb_common_xent_bwd;
    t->adam_step = vb_common_adam_step;
}
