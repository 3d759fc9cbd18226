/* [patches]: non-overlapping P×P patches flattened into tokens (ViT's patch step; TF
 * extract_patches with size = stride = P, "VALID"; Keras space_to_depth then reshape).
 *
 *   size = 4
 *
 *   x (B, H, W, C) → y (B, (H/P)·(W/P), 1, P·P·C), values of a token in (ph, pw, c) order.
 * The projection that usually follows is a separate [dense]. */
#include "patchify.h"

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len)
{
    (void)site;
    return vb_patch_layer_configure(l, s, 1, err, err_len) ? 0 : -1;
}

const vb_layer_kind vb_layer_patches = {
    .name = "patches",
    .component = {VB_COMP_TOKENIZER, VB_COMP_HEAD},
    .configure = configure,
    .count = vb_patch_layer_count,
    .forward = vb_patch_layer_forward,
    .backward = vb_patch_layer_backward,
};
