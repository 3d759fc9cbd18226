/* vitbench op descriptors: the shapes and settings of every compute op.
 *
 * A descriptor says *what* an op computes (shapes, strides, fixed settings); the data
 * pointers come separately at call time. Descriptors are what a backend's supports()
 * looks at to accept or decline a case, and what a primitive cache is keyed by.
 *
 * Conventions shared by every op:
 *   - f32 data, sizes and strides counted in elements (int64_t);
 *   - images NHWC, tokens (B, T, C), everything row-major and contiguous unless a
 *     stride field says otherwise;
 *   - forward ops overwrite their outputs; backward ops ADD into every gradient they
 *     write (dx += ..., dw += ...), so one zeroing per step suffices and a tensor used
 *     twice (residuals) collects both contributions. A NULL gradient pointer means
 *     "not wanted" and is skipped;
 *   - element-wise forward ops (relu, gelu, gelu_tanh, add, dropout, drop_path) may run
 *     in place (y == x, or y == a for add); no other op may alias an output with an input;
 *   - randomness (dropout masks) comes from vb_uniform(seed, index) in rng.h, with the
 *     seed in the descriptor, so every backend draws the same mask and backward
 *     regenerates it instead of storing it (it gets the forward's descriptor). The
 *     index counts from the start of the whole global batch: a process that holds a
 *     slice of it (data-parallel training, dist.h) passes the slice's first sample, so
 *     the N slices draw exactly the masks of one process holding the whole batch. */
#ifndef VITBENCH_OPS_H
#define VITBENCH_OPS_H

#include <stdint.h>

/* Activation applied by GEMM's epilogue, after the bias: the same maths as the
 * element-wise op of that name (vb_eltwise_desc below). */
typedef enum vb_act {
    VB_ACT_NONE = 0,
    VB_ACT_RELU = 1,
    VB_ACT_GELU = 2,     /* exact: 0.5·x·(1 + erf(x/√2)) */
    VB_ACT_GELU_TANH = 3 /* tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) */
} vb_act;

/* Batched, strided GEMM. For each b in [0, batch):
 *   C_b (m×n) = alpha · op(A_b) · op(B_b) + beta · C_b  [+ bias (n) on every row]  [then act]
 * op(A_b) is m×k: A_b stored m×k (row stride lda), or stored k×m when trans_a.
 * op(B_b) is k×n: B_b stored k×n (row stride ldb), or stored n×k when trans_b.
 * A_b = a + b·stride_a (stride 0 broadcasts one matrix over the batch); same for B, C.
 * beta == 0 means C is not read (may hold garbage/NaN). */
typedef struct vb_gemm_desc {
    int64_t batch, m, n, k;
    int trans_a, trans_b;
    int64_t lda, ldb, ldc;
    int64_t stride_a, stride_b, stride_c;
    float alpha, beta;
    int has_bias;
    vb_act act;
} vb_gemm_desc;

/* 2-D convolution, NHWC input, HWIO filter (Keras layout: kh, kw, c, oc).
 *   x (n, h, w, c)  w (kh, kw, c, oc)  bias (oc)  y (n, oh, ow, oc)
 *   y[n,i,j,o] = bias[o] + Σ_{p,q,ci} x[n, i·sh + p − pad_top, j·sw + q − pad_left, ci] · w[p,q,ci,o]
 * with out-of-range input positions reading 0. Padding may be asymmetric.
 * oh = (h + pad_top + pad_bottom − kh) / stride_h + 1, likewise ow (must match). */
typedef struct vb_conv2d_desc {
    int64_t n, h, w, c;
    int64_t oc, kh, kw;
    int64_t stride_h, stride_w;
    int64_t pad_top, pad_bottom, pad_left, pad_right;
    int64_t oh, ow;
    int has_bias;
} vb_conv2d_desc;

/* Max pooling, NHWC, per channel. Padded positions never win (they act as −∞), as in
 * Keras "same" and PyTorch. x (n, h, w, c) → y (n, oh, ow, c), oh as for conv.
 * Backward routes dy to the first maximum of each window in row-major window order. */
typedef struct vb_pool_desc {
    int64_t n, h, w, c;
    int64_t kh, kw;
    int64_t stride_h, stride_w;
    int64_t pad_top, pad_bottom, pad_left, pad_right;
    int64_t oh, ow;
} vb_pool_desc;

/* Zero padding, NHWC: x (n, h, w, c) → y (n, h+top+bottom, w+left+right, c). */
typedef struct vb_pad_desc {
    int64_t n, h, w, c;
    int64_t top, bottom, left, right;
} vb_pad_desc;

/* Element-wise ops over n contiguous values:
 *   relu(x)      = max(x, 0)
 *   gelu(x)      = x·Φ(x) = 0.5·x·(1 + erf(x/√2))                 (exact GELU)
 *   gelu_tanh(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))    (Hendrycks & Gimpel's
 *                  approximation: tfa.activations.gelu and keras.ops.gelu by default,
 *                  PyTorch's gelu(approximate="tanh")); within ~1e-3 of gelu, so a model
 *                  trained with one is checked against the same one. */
typedef struct vb_eltwise_desc {
    int64_t n;
} vb_eltwise_desc;

/* y = a + b[i mod nb]: residual add (nb == n) or broadcast add of a smaller tensor
 * (bias, position embedding: nb divides n). Backward: da += dy; db[i mod nb] += dy[i]. */
typedef struct vb_add_desc {
    int64_t n, nb;
} vb_add_desc;

/* Layer norm over the last axis: x (rows, cols), gamma/beta (cols).
 * Forward saves mean and rstd = 1/sqrt(var + eps) per row (biased variance). */
typedef struct vb_layernorm_desc {
    int64_t rows, cols;
    float eps;
} vb_layernorm_desc;

/* Softmax over the last axis of (rows, cols). */
typedef struct vb_softmax_desc {
    int64_t rows, cols;
} vb_softmax_desc;

/* Multi-head scaled dot-product self-attention with optional LSA features.
 * q, k, v, o are (batch, tokens, heads, head_dim) with a row stride: token t of batch b,
 * head h starts at  ptr + (b·tokens + t)·row_stride + h·head_dim.  A fused qkv buffer
 * (b, t, 3·heads·head_dim) is read in place with row_stride = 3·heads·head_dim.
 *   S = scale · Q Kᵀ            (B, H, T, T)   scale: 1/sqrt(head_dim), or 1/τ for LSA
 *   S[i][i] = −∞ if diag_mask   (LSA: a token does not attend to itself)
 *   P = softmax_rows(S)          saved to `probs` for backward (before dropout)
 *   P' = P ⊙ keep / (1 − dropout),
 *        keep[b,h,i,j] = vb_uniform(seed, (((first_sample + b)·H+h)·T+i)·T+j) ≥ dropout
 *   O = P' V
 * Backward reads dout with o_row_stride and writes dq, dk, dv with the q, k, v row
 * strides, so a fused qkv gradient buffer works the same way as the fused input. */
typedef struct vb_attention_desc {
    int64_t batch, tokens, heads, head_dim;
    int64_t q_row_stride, k_row_stride, v_row_stride, o_row_stride;
    int diag_mask;
    float dropout;
    int64_t first_sample; /* the global batch index of sample 0 (dropout masks only) */
    uint64_t seed;        /* of the dropout mask */
} vb_attention_desc;

/* Inverted dropout over n values:
 *   keep[i] = vb_uniform(seed, first + i) ≥ rate,  y = x·keep/(1−rate).
 * first: the index of value 0 in the global batch (sample offset × values per sample). */
typedef struct vb_dropout_desc {
    int64_t n;
    float rate;
    int64_t first;
    uint64_t seed;
} vb_dropout_desc;

/* Stochastic depth (drop path) on a residual branch x (batch, per_sample):
 * keep_b = vb_uniform(seed, first_sample + b) ≥ rate, y[b,:] = x[b,:]·keep_b/(1−rate). */
typedef struct vb_drop_path_desc {
    int64_t batch, per_sample;
    float rate;
    int64_t first_sample;
    uint64_t seed;
} vb_drop_path_desc;

/* CCT sequence pooling: x (batch, tokens, dim), g (dim), g_bias (1).
 *   s[b,t] = x[b,t,:]·g + g_bias;  a[b,:] = softmax_t(s[b,:]) (saved, (batch, tokens));
 *   y[b,:] = Σ_t a[b,t] · x[b,t,:]        y (batch, dim) */
typedef struct vb_seqpool_desc {
    int64_t batch, tokens, dim;
} vb_seqpool_desc;

/* Softmax cross-entropy from logits (batch, classes) and int32 labels, with label
 * smoothing: target = (1−ls)·onehot + ls/classes.
 * Forward writes loss per sample (batch) and probs (batch, classes) for backward.
 * Backward: dlogits += grad_scale · (probs − target), grad_scale (1 value) the gradient of
 * every per-sample loss (1/batch for a mean). */
typedef struct vb_xent_desc {
    int64_t batch, classes;
    float label_smoothing;
} vb_xent_desc;

/* How weight decay enters an Adam step. */
typedef enum vb_decay_mode {
    VB_DECAY_NONE = 0,       /* plain Adam */
    VB_DECAY_DECOUPLED = 1,  /* TF-addons AdamW: p −= wd·p (not scaled by lr) */
    VB_DECAY_DECOUPLED_LR = 2 /* PyTorch / Keras 3 AdamW: p −= lr·wd·p */
} vb_decay_mode;

/* Where epsilon sits in the Adam denominator. */
typedef enum vb_eps_mode {
    VB_EPS_TORCH = 0, /* p −= lr · m̂ / (sqrt(v̂) + eps)                               */
    VB_EPS_KERAS = 1  /* p −= lr·sqrt(1−β2ᵗ)/(1−β1ᵗ) · m / (sqrt(v) + eps)  ("epsilon hat") */
} vb_eps_mode;

/* One Adam/AdamW step over n parameters; step is t ≥ 1 (bias corrections use it).
 * m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  decay per decay_mode from the old p. */
typedef struct vb_adam_desc {
    int64_t n;
    int64_t step;
    float lr, beta1, beta2, eps, weight_decay;
    vb_decay_mode decay_mode;
    vb_eps_mode eps_mode;
} vb_adam_desc;

/* Exact GELU: 0.5·x·(1 + erf(x/√2)). */

#endif
