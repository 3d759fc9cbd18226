/* [encoder]: one transformer block; `depth = N` repeats the section as N blocks.
 *
 *   pre-norm (ViT, Keras CCT, SPT/LSA):    post-norm (Qiita ViT, seed 003):
 *     x1 = x  + DropPath(Attn(LN1(x)))       x1 = LN1(x  + Dropout(Attn(x)))
 *     y  = x1 + DropPath(MLP(LN2(x1)))       y  = LN2(x1 + MLP(x1))
 *   cct (the official CCT code's TransformerEncoderLayer: the stream itself is normalised
 *   between the branches):
 *     x1 = LN2(x + DropPath(Attn(LN1(x))))
 *     y  = x1 + DropPath(MLP(x1))
 *
 * Tokens (T, 1, C) → (T, 1, C). The branches are in encoder_attention.c and encoder_mlp.c;
 * this file reads the keys, declares and counts the parameters, lays out the state and
 * wires the norms and residual adds. Keys (defaults in brackets):
 *   heads, key_dim (per head: q, k, v project C → heads·key_dim), norm [pre] | post | cct,
 *   eps [1e-5], qkv_bias [yes], out_bias [yes], diag_mask [no],
 *   temperature [fixed: 1/sqrt(key_dim)] | learnable (τ, initialised to sqrt(key_dim)),
 *   attn_dropout [0], attn_out_dropout [0], mlp (widths, the last = C),
 *   mlp_activation [gelu] | relu | gelu_tanh (ops.h), mlp_last_activation [no],
 *   mlp_dropout [0], mlp_dropout_after [each] | last,
 *   stochastic_depth [0] (block i of N: rate·i/(N−1)),
 *   init [glorot_uniform] | trunc_normal, init_scale [0.02] (trunc_normal's std),
 *   attn_glorot_fans [mha] | dense: glorot fans of Keras MultiHeadAttention's 3-D kernels
 *   (q/k/v (C, H, D): fan_in C·H, fan_out C·D; out (H, D, C): H·D, H·C) or of plain
 *   Dense layers (C, 3·H·D split in three, and (H·D, C)), as the Qiita ViT builds them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/rng.h"
#include "encoder.h"

/* ---- keys --------------------------------------------------------------------------- */

static int read_rate(vb_cfg_section *s, const char *key, float *out, char *err, size_t n)
{
    double v;
    if (vb_cfg_float_or(s, key, 0.0, &v, err, n)) return -1;
    if (!(v >= 0.0 && v < 1.0))
        return vb_cfg_key_error(s, key, err, n, "%g must be in [0, 1)", v);
    *out = (float)v;
    return 0;
}

static int read_shape_keys(enc_config *c, vb_cfg_section *s, char *err, size_t n)
{
    static const char *const norms[] = {"pre", "post", "cct", NULL}; /* enc_norm order */
    double eps;
    int norm;
    if (vb_cfg_int_in(s, "heads", 1, 4096, &c->heads, err, n) ||
        vb_cfg_int_in(s, "key_dim", 1, 65536, &c->key_dim, err, n) ||
        vb_cfg_enum_or(s, "norm", norms, 0, &norm, err, n) ||
        vb_cfg_float_or(s, "eps", 1e-5, &eps, err, n))
        return -1;
    if (!(eps > 0.0)) return vb_cfg_key_error(s, "eps", err, n, "%g must be > 0", eps);
    c->eps = (float)eps;
    c->norm = (enc_norm)norm;
    return 0;
}

static int read_attention_keys(enc_config *c, vb_cfg_section *s, char *err, size_t n)
{
    static const char *const temperatures[] = {"fixed", "learnable", NULL};
    if (vb_cfg_bool_or(s, "qkv_bias", 1, &c->qkv_bias, err, n) ||
        vb_cfg_bool_or(s, "out_bias", 1, &c->out_bias, err, n) ||
        vb_cfg_bool_or(s, "diag_mask", 0, &c->diag_mask, err, n) ||
        vb_cfg_enum_or(s, "temperature", temperatures, 0, &c->learnable_tau, err, n) ||
        read_rate(s, "attn_dropout", &c->attn_dropout, err, n) ||
        read_rate(s, "attn_out_dropout", &c->attn_out_dropout, err, n))
        return -1;
    if (c->diag_mask && c->tokens < 2)
        return vb_cfg_key_error(s, "diag_mask", err, n, "needs at least 2 tokens, the input has %lld",
                            (long long)c->tokens);
    return 0;
}

static int read_mlp_keys(enc_config *c, vb_cfg_section *s, char *err, size_t n)
{
    static const char *const acts[] = {"gelu", "relu", "gelu_tanh", NULL};
    static const vb_act act_of[] = {VB_ACT_GELU, VB_ACT_RELU, VB_ACT_GELU_TANH};
    static const char *const afters[] = {"each", "last", NULL};
    int act, after;
    if (vb_cfg_int_list(s, "mlp", 1, VB_WIDTH_MAX, c->mlp, ENC_MAX_MLP, &c->mlp_count, err,
                        n) ||
        vb_cfg_enum_or(s, "mlp_activation", acts, 0, &act, err, n) ||
        vb_cfg_bool_or(s, "mlp_last_activation", 0, &c->mlp_last_act, err, n) ||
        read_rate(s, "mlp_dropout", &c->mlp_dropout, err, n) ||
        vb_cfg_enum_or(s, "mlp_dropout_after", afters, 0, &after, err, n))
        return -1;
    c->mlp_act = act_of[act];
    c->mlp_dropout_each = after == 0;
    if (c->mlp[c->mlp_count - 1] != c->dim)
        return vb_cfg_error(s, err, n,
                            "mlp: the last width %lld must equal the token width C = %lld",
                            (long long)c->mlp[c->mlp_count - 1], (long long)c->dim);
    return 0;
}

/* Stochastic depth rises linearly over the blocks: linspace(0, rate, N)[i]. */
static int read_depth_keys(enc_config *c, vb_cfg_section *s, vb_layer_site site, char *err,
                           size_t n)
{
    float rate;
    if (read_rate(s, "stochastic_depth", &rate, err, n)) return -1;
    if (rate > 0.0f && c->norm == ENC_NORM_POST)
        return vb_cfg_key_error(s, "stochastic_depth", err, n, "needs norm = pre");
    c->drop_path = site.block_count > 1
                       ? rate * (float)site.block_index / (float)(site.block_count - 1)
                       : 0.0f;
    return 0;
}

static int read_init_keys(enc_config *c, vb_cfg_section *s, char *err, size_t n)
{
    static const char *const inits[] = {"glorot_uniform", "trunc_normal", NULL};
    static const char *const fans[] = {"mha", "dense", NULL};
    int init;
    if (vb_cfg_enum_or(s, "init", inits, 0, &init, err, n) ||
        vb_cfg_enum_or(s, "attn_glorot_fans", fans, 0, &c->dense_fans, err, n))
        return -1;
    c->init = init == 0 ? VB_INIT_GLOROT_UNIFORM : VB_INIT_TRUNC_NORMAL;
    return vb_init_scale_read(s, c->init, 0.02, &c->init_scale, err, n);
}

/* The attention holds heads x T x T scores per image: more than 2^16 tokens would be 16
 * GiB of them per head, and T x T could overflow before the builder checks the state. */
static int check_tokens(const enc_config *c, vb_cfg_section *s, char *err, size_t n)
{
    if (c->tokens > VB_SIDE_MAX)
        return vb_cfg_error(s, err, n, "%lld tokens too many (at most %lld)",
                            (long long)c->tokens, (long long)VB_SIDE_MAX);
    return 0;
}

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err, size_t n)
{
    enc_config *c = calloc(1, sizeof *c);
    if (!c) return vb_cfg_error(s, err, n, "out of memory");
    l->priv = c;
    c->tokens = vb_shape_tokens(l->in);
    c->dim = l->in.c;
    if (check_tokens(c, s, err, n) || read_shape_keys(c, s, err, n) ||
        read_attention_keys(c, s, err, n) || read_mlp_keys(c, s, err, n) ||
        read_depth_keys(c, s, site, err, n) || read_init_keys(c, s, err, n)) {
        free(c); /* the driver keeps no layer that failed to configure */
        l->priv = NULL;
        return -1;
    }
    l->out = l->in;
    return 0;
}

/* ---- parameters --------------------------------------------------------------------- */

/* Declares l->name + "." + role with the given shape; returns its number in the layer. */
static int add(vb_layer *l, vb_param_block *pb, int first, const char *role, int ndim,
               int64_t d0, int64_t d1)
{
    char name[VB_PARAM_NAME_MAX];
    const int64_t shape[2] = {d0, d1};
    snprintf(name, sizeof name, "%s.%s", l->name, role);
    int i = vb_param_block_add(pb, name, ndim, shape);
    return i < 0 ? -1 : i - first;
}

/* Declaration order: norm1, attn.qkv, attn.out, attn.tau, norm2, mlp.J (the golden
 * script reads them by name; the order only fixes the layer's parameter numbers). */
static int declare(vb_layer *l, vb_param_block *pb)
{
    enc_config *c = l->priv;
    const int first = pb->count;
    const int64_t C = c->dim, HD = c->heads * c->key_dim;
    c->qkv_b = c->out_b = c->tau = -1;
    c->norm1_gamma = add(l, pb, first, "norm1.gamma", 1, C, 0);
    c->norm1_beta = add(l, pb, first, "norm1.beta", 1, C, 0);
    c->qkv_w = add(l, pb, first, "attn.qkv.weight", 2, C, 3 * HD);
    if (c->qkv_bias) c->qkv_b = add(l, pb, first, "attn.qkv.bias", 1, 3 * HD, 0);
    c->out_w = add(l, pb, first, "attn.out.weight", 2, HD, C);
    if (c->out_bias) c->out_b = add(l, pb, first, "attn.out.bias", 1, C, 0);
    if (c->learnable_tau) c->tau = add(l, pb, first, "attn.tau", 1, 1, 0);
    c->norm2_gamma = add(l, pb, first, "norm2.gamma", 1, C, 0);
    c->norm2_beta = add(l, pb, first, "norm2.beta", 1, C, 0);
    int failed = c->norm1_gamma < 0 || c->norm1_beta < 0 || c->qkv_w < 0 || c->out_w < 0 ||
                 c->norm2_gamma < 0 || c->norm2_beta < 0 || (c->qkv_bias && c->qkv_b < 0) ||
                 (c->out_bias && c->out_b < 0) || (c->learnable_tau && c->tau < 0);
    for (int j = 0; j < c->mlp_count; j++) {
        char role[32];
        int64_t in = j ? c->mlp[j - 1] : C;
        snprintf(role, sizeof role, "mlp.%d.weight", j);
        c->mlp_w[j] = add(l, pb, first, role, 2, in, c->mlp[j]);
        snprintf(role, sizeof role, "mlp.%d.bias", j);
        c->mlp_b[j] = add(l, pb, first, role, 1, c->mlp[j], 0);
        failed |= c->mlp_w[j] < 0 || c->mlp_b[j] < 0;
    }
    return failed ? -1 : 0;
}

float *enc_param(const vb_layer *l, const vb_run *r, int i)
{
    return i < 0 ? NULL : vb_layer_param(l, r, i);
}

float *enc_grad(const vb_layer *l, const vb_run *r, int i)
{
    return i < 0 ? NULL : vb_layer_grad(l, r, i);
}

/* Per image. softmax_norm_ops counts one op per value a softmax or a LayerNorm produces:
 * H·T·T attention probabilities and 2·T·C normalised values per block. */
static void count(const vb_layer *l, vb_counts *k)
{
    const enc_config *c = l->priv;
    const int64_t T = c->tokens, C = c->dim, H = c->heads, D = c->key_dim, HD = H * D;
    k->params[VB_COMP_ATTENTION] += C * 3 * HD + HD * C + (c->qkv_bias ? 3 * HD : 0) +
                                    (c->out_bias ? C : 0) + (c->learnable_tau ? 1 : 0);
    k->macs[VB_COMP_ATTENTION] += 4.0 * (double)T * (double)C * (double)HD;
    k->attn_matmul_macs += 2.0 * (double)H * (double)T * (double)T * (double)D; /* QKᵀ, P·V */
    k->dense_bias_features += (c->qkv_bias ? 3 * HD : 0) + (c->out_bias ? C : 0);
    for (int j = 0; j < c->mlp_count; j++) {
        int64_t in = j ? c->mlp[j - 1] : C;
        int activated = j < c->mlp_count - 1 || c->mlp_last_act;
        k->params[VB_COMP_MLP] += in * c->mlp[j] + c->mlp[j];
        k->macs[VB_COMP_MLP] += (double)T * (double)in * (double)c->mlp[j];
        k->dense_bias_features += (double)c->mlp[j];
        if (activated) k->dense_activation_values += (double)(T * c->mlp[j]);
    }
    k->params[VB_COMP_NORM] += 4 * C;
    k->softmax_norm_ops += (double)H * (double)T * (double)T + 2.0 * (double)T * (double)C;
}

/* Fills parameter i of the layer with the weight initialiser, its own stream of seed. */
static void fill_weight(const vb_layer *l, vb_param_block *pb, int i, int64_t fan_in,
                        int64_t fan_out, uint64_t seed)
{
    const enc_config *c = l->priv;
    const int at = l->first_param + i;
    vb_init_fill(vb_param_data(pb, at), (int64_t)pb->params[at].numel, c->init, fan_in,
                 fan_out, c->init_scale, vb_hash64(seed, (uint64_t)i));
}

static void init(const vb_layer *l, vb_param_block *pb, uint64_t seed)
{
    const enc_config *c = l->priv;
    const int64_t C = c->dim, H = c->heads, D = c->key_dim, HD = H * D;
    const int first = l->first_param, count = c->mlp_b[c->mlp_count - 1] + 1;
    /* Biases and LayerNorm offsets 0, gains 1, τ sqrt(D), Dense weights from `init`. */
    for (int i = 0; i < count; i++)
        vb_init_fill(vb_param_data(pb, first + i), (int64_t)pb->params[first + i].numel,
                     VB_INIT_ZEROS, 0, 0, 0.0, 0);
    if (c->dense_fans) {
        fill_weight(l, pb, c->qkv_w, C, HD, seed); /* three (C, H·D) kernels side by side */
        fill_weight(l, pb, c->out_w, HD, C, seed);
    } else {
        fill_weight(l, pb, c->qkv_w, C * H, C * D, seed);
        fill_weight(l, pb, c->out_w, H * D, H * C, seed);
    }
    for (int j = 0; j < c->mlp_count; j++)
        fill_weight(l, pb, c->mlp_w[j], j ? c->mlp[j - 1] : C, c->mlp[j], seed);
    const int gains[] = {c->norm1_gamma, c->norm2_gamma};
    for (int i = 0; i < 2; i++)
        vb_init_fill(vb_param_data(pb, first + gains[i]), C, VB_INIT_ONES, 0, 0, 0.0, 0);
    if (c->learnable_tau) vb_param_data(pb, first + c->tau)[0] = (float)sqrt((double)D);
}

/* ---- state -------------------------------------------------------------------------- */

size_t enc_plan(const vb_layer *l, int64_t batch, float *base, enc_state *s)
{
    const enc_config *c = l->priv;
    const int64_t rows = batch * c->tokens, C = c->dim, HD = c->heads * c->key_dim;
    size_t used = 0;
    memset(s, 0, sizeof *s);
#define TAKE(field, n) (s->field = base ? base + used : NULL, used += (size_t)(n))
    TAKE(mean1, rows);
    TAKE(rstd1, rows);
    TAKE(mean2, rows);
    TAKE(rstd2, rows);
    if (c->norm == ENC_NORM_PRE || c->norm == ENC_NORM_CCT) TAKE(ln1, rows * C);
    if (c->norm == ENC_NORM_PRE) TAKE(ln2, rows * C);
    if (c->norm == ENC_NORM_POST || c->norm == ENC_NORM_CCT) TAKE(sum1, rows * C);
    if (c->norm == ENC_NORM_POST) TAKE(sum2, rows * C);
    TAKE(x1, rows * C);
    TAKE(qkv, rows * 3 * HD);
    TAKE(att, rows * HD);
    TAKE(probs, batch * c->heads * c->tokens * c->tokens);
    int64_t widest = C > HD ? C : HD; /* of the units whose gradients use g */
    for (int j = 0; j < c->mlp_count; j++) {
        const int last = j == c->mlp_count - 1;
        if (!last || c->mlp_last_act) TAKE(z[j], rows * c->mlp[j]);
        if (!last) TAKE(hidden[j], rows * c->mlp[j]);
        if (c->mlp[j] > widest) widest = c->mlp[j];
    }
    TAKE(dx1, rows * C);
    TAKE(dn, rows * C);
    TAKE(dqkv, rows * 3 * HD);
    TAKE(g[0], rows * widest);
    TAKE(g[1], rows * widest);
#undef TAKE
    return used;
}

static size_t state_floats(const vb_layer *l, int64_t batch)
{
    enc_state s;
    return enc_plan(l, batch, NULL, &s);
}

/* ---- the block ---------------------------------------------------------------------- */

static vb_layernorm_desc norm_desc(const vb_layer *l)
{
    const enc_config *c = l->priv;
    return (vb_layernorm_desc){.rows = l->batch * c->tokens, .cols = c->dim, .eps = c->eps};
}

static vb_add_desc residual_desc(const vb_layer *l)
{
    const enc_config *c = l->priv;
    const int64_t n = l->batch * c->tokens * c->dim;
    return (vb_add_desc){.n = n, .nb = n};
}

/* LayerNorm number `which` (1 or 2): x → y, saving its statistics. */
static int norm_forward(const vb_layer *l, vb_run *r, const enc_state *s, int which,
                        const float *x, float *y)
{
    const enc_config *c = l->priv;
    const vb_layernorm_desc d = norm_desc(l);
    const int gamma = which == 1 ? c->norm1_gamma : c->norm2_gamma;
    const int beta = which == 1 ? c->norm1_beta : c->norm2_beta;
    VB_RUN(r, layernorm_fwd, &d, x, enc_param(l, r, gamma), enc_param(l, r, beta), y,
           which == 1 ? s->mean1 : s->mean2, which == 1 ? s->rstd1 : s->rstd2);
    return 0;
}

/* dx += ∂L/∂x from dy = ∂L/∂y (dx NULL: only the gain and bias gradients). */
static int norm_backward(const vb_layer *l, vb_run *r, const enc_state *s, int which,
                         const float *x, const float *dy, float *dx)
{
    const enc_config *c = l->priv;
    const vb_layernorm_desc d = norm_desc(l);
    const int gamma = which == 1 ? c->norm1_gamma : c->norm2_gamma;
    const int beta = which == 1 ? c->norm1_beta : c->norm2_beta;
    VB_RUN(r, layernorm_bwd, &d, x, enc_param(l, r, gamma), which == 1 ? s->mean1 : s->mean2,
           which == 1 ? s->rstd1 : s->rstd2, dy, dx, enc_grad(l, r, gamma),
           enc_grad(l, r, beta));
    return 0;
}

/* y += x in place (the residual connection). */
static int residual_forward(const vb_layer *l, vb_run *r, const float *x, float *y)
{
    const vb_add_desc d = residual_desc(l);
    VB_RUN(r, add_fwd, &d, y, x, y);
    return 0;
}

/* dx += dy: the residual's share of the gradient. */
static int residual_backward(const vb_layer *l, vb_run *r, const float *dy, float *dx)
{
    const vb_add_desc d = residual_desc(l);
    VB_RUN(r, add_bwd, &d, dy, dx, NULL);
    return 0;
}

static void zero(const vb_layer *l, float *p)
{
    const enc_config *c = l->priv;
    memset(p, 0, (size_t)(l->batch * c->tokens * c->dim) * sizeof(float));
}

static int forward_pre(const vb_layer *l, vb_run *r, const enc_state *s, const float *x,
                       float *y)
{
    if (norm_forward(l, r, s, 1, x, s->ln1) ||
        enc_attention_forward(l, r, s, s->ln1, s->x1) || /* x1 = Attn(LN1(x)) + x */
        residual_forward(l, r, x, s->x1) ||
        norm_forward(l, r, s, 2, s->x1, s->ln2) ||
        enc_mlp_forward(l, r, s, s->ln2, y) || /* y = MLP(LN2(x1)) + x1 */
        residual_forward(l, r, s->x1, y))
        return -1;
    return 0;
}

static int backward_pre(const vb_layer *l, vb_run *r, const enc_state *s, const float *x,
                        const float *dy, float *dx)
{
    /* y = x1 + MLP(LN2(x1)): dn = ∂L/∂ln2, dx1 = dy + LN2ᵀ(dn) */
    zero(l, s->dx1);
    if (residual_backward(l, r, dy, s->dx1) ||
        enc_mlp_backward(l, r, s, s->ln2, dy, s->dn, 0) ||
        norm_backward(l, r, s, 2, s->x1, s->dn, s->dx1))
        return -1;
    /* x1 = x + Attn(LN1(x)): dn = ∂L/∂ln1, then dx1 becomes ∂L/∂x = dx1 + LN1ᵀ(dn), added
     * to dx in one go (so that two backward calls add exactly twice) */
    if (enc_attention_backward(l, r, s, s->ln1, s->dx1, s->dn, 0) ||
        norm_backward(l, r, s, 1, x, s->dn, dx ? s->dx1 : NULL))
        return -1;
    return dx ? residual_backward(l, r, s->dx1, dx) : 0;
}

static int forward_post(const vb_layer *l, vb_run *r, const enc_state *s, const float *x,
                        float *y)
{
    if (enc_attention_forward(l, r, s, x, s->sum1) || /* sum1 = Attn(x) + x */
        residual_forward(l, r, x, s->sum1) ||
        norm_forward(l, r, s, 1, s->sum1, s->x1) ||
        enc_mlp_forward(l, r, s, s->x1, s->sum2) || /* sum2 = MLP(x1) + x1 */
        residual_forward(l, r, s->x1, s->sum2) ||
        norm_forward(l, r, s, 2, s->sum2, y))
        return -1;
    return 0;
}

static int backward_post(const vb_layer *l, vb_run *r, const enc_state *s, const float *x,
                         const float *dy, float *dx)
{
    /* y = LN2(sum2), sum2 = x1 + MLP(x1): dn = ∂L/∂sum2, dx1 = dn + MLPᵀ(dn) */
    zero(l, s->dn);
    zero(l, s->dx1);
    if (norm_backward(l, r, s, 2, s->sum2, dy, s->dn) ||
        residual_backward(l, r, s->dn, s->dx1) ||
        enc_mlp_backward(l, r, s, s->x1, s->dn, s->dx1, 1))
        return -1;
    /* x1 = LN1(sum1), sum1 = x + Attn(x): dn = ∂L/∂sum1, then dx1 becomes
     * ∂L/∂x = Attnᵀ(dn) + dn, added to dx in one go */
    zero(l, s->dn);
    if (norm_backward(l, r, s, 1, s->sum1, s->dx1, s->dn) ||
        enc_attention_backward(l, r, s, x, s->dn, dx ? s->dx1 : NULL, 0))
        return -1;
    if (dx && (residual_backward(l, r, s->dn, s->dx1) || residual_backward(l, r, s->dx1, dx)))
        return -1;
    return 0;
}

static int forward_cct(const vb_layer *l, vb_run *r, const enc_state *s, const float *x,
                       float *y)
{
    if (norm_forward(l, r, s, 1, x, s->ln1) ||
        enc_attention_forward(l, r, s, s->ln1, s->sum1) || /* sum1 = Attn(LN1(x)) + x */
        residual_forward(l, r, x, s->sum1) ||
        norm_forward(l, r, s, 2, s->sum1, s->x1) ||
        enc_mlp_forward(l, r, s, s->x1, y) || /* y = MLP(x1) + x1 */
        residual_forward(l, r, s->x1, y))
        return -1;
    return 0;
}

static int backward_cct(const vb_layer *l, vb_run *r, const enc_state *s, const float *x,
                        const float *dy, float *dx)
{
    /* y = x1 + MLP(x1): dx1 = dy + MLPᵀ(dy) */
    zero(l, s->dx1);
    if (residual_backward(l, r, dy, s->dx1) || enc_mlp_backward(l, r, s, s->x1, dy, s->dx1, 1))
        return -1;
    /* x1 = LN2(sum1): dn = ∂L/∂sum1, moved to dx1 (whose value is consumed) */
    zero(l, s->dn);
    if (norm_backward(l, r, s, 2, s->sum1, s->dx1, s->dn)) return -1;
    zero(l, s->dx1);
    if (residual_backward(l, r, s->dn, s->dx1)) return -1;
    /* sum1 = x + Attn(LN1(x)): dn = ∂L/∂ln1, then dx1 becomes ∂L/∂x = dx1 + LN1ᵀ(dn), added
     * to dx in one go (as in backward_pre) */
    if (enc_attention_backward(l, r, s, s->ln1, s->dx1, s->dn, 0) ||
        norm_backward(l, r, s, 1, x, s->dn, dx ? s->dx1 : NULL))
        return -1;
    return dx ? residual_backward(l, r, s->dx1, dx) : 0;
}

static int forward(vb_layer *l, vb_run *r, const float *x, float *y)
{
    const enc_config *c = l->priv;
    enc_state s;
    enc_plan(l, l->batch, l->state, &s);
    switch (c->norm) {
    case ENC_NORM_POST: return forward_post(l, r, &s, x, y);
    case ENC_NORM_CCT: return forward_cct(l, r, &s, x, y);
    default: return forward_pre(l, r, &s, x, y);
    }
}

static int backward(vb_layer *l, vb_run *r, const float *x, const float *y, const float *dy,
                    float *dx)
{
    (void)y;
    const enc_config *c = l->priv;
    enc_state s;
    enc_plan(l, l->batch, l->state, &s);
    switch (c->norm) {
    case ENC_NORM_POST: return backward_post(l, r, &s, x, dy, dx);
    case ENC_NORM_CCT: return backward_cct(l, r, &s, x, dy, dx);
    default: return backward_pre(l, r, &s, x, dy, dx);
    }
}

const vb_layer_kind vb_layer_encoder = {
    .name = "encoder",
    .component = {VB_COMP_ATTENTION, VB_COMP_ATTENTION}, /* count() splits off MLP, norms */
    .configure = configure,
    .declare = declare,
    .count = count,
    .state_floats = state_floats,
    .init = init,
    .forward = forward,
    .backward = backward,
};
