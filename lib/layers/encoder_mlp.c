/* The MLP branch of an encoder block: Dense units j = 0 .. L−1 of widths w_j (w_{L−1} = C)
 *   h_j = Dropout(act(h_{j−1} · W_j + b_j)),   h_{−1} = in,   out = DropPath(h_{L−1})
 * The last unit's activation is optional (Keras CCT / SPT examples: yes; ViT: no), and
 * dropout follows every unit or only the last (Keras examples vs Qiita). */
#include "encoder.h"

static enc_dense mlp_unit(const vb_layer *l, const vb_run *r, const enc_state *s, int j)
{
    const enc_config *c = l->priv;
    const int last = j == c->mlp_count - 1;
    const int has_dropout = r->training && (last || c->mlp_dropout_each);
    return (enc_dense){.batch = l->batch, .tokens = c->tokens,
                       .in = j ? c->mlp[j - 1] : c->dim, .out = c->mlp[j],
                       .w = enc_param(l, r, c->mlp_w[j]), .b = enc_param(l, r, c->mlp_b[j]),
                       .dw = enc_grad(l, r, c->mlp_w[j]), .db = enc_grad(l, r, c->mlp_b[j]),
                       .act = last && !c->mlp_last_act ? VB_ACT_NONE : c->mlp_act,
                       .z = s->z[j],
                       .dropout = has_dropout ? c->mlp_dropout : 0.0f,
                       .drop_path = last && r->training ? c->drop_path : 0.0f,
                       .dropout_seed = vb_run_seed(r, l->index, ENC_TAG_MLP_DROPOUT + j),
                       .path_seed = vb_run_seed(r, l->index, ENC_TAG_MLP_PATH)};
}

int enc_mlp_forward(const vb_layer *l, vb_run *r, const enc_state *s, const float *in,
                    float *out)
{
    const enc_config *c = l->priv;
    const float *x = in;
    for (int j = 0; j < c->mlp_count; j++) {
        const enc_dense u = mlp_unit(l, r, s, j);
        float *y = j == c->mlp_count - 1 ? out : s->hidden[j];
        if (enc_dense_forward(r, &u, x, y)) return -1;
        x = y;
    }
    return 0;
}

/* From the last unit down; unit j's input gradient lands in the spare scratch buffer and
 * becomes unit j−1's output gradient (unit 0's goes to din). */
int enc_mlp_backward(const vb_layer *l, vb_run *r, const enc_state *s, const float *in,
                     const float *dout, float *din, float din_beta)
{
    const enc_config *c = l->priv;
    const float *d = dout;
    for (int j = c->mlp_count - 1; j >= 0; j--) {
        const enc_dense u = mlp_unit(l, r, s, j);
        if (enc_dense_backward_eltwise(r, &u, &d, s->g)) return -1;
        const float *x = j ? s->hidden[j - 1] : in;
        float *dx = j ? enc_spare(d, s->g) : din;
        if (enc_dense_backward_linear(r, &u, x, d, dx, j ? 0.0f : din_beta)) return -1;
        d = dx;
    }
    return 0;
}
