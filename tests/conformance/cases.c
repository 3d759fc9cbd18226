/* The named cases: small and odd shapes that catch edge handling (size 1, primes,
 * padded strides, transposes, broadcast), then the real shapes of the seed models.
 *
 * Keras CCT (CIFAR-10, 32×32×3): conv 3→64 k3 valid → zero-pad 1 → maxpool 3 s2 "same"
 * (TF pads bottom/right by 1) → conv 64→128 k3 valid → pad → pool: 64 tokens × 128;
 * attention 2 heads with key_dim 128 per head read from a fused qkv buffer (row stride
 * 3·2·128), output projection 256→128, MLP 128→128, sequence pooling, 10 classes with
 * label smoothing 0.1. SPT/LSA ViT (72×72, patch 6): 144 tokens × 64, 4 heads × 64 with
 * the diagonal mask and temperature, MLP 64→128→64 with GELU.
 * Test-tier cases use batch 2 so the single-threaded reference stays quick; the perf
 * tier uses the training batch (128) and the 1024³ GEMM. */
#include <stdio.h>
#include <string.h>
#include "conformance.h"
#include "vitbench/desc_check.h"

#define MAX_CASES 160
enum { T = CF_TIER_TEST, P = CF_TIER_PERF, G = CF_TIER_GRAD };

static cf_case cases[MAX_CASES];
static int ncases;

static void add(vb_op family, const char *label, cf_desc d, int tiers)
{
    if (ncases == MAX_CASES)
        return;
    cf_case *c = &cases[ncases++];
    c->family = family;
    snprintf(c->label, sizeof c->label, "%s", label);
    c->desc = d;
    c->tiers = tiers;
}

/* ---- descriptor builders: packed layouts unless a stride is given --------------------- */

static cf_desc gemm(int64_t batch, int64_t m, int64_t n, int64_t k, int ta, int tb)
{
    cf_desc u = {0};
    vb_gemm_desc *d = &u.gemm;
    *d = (vb_gemm_desc){.batch = batch, .m = m, .n = n, .k = k, .trans_a = ta, .trans_b = tb,
                        .lda = ta ? m : k, .ldb = tb ? k : n, .ldc = n, .alpha = 1.0f};
    d->stride_a = batch > 1 ? m * k : 0;
    d->stride_b = batch > 1 ? k * n : 0;
    d->stride_c = batch > 1 ? m * n : 0;
    return u;
}

/* A layer's GEMMs x (rows, in) · w (in, out): forward, dX = dY·Wᵀ, dW += Xᵀ·dY. */
static void linear(const char *name, int64_t rows, int64_t in, int64_t out, int tiers)
{
    char label[48];
    cf_desc f = gemm(1, rows, out, in, 0, 0);
    f.gemm.has_bias = 1;
    add(VB_OP_GEMM, name, f, tiers);
    snprintf(label, sizeof label, "%s_dx", name);
    add(VB_OP_GEMM, label, gemm(1, rows, in, out, 0, 1), tiers);
    snprintf(label, sizeof label, "%s_dw", name);
    cf_desc w = gemm(1, in, out, rows, 1, 0);
    w.gemm.beta = 1.0f; /* weight gradients accumulate */
    add(VB_OP_GEMM, label, w, tiers);
}

static cf_desc conv(int64_t n, int64_t h, int64_t w, int64_t c, int64_t oc, int64_t k,
                    int64_t s, int64_t pt, int64_t pb, int64_t pl, int64_t pr, int bias)
{
    cf_desc u = {0};
    u.conv2d_fwd = (vb_conv2d_desc){.n = n, .h = h, .w = w, .c = c, .oc = oc, .kh = k,
                                    .kw = k, .stride_h = s, .stride_w = s, .pad_top = pt,
                                    .pad_bottom = pb, .pad_left = pl, .pad_right = pr,
                                    .has_bias = bias};
    u.conv2d_fwd.oh = vb_window_out(h, k, s, pt, pb);
    u.conv2d_fwd.ow = vb_window_out(w, k, s, pl, pr);
    return u;
}

static cf_desc pool(int64_t n, int64_t h, int64_t w, int64_t c, int64_t k, int64_t s,
                    int64_t pt, int64_t pb, int64_t pl, int64_t pr)
{
    cf_desc u = {0};
    u.maxpool_fwd = (vb_pool_desc){.n = n, .h = h, .w = w, .c = c, .kh = k, .kw = k,
                                   .stride_h = s, .stride_w = s, .pad_top = pt,
                                   .pad_bottom = pb, .pad_left = pl, .pad_right = pr};
    u.maxpool_fwd.oh = vb_window_out(h, k, s, pt, pb);
    u.maxpool_fwd.ow = vb_window_out(w, k, s, pl, pr);
    return u;
}

static cf_desc attention(int64_t b, int64_t t, int64_t h, int64_t hd, int fused, int diag,
                         float dropout)
{
    cf_desc u = {0};
    int64_t stride = fused ? 3 * h * hd : h * hd;
    u.attention_fwd = (vb_attention_desc){.batch = b, .tokens = t, .heads = h, .head_dim = hd,
                                          .q_row_stride = stride, .k_row_stride = stride,
                                          .v_row_stride = stride, .o_row_stride = h * hd,
                                          .diag_mask = diag, .dropout = dropout};
    return u;
}

#define DESC(member, ...) ((cf_desc){.member = {__VA_ARGS__}})

static void build(void)
{
    /* ---- gemm ---- */
    add(VB_OP_GEMM, "tiny", gemm(1, 7, 5, 3, 0, 0), T | G);
    add(VB_OP_GEMM, "odd_tA", gemm(1, 33, 17, 65, 1, 0), T);
    add(VB_OP_GEMM, "odd_tB", gemm(1, 33, 17, 65, 0, 1), T);
    add(VB_OP_GEMM, "odd_tAtB", gemm(1, 31, 1, 129, 1, 1), T);
    add(VB_OP_GEMM, "k1", gemm(1, 16, 16, 1, 0, 0), T);
    cf_desc g = gemm(3, 9, 10, 11, 0, 0); /* padded rows and batch strides */
    g.gemm.lda = 13, g.gemm.ldb = 12, g.gemm.ldc = 14;
    g.gemm.stride_a = 9 * 13 + 5, g.gemm.stride_b = 11 * 12 + 3, g.gemm.stride_c = 9 * 14 + 2;
    add(VB_OP_GEMM, "strided_batch", g, T);
    g = gemm(4, 12, 20, 24, 0, 0); /* one weight broadcast over the batch */
    g.gemm.stride_b = 0, g.gemm.has_bias = 1, g.gemm.act = VB_ACT_RELU;
    add(VB_OP_GEMM, "bcast_bias_relu", g, T);
    g = gemm(1, 19, 23, 29, 0, 0);
    g.gemm.alpha = 0.5f, g.gemm.beta = 1.0f;
    add(VB_OP_GEMM, "alpha_beta", g, T);
    g = gemm(1, 24, 40, 16, 0, 0);
    g.gemm.has_bias = 1, g.gemm.act = VB_ACT_GELU;
    add(VB_OP_GEMM, "bias_gelu", g, T);
    g.gemm.act = VB_ACT_GELU_TANH;
    add(VB_OP_GEMM, "bias_gelu_tanh", g, T);
    /* Operands over 2^20 elements, which onednn's bf16 path computes in pieces
     * (VB_ONEDNN_BF16_PIECE_MAX, 2^18): along M (an activation forbids splitting K), the batch,
     * K (a weight gradient's long reduction) and N, each split at least twice. */
    g = gemm(1, 4099, 8, 300, 1, 0);
    g.gemm.has_bias = 1, g.gemm.act = VB_ACT_GELU;
    add(VB_OP_GEMM, "pieces_m_tA_gelu", g, T);
    g = gemm(3, 700, 8, 600, 0, 0);
    g.gemm.alpha = 0.5f, g.gemm.beta = 1.0f;
    add(VB_OP_GEMM, "pieces_batch", g, T);
    g = gemm(1, 8, 16, 140001, 1, 0);
    g.gemm.beta = 1.0f;
    add(VB_OP_GEMM, "pieces_k_dw", g, T);
    g = gemm(1, 8, 140001, 9, 0, 1);
    g.gemm.has_bias = 1, g.gemm.alpha = 0.5f;
    add(VB_OP_GEMM, "pieces_n_tB_scaled_bias", g, T);
    linear("cct_qkv", 2 * 64, 128, 3 * 2 * 128, T);
    linear("cct_proj", 2 * 64, 2 * 128, 128, T);
    linear("cct_mlp", 2 * 64, 128, 128, T);
    linear("vit_mlp1", 2 * 144, 64, 128, T);
    linear("vit_mlp2", 2 * 144, 128, 64, T);
    /* b32: one chunk of a sample-parallel step (VB_CHUNK_DEFAULT), on one thread each */
    linear("cct_qkv_b32", 32 * 64, 128, 3 * 2 * 128, P);
    linear("cct_proj_b32", 32 * 64, 2 * 128, 128, P);
    linear("cct_mlp_b32", 32 * 64, 128, 128, P);
    linear("vit_qkv_b32", 32 * 144, 64, 3 * 4 * 64, P); /* the SPT+LSA ViT's, per chunk */
    linear("vit_proj_b32", 32 * 144, 4 * 64, 64, P);
    linear("vit_mlp1_b32", 32 * 144, 64, 128, P);
    linear("vit_head_b32", 32, 144 * 64, 2048, P); /* its first head layer */
    linear("cct_qkv_b128", 128 * 64, 128, 3 * 2 * 128, P);
    linear("cct_proj_b128", 128 * 64, 2 * 128, 128, P);
    linear("cct_mlp_b128", 128 * 64, 128, 128, P);
    add(VB_OP_GEMM, "sq1024", gemm(1, 1024, 1024, 1024, 0, 0), P);

    /* ---- conv2d (and its two backward ops) ---- */
    add(VB_OP_CONV2D_FWD, "tiny", conv(1, 5, 5, 2, 3, 3, 1, 0, 0, 0, 0, 1), T | G);
    add(VB_OP_CONV2D_FWD, "s2_asym", conv(2, 9, 8, 3, 4, 3, 2, 1, 0, 0, 1, 1), T | G);
    add(VB_OP_CONV2D_FWD, "k1_nobias", conv(2, 7, 7, 5, 6, 1, 1, 0, 0, 0, 0, 0), T);
    add(VB_OP_CONV2D_FWD, "cct_conv1", conv(2, 32, 32, 3, 64, 3, 1, 0, 0, 0, 0, 1), T);
    add(VB_OP_CONV2D_FWD, "cct_conv2", conv(2, 16, 16, 64, 128, 3, 1, 0, 0, 0, 0, 1), T);
    /* 2^16 elements an image: onednn's bf16 path runs 4 images at a time, then 3 */
    add(VB_OP_CONV2D_FWD, "pieces", conv(19, 32, 32, 64, 4, 3, 1, 1, 1, 1, 1, 1), T);
    add(VB_OP_CONV2D_FWD, "cct_conv1_b32", conv(32, 32, 32, 3, 64, 3, 1, 0, 0, 0, 0, 1), P);
    add(VB_OP_CONV2D_FWD, "cct_conv2_b32", conv(32, 16, 16, 64, 128, 3, 1, 0, 0, 0, 0, 1), P);
    add(VB_OP_CONV2D_FWD, "cct_conv1_b128", conv(128, 32, 32, 3, 64, 3, 1, 0, 0, 0, 0, 1), P);
    add(VB_OP_CONV2D_FWD, "cct_conv2_b128", conv(128, 16, 16, 64, 128, 3, 1, 0, 0, 0, 0, 1),
        P);

    /* ---- maxpool: Keras "same" with k3 s2 on an even size pads bottom/right by 1 ---- */
    add(VB_OP_MAXPOOL_FWD, "k2s2", pool(1, 6, 6, 3, 2, 2, 0, 0, 0, 0), T | G);
    add(VB_OP_MAXPOOL_FWD, "k3s2_same", pool(1, 6, 6, 3, 3, 2, 0, 1, 0, 1), T | G);
    add(VB_OP_MAXPOOL_FWD, "cct_pool1", pool(2, 32, 32, 64, 3, 2, 0, 1, 0, 1), T);
    add(VB_OP_MAXPOOL_FWD, "cct_pool2", pool(2, 16, 16, 128, 3, 2, 0, 1, 0, 1), T);
    add(VB_OP_MAXPOOL_FWD, "cct_pool1_b128", pool(128, 32, 32, 64, 3, 2, 0, 1, 0, 1), P);

    /* ---- pad ---- */
    add(VB_OP_PAD_FWD, "asym", DESC(pad_fwd, 2, 3, 4, 5, 0, 2, 1, 0), T | G);
    add(VB_OP_PAD_FWD, "cct_pad1", DESC(pad_fwd, 2, 30, 30, 64, 1, 1, 1, 1), T);
    add(VB_OP_PAD_FWD, "cct_pad2", DESC(pad_fwd, 2, 14, 14, 128, 1, 1, 1, 1), T);
    add(VB_OP_PAD_FWD, "cct_pad1_b128", DESC(pad_fwd, 128, 30, 30, 64, 1, 1, 1, 1), P);

    /* ---- element-wise ---- */
    vb_op elt[3] = {VB_OP_RELU_FWD, VB_OP_GELU_FWD, VB_OP_GELU_TANH_FWD};
    for (int i = 0; i < 3; i++) {
        add(elt[i], "n1", DESC(relu_fwd, 1), T);
        add(elt[i], "n37", DESC(relu_fwd, 37), T | G);
        add(elt[i], "n4099", DESC(relu_fwd, 4099), T);
    }
    add(VB_OP_RELU_FWD, "cct_conv1_out", DESC(relu_fwd, 2 * 30 * 30 * 64), T);
    add(VB_OP_GELU_FWD, "vit_mlp", DESC(gelu_fwd, 2 * 144 * 128), T);
    add(VB_OP_GELU_TANH_FWD, "vit_mlp", DESC(gelu_tanh_fwd, 2 * 144 * 128), T);
    add(VB_OP_RELU_FWD, "cct_conv1_out_b128", DESC(relu_fwd, 128 * 30 * 30 * 64), P);
    add(VB_OP_GELU_FWD, "vit_mlp_b128", DESC(gelu_fwd, 128 * 144 * 128), P);
    add(VB_OP_GELU_TANH_FWD, "vit_mlp_b128", DESC(gelu_tanh_fwd, 128 * 144 * 128), P);

    /* ---- add: residual, position embedding, bias ---- */
    add(VB_OP_ADD_FWD, "residual", DESC(add_fwd, 2 * 64 * 128, 2 * 64 * 128), T);
    add(VB_OP_ADD_FWD, "pos_emb", DESC(add_fwd, 2 * 64 * 128, 64 * 128), T);
    add(VB_OP_ADD_FWD, "bias", DESC(add_fwd, 7 * 13, 13), T | G);
    add(VB_OP_ADD_FWD, "residual_b128", DESC(add_fwd, 128 * 64 * 128, 128 * 64 * 128), P);

    /* ---- layernorm ---- */
    add(VB_OP_LAYERNORM_FWD, "odd", DESC(layernorm_fwd, 7, 33, 1e-5f), T | G);
    add(VB_OP_LAYERNORM_FWD, "cct", DESC(layernorm_fwd, 2 * 64, 128, 1e-5f), T);
    add(VB_OP_LAYERNORM_FWD, "vit", DESC(layernorm_fwd, 2 * 144, 64, 1e-6f), T);
    add(VB_OP_LAYERNORM_FWD, "cct_b128", DESC(layernorm_fwd, 128 * 64, 128, 1e-5f), P);

    /* ---- softmax ---- */
    add(VB_OP_SOFTMAX_FWD, "odd", DESC(softmax_fwd, 5, 17), T | G);
    add(VB_OP_SOFTMAX_FWD, "two_cols", DESC(softmax_fwd, 3, 2), T);
    add(VB_OP_SOFTMAX_FWD, "wide", DESC(softmax_fwd, 3, 1000), T);

    /* ---- attention ---- */
    add(VB_OP_ATTENTION_FWD, "tiny", attention(1, 5, 2, 3, 0, 0, 0.0f), T | G);
    add(VB_OP_ATTENTION_FWD, "tiny_lsa", attention(2, 6, 2, 4, 1, 1, 0.0f), T | G);
    add(VB_OP_ATTENTION_FWD, "tiny_drop", attention(1, 7, 1, 5, 1, 0, 0.2f), T | G);
    cf_desc a = attention(2, 9, 3, 5, 0, 0, 0.0f); /* padded, unequal row strides */
    a.attention_fwd.q_row_stride = 17, a.attention_fwd.k_row_stride = 15;
    a.attention_fwd.v_row_stride = 16, a.attention_fwd.o_row_stride = 18;
    add(VB_OP_ATTENTION_FWD, "strided", a, T);
    add(VB_OP_ATTENTION_FWD, "cct_mha", attention(2, 64, 2, 128, 1, 0, 0.1f), T);
    add(VB_OP_ATTENTION_FWD, "vit_lsa", attention(2, 144, 4, 64, 1, 1, 0.0f), T);
    /* Heads up to VBC_BY_HEAD_DIM_MAX wide and VBC_BY_HEAD_TOKENS_MAX long go one at a
     * time on AVX-512 CPUs (backends/common/attention_heads.c): qiita_vit's heads, a
     * width that is not a multiple of 16, the longest such heads with LSA, dropout and
     * the dropout mask of a later slice. */
    add(VB_OP_ATTENTION_FWD, "qiita", attention(2, 65, 4, 16, 1, 0, 0.0f), T);
    add(VB_OP_ATTENTION_FWD, "odd_heads", attention(2, 33, 3, 24, 0, 1, 0.1f), T);
    a = attention(3, 256, 2, 8, 1, 1, 0.1f);
    a.attention_fwd.first_sample = 3;
    add(VB_OP_ATTENTION_FWD, "long_heads", a, T);
    /* Longer heads go through batched GEMMs in blocks of as many batch elements as fit
     * (backends/common/attention.c: 2 at T = 300): more than one block, the last one
     * partial, with LSA, dropout and a later slice's mask. */
    a = attention(5, 300, 1, 8, 1, 1, 0.1f);
    a.attention_fwd.first_sample = 3;
    add(VB_OP_ATTENTION_FWD, "blocks", a, T);
    add(VB_OP_ATTENTION_FWD, "cct_mha_b32", attention(32, 64, 2, 128, 1, 0, 0.1f), P);
    add(VB_OP_ATTENTION_FWD, "cct_mha_b128", attention(128, 64, 2, 128, 1, 0, 0.1f), P);
    add(VB_OP_ATTENTION_FWD, "vit_lsa_b128", attention(128, 144, 4, 64, 1, 1, 0.0f), P);
    add(VB_OP_ATTENTION_FWD, "qiita_b32", attention(32, 65, 4, 16, 1, 0, 0.0f), P);

    /* ---- dropout, drop path ---- */
    add(VB_OP_DROPOUT_FWD, "r0.1", DESC(dropout_fwd, 1003, 0.1f), T | G);
    add(VB_OP_DROPOUT_FWD, "r0.5", DESC(dropout_fwd, 4099, 0.5f), T);
    add(VB_OP_DROPOUT_FWD, "r0", DESC(dropout_fwd, 64, 0.0f), T);
    add(VB_OP_DROP_PATH_FWD, "small", DESC(drop_path_fwd, 8, 21, 0.3f), T | G);
    add(VB_OP_DROP_PATH_FWD, "cct", DESC(drop_path_fwd, 16, 64 * 128, 0.1f), T);

    /* ---- sequence pooling ---- */
    add(VB_OP_SEQPOOL_FWD, "small", DESC(seqpool_fwd, 3, 5, 7), T | G);
    add(VB_OP_SEQPOOL_FWD, "cct", DESC(seqpool_fwd, 2, 64, 128), T);
    add(VB_OP_SEQPOOL_FWD, "cct_b128", DESC(seqpool_fwd, 128, 64, 128), P);

    /* ---- cross-entropy ---- */
    add(VB_OP_XENT_FWD, "cct", DESC(xent_fwd, 16, 10, 0.1f), T | G);
    add(VB_OP_XENT_FWD, "odd_nols", DESC(xent_fwd, 7, 3, 0.0f), T);
    add(VB_OP_XENT_FWD, "cct_b128", DESC(xent_fwd, 128, 10, 0.1f), P);

    /* ---- Adam: TF-addons AdamW (Keras CCT), PyTorch AdamW, plain Adam late on ---- */
    add(VB_OP_ADAM_STEP, "keras_adamw",
        DESC(adam_step, 1000, 1, 1e-3f, 0.9f, 0.999f, 1e-7f, 1e-4f, VB_DECAY_DECOUPLED,
             VB_EPS_KERAS), T);
    add(VB_OP_ADAM_STEP, "torch_adamw",
        DESC(adam_step, 1001, 10, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.05f, VB_DECAY_DECOUPLED_LR,
             VB_EPS_TORCH), T);
    add(VB_OP_ADAM_STEP, "adam_late",
        DESC(adam_step, 17, 1000, 1e-3f, 0.9f, 0.999f, 1e-7f, 0.0f, VB_DECAY_NONE,
             VB_EPS_TORCH), T);
    add(VB_OP_ADAM_STEP, "cct_params_1M",
        DESC(adam_step, 1 << 20, 1, 1e-3f, 0.9f, 0.999f, 1e-7f, 1e-4f, VB_DECAY_DECOUPLED,
             VB_EPS_KERAS), P);
}

const cf_case *cf_cases(int *count)
{
    if (ncases == 0)
        build();
    *count = ncases;
    return cases;
}

const cf_case *cf_case_find(vb_op op, const char *label)
{
    int n;
    const cf_case *c = cf_cases(&n);
    for (int i = 0; i < n; i++)
        if (c[i].family == cf_family(op) && strcmp(c[i].label, label) == 0)
            return &c[i];
    return NULL;
}

void cf_case_random(vb_op op, uint64_t seed, cf_case *c)
{
    memset(c, 0, sizeof *c);
    c->family = cf_family(op);
    snprintf(c->label, sizeof c->label, "random");
    c->tiers = T;
    uint64_t state = seed;
    cf_opinfo_get(c->family)->random(&state, &c->desc);
}
