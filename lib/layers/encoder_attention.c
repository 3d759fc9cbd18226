/* The attention branch of an encoder block (Keras MultiHeadAttention semantics):
 *   qkv = in · Wqkv + bqkv          (rows, C) → (rows, 3·H·D), one fused GEMM
 *   att = Attention(q, k, v)         read in place from qkv, → (rows, H·D)
 *   out = DropPath(Dropout(att · Wout + bout))   (rows, C)
 * Attention scales scores by 1/sqrt(D), or by 1/τ with LSA's learnable temperature τ,
 * and with LSA's diagonal mask a token does not attend to itself. */
#include <math.h>
#include <string.h>
#include "encoder.h"

/* The two projections as Dense units (masks only on the output one, only in training). */
static enc_dense qkv_unit(const vb_layer *l, const vb_run *r)
{
    const enc_config *c = l->priv;
    return (enc_dense){.batch = l->batch, .tokens = c->tokens, .in = c->dim,
                       .out = 3 * c->heads * c->key_dim,
                       .w = enc_param(l, r, c->qkv_w), .b = enc_param(l, r, c->qkv_b),
                       .dw = enc_grad(l, r, c->qkv_w), .db = enc_grad(l, r, c->qkv_b)};
}

static enc_dense out_unit(const vb_layer *l, const vb_run *r)
{
    const enc_config *c = l->priv;
    return (enc_dense){.batch = l->batch, .tokens = c->tokens, .in = c->heads * c->key_dim,
                       .out = c->dim,
                       .w = enc_param(l, r, c->out_w), .b = enc_param(l, r, c->out_b),
                       .dw = enc_grad(l, r, c->out_w), .db = enc_grad(l, r, c->out_b),
                       .dropout = r->training ? c->attn_out_dropout : 0.0f,
                       .drop_path = r->training ? c->drop_path : 0.0f,
                       .dropout_seed = vb_run_seed(r, l->index, ENC_TAG_ATTN_OUT),
                       .path_seed = vb_run_seed(r, l->index, ENC_TAG_ATTN_PATH)};
}

/* q, k, v are column blocks of the fused buffer, each row 3·H·D apart; the same mask seed
 * in forward and backward. */
static vb_attention_desc attention_desc(const vb_layer *l, const vb_run *r)
{
    const enc_config *c = l->priv;
    const int64_t width = c->heads * c->key_dim;
    return (vb_attention_desc){.batch = l->batch, .tokens = c->tokens, .heads = c->heads,
                               .head_dim = c->key_dim, .q_row_stride = 3 * width,
                               .k_row_stride = 3 * width, .v_row_stride = 3 * width,
                               .o_row_stride = width, .diag_mask = c->diag_mask,
                               .dropout = r->training ? c->attn_dropout : 0.0f,
                               .first_sample = r->first_sample,
                               .seed = vb_run_seed(r, l->index, ENC_TAG_ATTN_PROBS)};
}

/* The score scale: 1/τ (LSA) or 1/sqrt(D). */
static float score_scale(const vb_layer *l, const vb_run *r)
{
    const enc_config *c = l->priv;
    if (c->learnable_tau) return 1.0f / enc_param(l, r, c->tau)[0];
    return (float)(1.0 / sqrt((double)c->key_dim));
}

int enc_attention_forward(const vb_layer *l, vb_run *r, const enc_state *s, const float *in,
                          float *out)
{
    const enc_config *c = l->priv;
    const int64_t width = c->heads * c->key_dim;
    const enc_dense qkv = qkv_unit(l, r), proj = out_unit(l, r);
    if (enc_dense_forward(r, &qkv, in, s->qkv)) return -1;
    const vb_attention_desc ad = attention_desc(l, r);
    const float scale = score_scale(l, r);
    VB_RUN(r, attention_fwd, &ad, s->qkv, s->qkv + width, s->qkv + 2 * width, &scale, s->att,
           s->probs);
    return enc_dense_forward(r, &proj, s->att, out);
}

int enc_attention_backward(const vb_layer *l, vb_run *r, const enc_state *s, const float *in,
                           const float *dout, float *din, float din_beta)
{
    const enc_config *c = l->priv;
    const int64_t width = c->heads * c->key_dim, rows = l->batch * c->tokens;
    const enc_dense qkv = qkv_unit(l, r), proj = out_unit(l, r);

    /* datt (rows, H·D) = ∂L/∂att, through the output projection and its masks */
    const float *d = dout;
    if (enc_dense_backward_eltwise(r, &proj, &d, s->g)) return -1;
    float *datt = enc_spare(d, s->g);
    if (enc_dense_backward_linear(r, &proj, s->att, d, datt, 0.0f)) return -1;

    /* dqkv = ∂L/∂qkv, and ∂L/∂scale, which the chain rule turns into ∂L/∂τ for LSA */
    memset(s->dqkv, 0, (size_t)(rows * 3 * width) * sizeof(float));
    const vb_attention_desc ad = attention_desc(l, r);
    const float scale = score_scale(l, r);
    float dscale = 0.0f;
    VB_RUN(r, attention_bwd, &ad, s->qkv, s->qkv + width, s->qkv + 2 * width, &scale,
           s->probs, datt, s->dqkv, s->dqkv + width, s->dqkv + 2 * width,
           c->learnable_tau ? &dscale : NULL);
    if (c->learnable_tau) /* scale = 1/τ: ∂scale/∂τ = −1/τ² = −scale² */
        enc_grad(l, r, c->tau)[0] += -dscale * scale * scale;

    return enc_dense_backward_linear(r, &qkv, in, s->dqkv, din, din_beta);
}
