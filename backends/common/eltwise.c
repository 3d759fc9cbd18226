/* ReLU, exact GELU and tanh GELU over n contiguous values. Forward may run in place
 * (y == x). Each activation is a pair of per-element functions from internal.h — its
 * value f(x) and its backward term dy·f'(x) — and one macro writes the two loops for it. */
#include "internal.h"

/* ReLU's backward term keeps 0 where x ≤ 0 even if dy is NaN, as the reference does. */
static inline float relu_backward_term(float x, float dy) { return x > 0.0f ? dy : 0.0f; }
static inline float gelu_backward_term(float x, float dy) { return dy * vbc_gelu_grad(x); }
static inline float gelu_tanh_backward_term(float x, float dy)
{
    return dy * vbc_gelu_tanh_grad(x);
}

/* y = f(x);  dx += dy·f'(x) (skipped when dx is NULL) */
#define VBC_ELTWISE_PAIR(name, forward_value, backward_term)                                \
    VBC_CLONES                                                                              \
    int vb_common_##name##_fwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x, \
                               float *y)                                                    \
    {                                                                                       \
        if (!d || !x || !y) return VB_EINVAL;                                               \
        _Pragma("omp parallel for simd num_threads(vbc_threads(ctx)) \
                 if (d->n >= VBC_PAR_MIN)")                                                 \
        for (int64_t i = 0; i < d->n; i++) y[i] = forward_value(x[i]);                      \
        return VB_OK;                                                                       \
    }                                                                                       \
    VBC_CLONES                                                                              \
    int vb_common_##name##_bwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x, \
                               const float *dy, float *dx)                                  \
    {                                                                                       \
        if (!d || !x || !dy) return VB_EINVAL;                                              \
        if (!dx) return VB_OK;                                                              \
        _Pragma("omp parallel for simd num_threads(vbc_threads(ctx)) \
                 if (d->n >= VBC_PAR_MIN)")                                                 \
        for (int64_t i = 0; i < d->n; i++) dx[i] += backward_term(x[i], dy[i]);             \
        return VB_OK;                                                                       \
    }

VBC_ELTWISE_PAIR(relu, vbc_relu, relu_backward_term)
VBC_ELTWISE_PAIR(gelu, vbc_gelu, gelu_backward_term)
VBC_ELTWISE_PAIR(gelu_tanh, vbc_gelu_tanh, gelu_tanh_backward_term)
