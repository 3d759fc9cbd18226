/* Helpers shared by the files of backends/common; not part of the backend ABI.
 * Internal names start with vbc_ (the public kernels are vb_common_*). */
#ifndef VITBENCH_BACKEND_COMMON_INTERNAL_H
#define VITBENCH_BACKEND_COMMON_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "vitbench/rng.h"
#include "common.h"

/* Below this many elements of work an op stays on one thread: waking the team would
 * cost more than it saves. */
#define VBC_PAR_MIN 16384

/* The context's thread count: every parallel region runs num_threads(vbc_threads(ctx)). */
static inline int vbc_threads(vb_backend_ctx *ctx) { return vb_common(ctx)->threads; }

/* ---- scratch arena (scratch.c) ------------------------------------------------------
 * One grow-only, 64-byte aligned buffer per purpose, owned by the context: the first
 * call of a shape allocates, every later call reuses, so the training loop does not
 * malloc. A buffer is only valid until the next vbc_scratch() of the same slot on the same
 * context, so an op must not call another op that uses its slot. Buffers live until the
 * context is released. The OpenMP workers inside an op only read and write the buffer
 * the calling thread obtained before the parallel region. */
typedef enum vbc_scratch_slot {
    VBC_SCRATCH_COL,      /* conv: the im2col / dcol matrix of one chunk of samples */
    VBC_SCRATCH_PARTIAL,  /* per-thread partial sums of column reductions */
    VBC_SCRATCH_DROPPED,  /* attention: P' = dropout(P) of one batch element */
    VBC_SCRATCH_GRAD,     /* attention: dP' then dS of one batch element */
    VBC_SCRATCH_LOGITS,   /* attention: Q Kᵀ, for dscale */
    VBC_SCRATCH_HEADS,    /* attention one head at a time: each thread's workspace */
    VBC_SCRATCH_BF16_0,   /* a product's bf16 operands, for the backend (vb_common_bf16_buffer) */
    VBC_SCRATCH_BF16_1,
    VBC_SCRATCH_COUNT
} vbc_scratch_slot;

/* At least `bytes` bytes, or NULL when out of memory. */
void *vbc_scratch(vb_backend_ctx *ctx, vbc_scratch_slot slot, size_t bytes);

/* An empty arena (NULL when out of memory), and its release with every buffer. */
struct vbc_arena *vbc_arena_create(void);
void vbc_arena_destroy(struct vbc_arena *arena);

/* ---- race-free sums over rows (reduce.c) ----------------------------------------------
 * Backward ops that sum over rows (bias, gamma/beta gradients) give each thread its own
 * zeroed partial row, then add the partials into the output: no atomics, and the result
 * depends only on the thread count, not on timing. The partials are double, so a sum
 * over every pixel of a batch (hundreds of thousands of terms) stays accurate to float. */
typedef struct vbc_partials {
    double *buf;  /* (threads, cols) */
    int threads;  /* run the parallel region with num_threads(threads) */
    int64_t cols;
} vbc_partials;

/* Zeroed partials for `cols` columns, one row per thread of the context; VB_ENOMEM when
 * the scratch cannot grow. */
int vbc_partials_begin(vb_backend_ctx *ctx, vbc_partials *p, int64_t cols);
/* out[j] += Σ_thread partial[thread][first + j] for j < count */
void vbc_partials_end(const vbc_partials *p, int64_t first, int64_t count, float *out);
/* The row of the calling thread, inside the parallel region. */
double *vbc_partials_mine(const vbc_partials *p);

/* out[j] += Σ_r x[r·cols + j] over a (rows, cols) matrix. */
int vbc_colsum_add(vb_backend_ctx *ctx, int64_t rows, int64_t cols, const float *x,
                   float *out);

/* ---- scalar maths, inlined into vectorised loops ----------------------------------- */

/* The library is built for plain x86-64 (SSE2), so its hottest loops also get an
 * x86-64-v4 (AVX-512) clone, chosen at load time on CPUs that have it: 16 floats a vector
 * instead of 4, and the dropout mask's 64-bit hash vectorises at all (it needs AVX-512DQ's
 * 64-bit multiply). Element-wise loops give the same bits either way (no reassociation,
 * no contraction under -std=c11); the softmax rows' sums are added in vector-width order,
 * so their last bits differ between the two clones (the reference tolerances cover it). */
#define VBC_CLONES __attribute__((target_clones("arch=x86-64-v4", "default")))

/* The functions of the AVX-512 files (local.mk: libvbcommon_avx512) that use AVX512-BF16
 * instructions: only they are compiled for it, so an f32 context runs those files on an
 * AVX-512 CPU without it (Skylake, Ice Lake) and no bf16 instruction can slip into f32's
 * code. */
#define VBC_BF16_TARGET __attribute__((target("avx512bf16")))

static inline float vbc_relu(float x) { return (x > 0.0f || isnan(x)) ? x : 0.0f; }

/* exp(x) for x ≤ 88, written without calls or branches so loops over it vectorise
 * (libm's expf does not). x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split in two so r is exact),
 * exp(r) by its Taylor series to r⁷ (truncation < 1e-8), 2^k built in the exponent bits.
 * About 2 ulp; x < −87.3 gives 0 (so exp(−∞) = 0), NaN stays NaN. */
static inline float vbc_expf(float x)
{
    const float lo = -87.3f, hi = 88.0f;
    float xc = x < lo ? lo : (x > hi ? hi : x);
    /* k = round(x / ln2) via the 1.5·2²³ trick: adding it rounds to an integer */
    const float shifter = 12582912.0f;
    float kf = xc * 1.44269504f + shifter;
    uint32_t kbits;
    memcpy(&kbits, &kf, sizeof kbits);
    kf -= shifter;
    float r = xc - kf * 0.693359375f; /* ln2_hi: few bits, so kf·ln2_hi is exact */
    r = r - kf * -2.12194440e-4f;     /* ln2_lo = ln2 − ln2_hi */
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    /* the low bits of kf's pattern hold k + 0x400000; move k + 127 into the exponent */
    uint32_t ebits = (kbits - 0x4B400000u + 127u) << 23;
    float two_k;
    memcpy(&two_k, &ebits, sizeof two_k);
    return x < lo ? 0.0f : p * two_k;
}

/* erfc(z) for z ≥ 0, vectorisable (libm's erff is not): with t = 1/(1 + z/2),
 *   erfc(z) = t · exp(−z² + P(t)),
 * P of degree 11 fitted (Chebyshev, mpmath) to log(erfc(z)/t) + z² over t ∈ (0, 1], i.e.
 * all z ≥ 0; the fit is good to 1.5e-8 in the exponent, float evaluation leaves a few ulp.
 * One smooth formula, no branches: erfc(+∞) = 0 and NaN stays NaN. */
static inline float vbc_erfc_nonneg(float z)
{
    const float t = 1.0f / (1.0f + 0.5f * z);
    float p = -0.1893674557f;
    p = p * t + 1.050233522f;
    p = p * t - 2.346272392f;
    p = p * t + 2.590129191f;
    p = p * t - 1.386666664f;
    p = p * t + 0.4228596556f;
    p = p * t - 0.2640958796f;
    p = p * t - 0.0681377039f;
    p = p * t + 0.08175679195f;
    p = p * t + 0.3750744848f;
    p = p * t + 0.999998553f;
    p = p * t - 1.265512119f;
    return t * vbc_expf(p - z * z);
}

/* The standard normal CDF Φ(x) = ½·erfc(−x/√2), from the small tail side so that
 * Φ of a large negative x keeps its relative accuracy. */
static inline float vbc_normal_cdf(float x)
{
    const float tail = 0.5f * vbc_erfc_nonneg(fabsf(x) * (float)M_SQRT1_2);
    return x >= 0.0f ? 1.0f - tail : tail;
}

/* Exact GELU x·Φ(x) and its derivative Φ(x) + x·φ(x), φ(x) = exp(−x²/2)/√(2π). */
static inline float vbc_gelu(float x) { return x * vbc_normal_cdf(x); }

static inline float vbc_gelu_grad(float x)
{
    const float inv_sqrt_2pi = 0.3989422804f;
    return vbc_normal_cdf(x) + x * inv_sqrt_2pi * vbc_expf(-0.5f * x * x);
}

/* GELU, tanh form: 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³). Since
 * 0.5·(1 + tanh(u)) = σ(2u) = 1/(1 + e) with e = exp(−2u), it is x/(1 + e): no tanh call
 * (so it vectorises) and no cancellation of 1 + tanh in the negative tail. */
static inline float vbc_gelu_tanh_exp(float x)
{
    const float two_k = 1.5957691216f; /* 2·√(2/π) */
    return vbc_expf(-two_k * (x + 0.044715f * x * x * x));
}

static inline float vbc_gelu_tanh(float x) { return x / (1.0f + vbc_gelu_tanh_exp(x)); }

/* Its derivative 0.5·(1 + t) + 0.5·x·(1 − t²)·u' with t = tanh(u), written with s = σ(2u):
 * 1 + t = 2s and 1 − t² = 4·s·(1 − s) = 4·e·s², so  s + (x·s)·(e·s)·2u',
 * 2u' = 2·√(2/π)·(1 + 3·0.044715·x²). Grouped so: e·s ≤ 1, where x·e alone overflows
 * in the negative tail. */
static inline float vbc_gelu_tanh_grad(float x)
{
    const float two_k = 1.5957691216f;
    const float e = vbc_gelu_tanh_exp(x), s = 1.0f / (1.0f + e);
    return s + (x * s) * (e * s) * two_k * (1.0f + 3.0f * 0.044715f * x * x);
}

/* ---- rows ---------------------------------------------------------------------------- */

/* y = softmax(x) over n values (softmax.c); y may be x. */
void vbc_softmax_row(const float *x, float *y, int64_t n);

/* Inverted dropout of one value: x·keep/(1 − rate), keep from vb_keep(seed, i, rate). */
static inline float vbc_dropout(uint64_t seed, uint64_t i, float rate, float x)
{
    return vb_keep(seed, i, rate) ? x / (1.0f - rate) : 0.0f;
}

/* y[j] = vbc_dropout(seed, first + j, rate, x[j]) for j < n; y may be x. */
void vbc_dropout_row(uint64_t seed, float rate, uint64_t first, int64_t n, const float *x,
                     float *y);

/* ---- attention (attention.c, attention_heads.c) ------------------------------------ */

/* Query i of head h of sample b: the offset of its row in probs (B, H, T, T), and the
 * dropout index of its first entry (counted from the start of the global batch). */
int64_t vbc_attention_probs_row(const vb_attention_desc *d, int64_t b, int64_t h, int64_t i);
uint64_t vbc_attention_keep_index(const vb_attention_desc *d, int64_t b, int64_t h, int64_t i);

/* Heads at most this wide and this long go one at a time (attention_heads.c) on CPUs
 * with AVX-512: there the batched GEMMs' packing costs more than their maths. Measured
 * (vbcheck perf, 1 thread, omp): 16 and 32 wide (65 tokens) faster one head at a time, in
 * f32 and bf16; 64 wide (vit_lsa_b128, 144 tokens) no faster in bf16 (forward 23.9 vs
 * 22.6 ms, backward 47.1 vs 50.6, where onednn's GEMMs take 41.8); 128 wide (cct_mha_b32)
 * slower (backward 2.88 vs 2.82, onednn 2.24). */
#define VBC_BY_HEAD_DIM_MAX 32
#define VBC_BY_HEAD_TOKENS_MAX 256

int vbc_attention_by_head_fwd(vb_backend_ctx *ctx, const vb_attention_desc *d,
                              const float *q, const float *k, const float *v, float scale,
                              float *o, float *probs);
int vbc_attention_by_head_bwd(vb_backend_ctx *ctx, const vb_attention_desc *d,
                              const float *q, const float *k, const float *v, float scale,
                              const float *probs, const float *dout, float *dq, float *dk,
                              float *dv, float *dscale);

#endif
