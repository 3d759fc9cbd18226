/* The window of a [conv] or [maxpool] section: `size`, `stride` and `padding`, resolved
 * against the input into the per-side pads and the output size the op descriptors take. */
#ifndef VITBENCH_LAYERS_WINDOW_H
#define VITBENCH_LAYERS_WINDOW_H

#include <stddef.h>
#include <stdint.h>
#include "vitbench/cfg.h"
#include "vitbench/layer.h"

typedef struct vb_layer_window {
    int64_t size, stride; /* square kernel, same stride on both axes */
    int64_t pad_top, pad_bottom, pad_left, pad_right;
    int64_t oh, ow;
} vb_layer_window;

/* Reads size (required), stride (default_stride when absent; 0 = the size) and
 * padding = valid | same | <int>, and resolves them for an input of in.h × in.w:
 *   valid: no padding;  <int> p: p on every side;
 *   same (TensorFlow's rule, per axis): out = ceil(in / stride),
 *        total = max((out − 1)·stride + size − in, 0), top/left = total / 2, the rest after.
 * 0 or -1 with a message naming file:line and key. */
int vb_layer_window_read(vb_cfg_section *s, vb_shape in, int64_t default_stride,
                         vb_layer_window *w, char *err, size_t err_len);

#endif
