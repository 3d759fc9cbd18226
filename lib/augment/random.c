/* Random draws for augmentation, all from counter-based streams (rng.h's vb_hash64).
 *
 * Distributions beyond the uniform: Box–Muller normals, Marsaglia–Tsang gammas (with the
 * U^(1/α) boost for α < 1), Beta(a, b) = X / (X + Y) with X ~ Γ(a), Y ~ Γ(b). */
#include <math.h>
#include "internal.h"
#include "vitbench/rng.h"

uint64_t vb_epoch_seed(uint64_t seed, int64_t epoch)
{
    return vb_hash64(seed, (uint64_t)epoch);
}

uint64_t vb_sample_seed(uint64_t seed, int64_t epoch, int64_t image)
{
    return vb_hash64(vb_epoch_seed(seed, epoch), (uint64_t)image);
}

uint64_t vb_domain_seed(uint64_t seed, int64_t epoch, uint64_t domain, int64_t key)
{
    return vb_hash64(vb_hash64(vb_epoch_seed(seed, epoch), domain), (uint64_t)key);
}

vb_stream vb_stream_of(uint64_t seed, uint64_t tag)
{
    return (vb_stream){vb_hash64(seed, tag), 0};
}

double vb_draw_uniform(vb_stream *r)
{
    return (double)(vb_hash64(r->seed, r->i++) >> 11) * 0x1.0p-53;
}

double vb_draw_range(vb_stream *r, double lo, double hi)
{
    return lo + (hi - lo) * vb_draw_uniform(r);
}

int64_t vb_draw_int(vb_stream *r, int64_t lo, int64_t hi)
{
    int64_t k = lo + (int64_t)(vb_draw_uniform(r) * (double)(hi - lo + 1));
    return k > hi ? hi : k; /* guards the rounding of u·span up to span */
}

int vb_draw_coin(vb_stream *r, double p)
{
    return vb_draw_uniform(r) < p;
}

double vb_draw_normal(vb_stream *r)
{
    double u1 = 1.0 - vb_draw_uniform(r); /* (0, 1]: log is finite */
    double u2 = vb_draw_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double vb_draw_gamma(vb_stream *r, double alpha)
{
    if (alpha < 1.0) { /* Γ(α) = Γ(α + 1) · U^(1/α) */
        double u = 1.0 - vb_draw_uniform(r);
        return vb_draw_gamma(r, alpha + 1.0) * pow(u, 1.0 / alpha);
    }
    const double d = alpha - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = vb_draw_normal(r);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = vb_draw_uniform(r);
        if (u < 1.0 - 0.0331 * x * x * x * x ||
            log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
            return d * v;
    }
}

double vb_draw_beta(vb_stream *r, double a, double b)
{
    double x = vb_draw_gamma(r, a), y = vb_draw_gamma(r, b);
    /* both can underflow to 0 for tiny α; the limit is a fair coin between 0 and 1 */
    return x + y > 0.0 ? x / (x + y) : (double)vb_draw_coin(r, 0.5);
}

void vb_draw_shuffle(vb_stream *r, int64_t *v, int64_t n)
{
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = vb_draw_int(r, 0, i);
        int64_t t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}
