/* Element-wise activations over n contiguous values (ops.h: vb_eltwise_desc).
 * Forward may run in place (y == x); GEMM's epilogue relies on that. */
#include <math.h>
#include "ref.h"

/* relu(x) = max(x, 0); a NaN stays NaN (as in PyTorch and oneDNN). */
int vb_ref_relu_fwd(const vb_eltwise_desc *d, const float *x, float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
    for (int64_t i = 0; i < d->n; i++)
        y[i] = (x[i] > 0.0f || isnan(x[i])) ? x[i] : 0.0f;
    return VB_OK;
}

/* dx += dy · [x > 0]   (the kink at 0 gets gradient 0) */
int vb_ref_relu_bwd(const vb_eltwise_desc *d, const float *x, const float *dy, float *dx)
{
    if (!d || !x || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
    for (int64_t i = 0; i < d->n; i++)
        if (x[i] > 0.0f)
            dx[i] += dy[i];
    return VB_OK;
}

/* Exact GELU: gelu(x) = x · Φ(x) = 0.5 · x · (1 + erf(x/√2)) = 0.5 · x · erfc(−x/√2);
 * the erfc form keeps full precision in the negative tail where 1 + erf cancels. */
int vb_ref_gelu_fwd(const vb_eltwise_desc *d, const float *x, float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
    for (int64_t i = 0; i < d->n; i++) {
        double xi = x[i];
        y[i] = (float)(0.5 * xi * erfc(-xi * M_SQRT1_2));
    }
    return VB_OK;
}

/* dx += dy · gelu'(x),  gelu'(x) = Φ(x) + x · φ(x)
 *   Φ(x) = 0.5 · (1 + erf(x/√2)),  φ(x) = exp(−x²/2) / √(2π) */
int vb_ref_gelu_bwd(const vb_eltwise_desc *d, const float *x, const float *dy, float *dx)
{
    if (!d || !x || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
    const double inv_sqrt_2pi = 0.39894228040143267794; /* 1/√(2π) */
    for (int64_t i = 0; i < d->n; i++) {
        double xi = x[i];
        double cdf = 0.5 * erfc(-xi * M_SQRT1_2);
        double pdf = inv_sqrt_2pi * exp(-0.5 * xi * xi);
        dx[i] += (float)(dy[i] * (cdf + xi * pdf));
    }
    return VB_OK;
}
