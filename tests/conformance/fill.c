/* Seeded input filling, a pure function of (seed, element index) like the dropout masks.
 *
 * GEMM and convolution inputs are small integers (benchdnn's trick): every product and
 * every partial sum is an integer below 2^24, so f32 computes it exactly in any order,
 * blocking or FMA use, and those ops are compared with threshold 0. */
#include <math.h>
#include <stdint.h>
#include "conformance.h"
#include "vitbench/rng.h"

float cf_int_magnitude(int64_t reduce)
{
    /* |sum| ≤ reduce·m² for the products, plus bias, beta·C and the backward pre-fill
     * (each ≤ m or 3): keep it below 2^24 = 16777216, where f32 integers are exact. */
    for (int m = 4; m > 1; m--)
        if ((double)reduce * m * m + 8.0 * m < 16777216.0)
            return (float)m;
    return 1.0f;
}

/* Element i of a permutation of 0..n-1: a multiplier coprime to n (a prime above any n
 * here) steps through every residue once. */
static int64_t permuted(int64_t i, int64_t n, uint64_t seed)
{
    const uint64_t prime = 16777259ull; /* the first prime above 2^24 */
    return (int64_t)(((uint64_t)i * prime + seed % (uint64_t)n) % (uint64_t)n);
}

void cf_fill_tensor(const cf_tensor *t, void *data, uint64_t seed)
{
    float *f = data;
    int32_t *labels = data;
    const float v = t->value;
    for (int64_t i = 0; i < t->numel; i++) {
        float u = vb_uniform(seed, (uint64_t)i); /* [0, 1) */
        switch (t->fill) {
        case CF_FILL_REAL: f[i] = (2.0f * u - 1.0f) * v; break;
        case CF_FILL_INT: f[i] = floorf(u * (2.0f * v + 1.0f)) - v; break;
        case CF_FILL_AWAY: {
            float mag = (0.1f + 0.9f * vb_uniform(seed ^ 0xA5A5u, (uint64_t)i)) * v;
            f[i] = u < 0.5f ? -mag : mag;
            break;
        }
        /* Spaced 2/numel apart: ties in a pooling window are impossible, and a
         * perturbation below 1/numel never changes which element wins. */
        case CF_FILL_DISTINCT:
            f[i] = v * (2.0f * (float)permuted(i, t->numel, seed) / (float)t->numel - 1.0f);
            break;
        case CF_FILL_LABELS: labels[i] = (int32_t)(u * v); break;
        case CF_FILL_CONST: f[i] = v; break;
        case CF_FILL_POS: f[i] = 0.05f + u * v; break;
        }
    }
}

void cf_fill_prefill(float *data, int64_t n, uint64_t seed)
{
    /* ±1..±3: nonzero, so an op that overwrites instead of adding shows, and small
     * integers, so exact ops stay exact. */
    for (int64_t i = 0; i < n; i++) {
        uint64_t h = vb_hash64(seed, (uint64_t)i);
        float mag = (float)(1 + h % 3);
        data[i] = (h >> 8) & 1 ? mag : -mag;
    }
}
