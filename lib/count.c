/* Totals over the per-component counts (count.h). */
#include "vitbench/count.h"

const char *vb_component_name(vb_component c)
{
    static const char *const names[VB_COMP_COUNT] = {
        "tokenizer", "position", "pool", "attention", "mlp", "norm", "head"};
    return (int)c >= 0 && c < VB_COMP_COUNT ? names[c] : "?";
}

int64_t vb_counts_params(const vb_counts *c)
{
    int64_t total = 0;
    for (int i = 0; i < VB_COMP_COUNT; i++) total += c->params[i];
    return total;
}

double vb_counts_macs(const vb_counts *c, unsigned terms)
{
    double total = 0;
    for (int i = 0; i < VB_COMP_COUNT; i++) total += c->macs[i];
    if (terms & VB_MACS_ATTN_MATMULS) total += c->attn_matmul_macs;
    if (terms & VB_MACS_SOFTMAX_NORM) total += c->softmax_norm_ops;
    return total;
}

double vb_counts_macs_ptflops(const vb_counts *c, vb_activation_style activations)
{
    return vb_counts_macs(c, 0) + c->relu_pool_values + c->dense_bias_features +
           (activations == VB_ACTIVATIONS_MODULES ? c->dense_activation_values : 0);
}
