/* [flatten]: tokens (T, 1, C) — or any (h, w, c) — to one vector (1, 1, T·C), as Keras
 * Flatten before an MLP head. The memory layout does not change: forward copies,
 * backward adds the gradient back. No keys. */
#include "seq_common.h"

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len)
{
    (void)s, (void)site, (void)err, (void)err_len;
    l->out = (vb_shape){1, 1, vb_shape_numel(l->in)};
    return 0;
}

const vb_layer_kind vb_layer_flatten = {
    .name = "flatten",
    .component = {VB_COMP_TOKENIZER, VB_COMP_HEAD},
    .configure = configure,
    .count = vb_seq_count_nothing,
    .forward = vb_seq_pass_forward,
    .backward = vb_seq_pass_backward,
};
