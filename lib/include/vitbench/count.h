/* Parameter and MAC accounting, by model component.
 *
 * Published counts disagree exactly where conventions differ, so the parts are kept
 * apart and combined only when printed: linear/conv MACs per component, the two attention
 * matmuls (QKᵀ and AV — the CCT paper's MACs leave them out) on their own, the
 * element-wise work of softmax and normalisation on its own, and the values through the
 * ReLU and max-pool layers on their own. FLOPs = 2 × MACs. */
#ifndef VITBENCH_COUNT_H
#define VITBENCH_COUNT_H

#include <stdint.h>

typedef enum vb_component {
    VB_COMP_TOKENIZER = 0, /* conv stack, patch embedding, SPT (incl. its LayerNorm) */
    VB_COMP_POSITION,      /* position embedding */
    VB_COMP_POOL,          /* class token or sequence pooling */
    VB_COMP_ATTENTION,     /* q, k, v and output projections (+ LSA temperature) */
    VB_COMP_MLP,           /* the encoder blocks' MLPs */
    VB_COMP_NORM,          /* LayerNorms of the encoder and the final norm */
    VB_COMP_HEAD,          /* classifier: linear or MLP head */
    VB_COMP_COUNT
} vb_component;

typedef struct vb_counts {
    int64_t params[VB_COMP_COUNT];
    double macs[VB_COMP_COUNT]; /* per image: dense and conv multiply-adds */
    double attn_matmul_macs;    /* per image: QKᵀ and AV of every block */
    double softmax_norm_ops;    /* per image: element-wise ops of softmax and norms */
    /* Per image: values out of conv ReLUs plus values into max-pools. Module-hook
     * counters (ptflops) add exactly these for nn.ReLU and nn.MaxPool2d layers, and
     * nothing for functional softmax, GELU or attention matmuls: the CCT README's MACs. */
    double relu_pool_values;
    /* Per image: values through the activations of dense layers and MLPs (ptflops counts
     * them when the source makes them nn.GELU/nn.ReLU modules, not when it calls F.gelu). */
    double dense_activation_values;
    /* Output features of the biased dense layers, once per layer, not per token: what
     * ptflops 0.6.4–0.6.9's nn.Linear hook adds for the bias. */
    double dense_bias_features;
} vb_counts;

const char *vb_component_name(vb_component c);
int64_t vb_counts_params(const vb_counts *c);
/* What vb_counts_macs adds to the dense and conv MACs: 0, or these or-ed together. */
enum {
    VB_MACS_ATTN_MATMULS = 1, /* QKᵀ and AV */
    VB_MACS_SOFTMAX_NORM = 2  /* the element-wise ops of softmax and norms */
};

/* Total MACs per image: the dense and conv MACs and the terms asked for. */
double vb_counts_macs(const vb_counts *c, unsigned terms);

/* How the counted source writes its dense layers' activations. */
typedef enum vb_activation_style {
    VB_ACTIVATIONS_FUNCTIONAL = 0, /* F.gelu calls: ptflops does not see them */
    VB_ACTIVATIONS_MODULES = 1     /* nn.GELU / nn.ReLU modules: ptflops counts them */
} vb_activation_style;

/* What ptflops 0.6.8–0.6.9 reports: dense and conv MACs, one op per bias feature of each
 * dense layer, the ReLU and max-pool values; the dense activations only when the source
 * makes them modules. No norms (its LayerNorm hook came in 0.7), softmax or attention
 * matmuls (functional calls, unseen). The CCT repository calls F.gelu (its README's MACs);
 * the SPT/LSA repository uses nn.GELU. */
double vb_counts_macs_ptflops(const vb_counts *c, vb_activation_style activations);

#endif
