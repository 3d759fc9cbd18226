/* [shifted_patches]: Shifted Patch Tokenization (Lee et al. 2021), as the Keras example of
 * seed 002 builds it, without its LayerNorm and Dense (separate sections after this one).
 *
 *   size = 6
 *   order = keras | official    which diagonal copies, in which channel order (below)
 *
 * The image and four copies moved diagonally by h = P/2 pixels, stacked on channels in the
 * seed's order, then cut into patches as [patches] does:
 *   x (B, H, W, C) → y (B, (H/P)·(W/P), 1, P·P·5C),  values in (ph, pw, view, c) order.
 * The seed makes each copy with crop_to_bounding_box(offset, size (H−h, W−h)) and then
 * pad_to_bounding_box(offset', size (H, W)); as the crop keeps exactly the pixels that stay
 * on the image, both together read
 *   view(i, j) = x(i + crop_row − pad_row, j + crop_col − pad_col), zero off the image:
 *   left-up    crop (h, h), pad (0, 0):  x(i + h, j + h)  content moves up and left
 *   left-down  crop (0, h), pad (h, 0):  x(i − h, j + h)
 *   right-up   crop (h, 0), pad (0, h):  x(i + h, j − h)
 *   right-down crop (0, 0), pad (h, h):  x(i − h, j − h)
 * The official code (aanna0701/SPT_LSA_ViT, PatchShifting) pads by h and slices instead,
 * and concatenates [x, lu, ru, lb, rb] with
 *   lu = x(i − h, j − h), ru = x(i − h, j + h), lb = x(i + h, j − h), rb = x(i + h, j + h):
 * the same four diagonal copies as the seed's, in another channel order. */
#include "patchify.h"

static int configure(vb_layer *l, vb_cfg_section *s, vb_layer_site site, char *err,
                     size_t err_len)
{
    (void)site;
    static const char *const orders[] = {"keras", "official", NULL};
    int order;
    if (vb_cfg_enum_or(s, "order", orders, 0, &order, err, err_len)) return -1;
    vb_patch_layer *pl = vb_patch_layer_configure(l, s, 5, err, err_len);
    if (!pl) return -1;
    const int64_t h = pl->size / 2;
    /* keras: the image, left-up, left-down, right-up, right-down (tf.concat's order in the
     * seed); official: the image, lu, ru, lb, rb */
    const vb_shift keras[5] = {{0, 0}, {h, h}, {-h, h}, {h, -h}, {-h, -h}};
    const vb_shift official[5] = {{0, 0}, {-h, -h}, {-h, h}, {h, -h}, {h, h}};
    for (int v = 0; v < 5; v++) pl->shift[v] = order ? official[v] : keras[v];
    return 0;
}

const vb_layer_kind vb_layer_shifted_patches = {
    .name = "shifted_patches",
    .component = {VB_COMP_TOKENIZER, VB_COMP_HEAD},
    .configure = configure,
    .count = vb_patch_layer_count,
    .forward = vb_patch_layer_forward,
    .backward = vb_patch_layer_backward,
};
