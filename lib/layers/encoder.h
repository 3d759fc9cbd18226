/* The [encoder] layer kind's private parts, shared by its files:
 *   encoder.c            keys, parameters, counts, state, and the block itself (where the
 *                        norms sit, the residual adds)
 *   encoder_attention.c  the attention branch: fused qkv projection, attention, output
 *   encoder_mlp.c        the MLP branch
 *   encoder_dense.c      one Dense unit: GEMM + bias, activation, dropout, drop path
 *
 * A block maps tokens (T, 1, C) → (T, 1, C); rows = batch·T token rows of C values. */
#ifndef VITBENCH_LAYERS_ENCODER_H
#define VITBENCH_LAYERS_ENCODER_H

#include "vitbench/layer.h"
#include "init.h"

#define ENC_MAX_MLP 8

/* Dropout seeds: vb_run_seed(r, l->index, tag), one tag per masked op of the block. */
enum {
    ENC_TAG_ATTN_PROBS = 0, /* attention-probability dropout */
    ENC_TAG_ATTN_OUT = 1,   /* dropout on the attention branch's output */
    ENC_TAG_ATTN_PATH = 2,  /* drop path on the attention branch */
    ENC_TAG_MLP_PATH = 3,   /* drop path on the MLP branch */
    ENC_TAG_MLP_DROPOUT = 4 /* + j: dropout after MLP Dense j */
};

/* Where a block's LayerNorms sit (the `norm` key, in this order). */
typedef enum enc_norm {
    ENC_NORM_PRE = 0,  /* x1 = x + Attn(LN1(x));   y = x1 + MLP(LN2(x1)) */
    ENC_NORM_POST = 1, /* x1 = LN1(x + Attn(x));   y = LN2(x1 + MLP(x1)) */
    ENC_NORM_CCT = 2   /* x1 = LN2(x + Attn(LN1(x))); y = x1 + MLP(x1)  (official CCT code) */
} enc_norm;

typedef struct enc_config {
    int64_t tokens, dim, heads, key_dim; /* T, C, H, D (per head) */
    enc_norm norm; /* where the two LayerNorms sit */
    float eps;
    int qkv_bias, out_bias, diag_mask, learnable_tau;
    float attn_dropout, attn_out_dropout;
    int mlp_count;
    int64_t mlp[ENC_MAX_MLP]; /* output widths of the MLP's Dense layers; the last is C */
    vb_act mlp_act;
    int mlp_last_act, mlp_dropout_each;
    float mlp_dropout;
    float drop_path; /* this block's stochastic depth rate */
    vb_init init;
    double init_scale;
    int dense_fans; /* glorot fans of separate q/k/v/out Dense layers, not Keras MHA's */
    /* Parameter numbers within the layer (vb_layer_param), -1 when absent; set by declare. */
    int norm1_gamma, norm1_beta, qkv_w, qkv_b, out_w, out_b, tau, norm2_gamma, norm2_beta;
    int mlp_w[ENC_MAX_MLP], mlp_b[ENC_MAX_MLP];
} enc_config;

/* Where the block's buffers live in l->state (enc_plan). Rows are batch·T. */
typedef struct enc_state {
    /* Forward, kept for backward. */
    float *mean1, *rstd1, *mean2, *rstd2; /* (rows) LayerNorm statistics */
    float *ln1, *ln2;                     /* pre-norm: LN outputs, the branches' inputs (rows, C) */
    float *sum1, *sum2;                   /* post/cct: residual sums the LNs read (rows, C) */
    float *x1;                            /* the stream between the two branches (rows, C) */
    float *qkv;                           /* (rows, 3·H·D): [q | k | v], each head-major */
    float *att;                           /* attention output (rows, H·D) */
    float *probs;                         /* (batch, H, T, T) */
    float *z[ENC_MAX_MLP];                /* MLP pre-activations (rows, w_j), units with one */
    float *hidden[ENC_MAX_MLP];           /* MLP hidden outputs (rows, w_j), all but the last */
    /* Backward scratch, (re)written in every backward. */
    float *dx1;  /* ∂L/∂x1 (rows, C) */
    float *dn;   /* ∂L/∂(a LayerNorm's output or input) (rows, C) */
    float *dqkv; /* (rows, 3·H·D) */
    float *g[2]; /* ping-pong gradients of one Dense unit (rows, widest unit) */
} enc_state;

/* Lays the state out from base (NULL: only counts). Returns the floats it takes. */
size_t enc_plan(const vb_layer *l, int64_t batch, float *base, enc_state *s);

/* Parameter data / gradient number i of the layer, NULL when i < 0 (absent). */
float *enc_param(const vb_layer *l, const vb_run *r, int i);
float *enc_grad(const vb_layer *l, const vb_run *r, int i);

/* One Dense unit over rows = batch·tokens: y = DropPath(Dropout(act(x·w + b))). */
typedef struct enc_dense {
    int64_t batch, tokens, in, out;
    const float *w, *b; /* (in, out), (out) or NULL */
    float *dw, *db;     /* their gradients (db NULL with b) */
    vb_act act;
    float *z; /* pre-activation (rows, out), kept when act != VB_ACT_NONE */
    float dropout, drop_path; /* 0 = off (always 0 outside training) */
    uint64_t dropout_seed, path_seed;
} enc_dense;

int enc_dense_forward(vb_run *r, const enc_dense *u, const float *x, float *y);
/* Back through drop path, dropout and activation: *d is ∂L/∂y on entry and ∂L/∂(x·w + b)
 * on return, which is *d itself or one of the scratch buffers g (rows · widest unit). */
int enc_dense_backward_eltwise(vb_run *r, const enc_dense *u, const float **d,
                               float *const g[2]);
/* Back through x·w + b from dz = ∂L/∂(x·w + b): dw += xᵀ·dz, db += Σ_rows dz and, when dx
 * is not NULL, dx = dx_beta·dx + dz·wᵀ (dx_beta 0 overwrites, 1 accumulates). */
int enc_dense_backward_linear(vb_run *r, const enc_dense *u, const float *x, const float *dz,
                              float *dx, float dx_beta);
/* The scratch buffer of g that is not `used` (where the next gradient goes). */
float *enc_spare(const float *used, float *const g[2]);

/* The branches: in (rows, C) → out (rows, C), before the residual add. Backward: din =
 * din_beta·din + ∂L/∂in (din NULL: not wanted); parameter gradients += ... */
int enc_attention_forward(const vb_layer *l, vb_run *r, const enc_state *s, const float *in,
                          float *out);
int enc_attention_backward(const vb_layer *l, vb_run *r, const enc_state *s, const float *in,
                           const float *dout, float *din, float din_beta);
int enc_mlp_forward(const vb_layer *l, vb_run *r, const enc_state *s, const float *in,
                    float *out);
int enc_mlp_backward(const vb_layer *l, vb_run *r, const enc_state *s, const float *in,
                     const float *dout, float *din, float din_beta);

#endif
