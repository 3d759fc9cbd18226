/* Pieces shared by the sequence layers (seq_common.h). */
#include "seq_common.h"

#include <stdio.h>
#include <string.h>

int vb_seq_declare(vb_param_block *pb, const vb_layer *l, const char *role, int ndim,
                   const int64_t *shape)
{
    char name[VB_PARAM_NAME_MAX];
    snprintf(name, sizeof name, "%s.%s", l->name, role);
    return vb_param_block_add(pb, name, ndim, shape);
}

int vb_seq_read_init(vb_cfg_section *s, const vb_init *allowed, int n, vb_init dflt,
                     vb_init *out, char *err, size_t err_len)
{
    const char *names[VB_INIT_COUNT + 1];
    int dflt_index = 0;
    for (int i = 0; i < n; i++) {
        names[i] = vb_init_names[allowed[i]];
        if (allowed[i] == dflt) dflt_index = i;
    }
    names[n] = NULL;
    int chosen;
    if (vb_cfg_enum_or(s, "init", names, dflt_index, &chosen, err, err_len)) return -1;
    *out = allowed[chosen];
    return 0;
}

int vb_seq_pass_forward(vb_layer *l, vb_run *r, const float *x, float *y)
{
    (void)r;
    memcpy(y, x, (size_t)(l->batch * vb_shape_numel(l->in)) * sizeof(float));
    return 0;
}

int vb_seq_pass_backward(vb_layer *l, vb_run *r, const float *x, const float *y,
                         const float *dy, float *dx)
{
    (void)x, (void)y;
    if (!dx) return 0;
    int64_t n = l->batch * vb_shape_numel(l->in);
    vb_add_desc d = {.n = n, .nb = n}; /* da += dy, no broadcast operand */
    VB_RUN(r, add_bwd, &d, dy, dx, NULL);
    return 0;
}

void vb_seq_count_nothing(const vb_layer *l, vb_counts *c)
{
    (void)l, (void)c;
}

int vb_seq_act_forward(vb_run *r, vb_act act, int64_t n, const float *pre, float *y)
{
    const vb_eltwise_desc e = {.n = n};
    switch (act) {
    case VB_ACT_NONE: break;
    case VB_ACT_RELU: VB_RUN(r, relu_fwd, &e, pre, y); break;
    case VB_ACT_GELU: VB_RUN(r, gelu_fwd, &e, pre, y); break;
    case VB_ACT_GELU_TANH: VB_RUN(r, gelu_tanh_fwd, &e, pre, y); break;
    }
    return 0;
}

int vb_seq_act_backward(vb_run *r, vb_act act, int64_t n, const float *pre, const float *dy,
                        float *dpre)
{
    const vb_eltwise_desc e = {.n = n};
    switch (act) {
    case VB_ACT_NONE: break;
    case VB_ACT_RELU: VB_RUN(r, relu_bwd, &e, pre, dy, dpre); break;
    case VB_ACT_GELU: VB_RUN(r, gelu_bwd, &e, pre, dy, dpre); break;
    case VB_ACT_GELU_TANH: VB_RUN(r, gelu_tanh_bwd, &e, pre, dy, dpre); break;
    }
    return 0;
}
