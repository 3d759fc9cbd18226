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

double vb_counts_macs(const vb_counts *c, int with_attn_matmuls, int with_softmax_norm)
{
    double total = 0;
    for (int i = 0; i < VB_COMP_COUNT; i++) total += c->macs[i];
    if (with_attn_matmuls) total += c->attn_matmul_macs;
    if (with_softmax_norm) total += c->softmax_norm_ops;
    return total;
}

double vb_counts_macs_ptflops(const vb_counts *c, int activation_modules)
{
    return vb_counts_macs(c, 0, 0) + c->relu_pool_values + c->dense_bias_features +
           (activation_modules ? c->dense_activation_values : 0);
}
