/* Element-wise activations over n contiguous values (ops.h: vb_eltwise_desc).
 * Forward may run in place (y == x); GEMM's epilogue relies on that. */
#include <math.h>
#include "ref.h"

/* relu(x) = max(x, 0); a NaN stays NaN (as in PyTorch and oneDNN). */
int vb_ref_relu_fwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x, float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
    for (int64_t i = 0; i < d->n; i++)
        y[i] = (x[i] > 0.0f || isnan(x[i])) ? x[i] : 0.0f;
    return VB_OK;
}

/* dx += dy · [x > 0]   (the kink at 0 gets gradient 0) */
int vb_ref_relu_bwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x,
                    const float *dy, float *dx)
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
int vb_ref_gelu_fwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x, float *y)
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
int vb_ref_gelu_bwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x,
                    const float *dy, float *dx)
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

/* GELU, tanh approximation (tfa.activations.gelu, keras.ops.gelu):
 *   gelu_tanh(x) = 0.5 · x · (1 + tanh(u)),  u = √(2/π) · (x + 0.044715 · x³)
 *                = x / (1 + exp(−2u))         since 0.5 · (1 + tanh(u)) = σ(2u);
 * the second form keeps full precision in the negative tail where 1 + tanh cancels. */
static const double sqrt_2_over_pi = 0.79788456080286535588;

static double gelu_tanh_u(double x) { return sqrt_2_over_pi * (x + 0.044715 * x * x * x); }

int vb_ref_gelu_tanh_fwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x,
                         float *y)
{
    if (!d || !x || !y)
        return VB_EINVAL;
    for (int64_t i = 0; i < d->n; i++) {
        double xi = x[i];
        y[i] = (float)(xi / (1.0 + exp(-2.0 * gelu_tanh_u(xi))));
    }
    return VB_OK;
}

/* dx += dy · gelu_tanh'(x). By the product rule, with tanh' = 1 − tanh² = 1/cosh²:
 *   gelu_tanh'(x) = 0.5 · (1 + tanh(u)) + 0.5 · x · u'(x) / cosh²(u),
 *   u'(x) = √(2/π) · (1 + 3 · 0.044715 · x²),
 * the first term again as σ(2u); 1/cosh² goes to 0 (not 1 − 1) in both tails. */
int vb_ref_gelu_tanh_bwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x,
                         const float *dy, float *dx)
{
    if (!d || !x || !dy)
        return VB_EINVAL;
    if (!dx)
        return VB_OK;
    for (int64_t i = 0; i < d->n; i++) {
        double xi = x[i], u = gelu_tanh_u(xi), c = cosh(u);
        double du = sqrt_2_over_pi * (1.0 + 3.0 * 0.044715 * xi * xi);
        double half_1_plus_tanh = 1.0 / (1.0 + exp(-2.0 * u));
        dx[i] += (float)(dy[i] * (half_1_plus_tanh + 0.5 * xi * du / (c * c)));
    }
    return VB_OK;
}
