/* Counter-based random numbers shared by the reference and every backend.
 *
 * vb_uniform(seed, i) is a pure function of (seed, i): any backend, any thread count,
 * any iteration order draws the same dropout mask, and backward regenerates the mask
 * instead of storing it. The mixer is SplitMix64's finalizer applied to the i-th step of
 * a Weyl sequence started at seed. */
#ifndef VITBENCH_RNG_H
#define VITBENCH_RNG_H

#include <stdint.h>

static inline uint64_t vb_hash64(uint64_t seed, uint64_t i)
{
    uint64_t z = seed + (i + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform float in [0, 1) with 24 random bits. */
static inline float vb_uniform(uint64_t seed, uint64_t i)
{
    return (float)(vb_hash64(seed, i) >> 40) * (1.0f / 16777216.0f);
}

/* Dropout keep decision for element i at drop rate `rate`. */
static inline int vb_keep(uint64_t seed, uint64_t i, float rate)
{
    return rate <= 0.0f || vb_uniform(seed, i) >= rate;
}

#endif
