/* Space-to-depth patch extraction shared by [patches] and [shifted_patches].
 *
 * An image (H, W, C) becomes T = (H/P)·(W/P) tokens of P·P·K·C values, where K views of the
 * image are stacked on channels first. View k reads the image shifted by (dy, dx):
 *   view_k(i, j, c) = x(i + dy_k, j + dx_k, c), or 0 where that falls outside the image.
 * Tokens run row-major over the patch grid; inside a token the values run (ph, pw, k, c),
 * the order of TensorFlow's extract_patches / space_to_depth over the stacked image.
 * The output (T, 1, P·P·K·C) is a token sequence. No parameters. */
#ifndef VITBENCH_LAYERS_PATCHIFY_H
#define VITBENCH_LAYERS_PATCHIFY_H

#include <stddef.h>
#include <stdint.h>
#include "vitbench/layer.h"

#define VB_PATCH_MAX_VIEWS 5

typedef struct vb_shift {
    int64_t dy, dx;
} vb_shift;

/* A patch layer's l->priv: the patch size and its views. */
typedef struct vb_patch_layer {
    int64_t size;
    int views;
    vb_shift shift[VB_PATCH_MAX_VIEWS];
} vb_patch_layer;

/* Reads `size` (H and W must be multiples of it), sets l->priv to a vb_patch_layer with
 * `views` unshifted views for the caller to shift, and l->out. NULL on error. */
vb_patch_layer *vb_patch_layer_configure(vb_layer *l, vb_cfg_section *s, int views,
                                         char *err, size_t err_len);
void vb_patch_layer_count(const vb_layer *l, vb_counts *c);
int vb_patch_layer_forward(vb_layer *l, vb_run *r, const float *x, float *y);
int vb_patch_layer_backward(vb_layer *l, vb_run *r, const float *x, const float *y,
                            const float *dy, float *dx);

#endif
