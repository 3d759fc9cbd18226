/* Parameter initialisers (init.h). Normal draws use Box–Muller on the counter RNG, so a
 * value depends only on (seed, index), never on the order of calls. */
#include "init.h"

#include <math.h>
#include <stddef.h>
#include "vitbench/rng.h"

const char *const vb_init_names[] = {"zeros", "ones", "glorot_uniform", "he_normal",
                                     "kaiming_normal", "trunc_normal", "uniform", "constant",
                                     NULL};

/* Standard normal number i of stream seed (one Box–Muller pair per i, cosine half). */
static double normal(uint64_t seed, uint64_t i)
{
    double u1 = ((double)(vb_hash64(seed, 2 * i) >> 11) + 0.5) * 0x1p-53;
    double u2 = (double)(vb_hash64(seed, 2 * i + 1) >> 11) * 0x1p-53;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* σ·z for a standard normal z redrawn until |σ·z| <= bound; attempt k of value i uses
 * sub-stream k so values stay independent of each other. */
static double truncated_normal(uint64_t seed, uint64_t i, double sigma, double bound)
{
    for (uint64_t attempt = 0;; attempt++) {
        double v = sigma * normal(vb_hash64(seed, attempt), i);
        if (fabs(v) <= bound) return v;
    }
}

static double uniform(uint64_t seed, uint64_t i, double limit)
{
    double u = (double)(vb_hash64(seed, i) >> 11) * 0x1p-53;
    return (2.0 * u - 1.0) * limit;
}

void vb_init_fill(float *p, int64_t n, vb_init kind, int64_t fan_in, int64_t fan_out,
                  double scale, uint64_t seed)
{
    /* Keras divides he_normal's σ by the std of a unit normal truncated at ±2 so that the
     * truncated values keep the intended variance. */
    const double truncated_std = 0.87962566103423978;
    for (int64_t i = 0; i < n; i++) {
        uint64_t k = (uint64_t)i;
        double v;
        switch (kind) {
        case VB_INIT_ONES: v = 1.0; break;
        case VB_INIT_GLOROT_UNIFORM:
            v = uniform(seed, k, sqrt(6.0 / (double)(fan_in + fan_out)));
            break;
        case VB_INIT_HE_NORMAL:
        {
            double sigma = sqrt(2.0 / (double)fan_in) / truncated_std;
            v = truncated_normal(seed, k, sigma, 2.0 * sigma); /* cut at ±2σ */
        }
            break;
        case VB_INIT_KAIMING_NORMAL: v = normal(seed, k) * sqrt(2.0 / (double)fan_in); break;
        case VB_INIT_TRUNC_NORMAL: /* timm cuts at the absolute values ±2, not ±2σ */
            v = truncated_normal(seed, k, scale, 2.0);
            break;
        case VB_INIT_UNIFORM: v = uniform(seed, k, scale); break;
        case VB_INIT_CONSTANT: v = scale; break;
        default: v = 0.0; break;
        }
        p[i] = (float)v;
    }
}

int vb_init_scale_read(vb_cfg_section *s, vb_init kind, double dflt, double *out, char *err,
                       size_t err_len)
{
    if (vb_cfg_float_or(s, "init_scale", dflt, out, err, err_len)) return -1;
    if (!(*out > 0))
        return vb_cfg_key_error(s, "init_scale", err, err_len, "must be > 0, got %g", *out);
    if (kind == VB_INIT_TRUNC_NORMAL && *out > 2.0)
        return vb_cfg_key_error(s, "init_scale", err, err_len,
                                "trunc_normal cuts at the values ±2, so its std must be at "
                                "most 2, got %g",
                                *out);
    return 0;
}
