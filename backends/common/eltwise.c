/* ReLU, exact GELU and tanh GELU over n contiguous values. Forward may run in place
 * (y == x). */
#include "internal.h"

VBC_CLONES
int vb_common_relu_fwd(const vb_eltwise_desc *d, const float *x, float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
#pragma omp parallel for simd if (d->n >= VBC_PAR_MIN)
    for (int64_t i = 0; i < d->n; i++)
        y[i] = vbc_relu(x[i]);
    return VB_OK;
}

/* dx += dy · [x > 0] */
VBC_CLONES
int vb_common_relu_bwd(const vb_eltwise_desc *d, const float *x, const float *dy, float *dx)
{
    if (!d || !x || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
#pragma omp parallel for simd if (d->n >= VBC_PAR_MIN)
    for (int64_t i = 0; i < d->n; i++)
        dx[i] += x[i] > 0.0f ? dy[i] : 0.0f;
    return VB_OK;
}

VBC_CLONES
int vb_common_gelu_fwd(const vb_eltwise_desc *d, const float *x, float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
#pragma omp parallel for simd if (d->n >= VBC_PAR_MIN)
    for (int64_t i = 0; i < d->n; i++)
        y[i] = vbc_gelu(x[i]);
    return VB_OK;
}

/* dx += dy · gelu'(x) */
VBC_CLONES
int vb_common_gelu_bwd(const vb_eltwise_desc *d, const float *x, const float *dy, float *dx)
{
    if (!d || !x || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
#pragma omp parallel for simd if (d->n >= VBC_PAR_MIN)
    for (int64_t i = 0; i < d->n; i++)
        dx[i] += dy[i] * vbc_gelu_grad(x[i]);
    return VB_OK;
}

VBC_CLONES
int vb_common_gelu_tanh_fwd(const vb_eltwise_desc *d, const float *x, float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
#pragma omp parallel for simd if (d->n >= VBC_PAR_MIN)
    for (int64_t i = 0; i < d->n; i++)
        y[i] = vbc_gelu_tanh(x[i]);
    return VB_OK;
}

/* dx += dy · gelu_tanh'(x) */
VBC_CLONES
int vb_common_gelu_tanh_bwd(const vb_eltwise_desc *d, const float *x, const float *dy,
                            float *dx)
{
    if (!d || !x || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
#pragma omp parallel for simd if (d->n >= VBC_PAR_MIN)
    for (int64_t i = 0; i < d->n; i++)
        dx[i] += dy[i] * vbc_gelu_tanh_grad(x[i]);
    return VB_OK;
}
