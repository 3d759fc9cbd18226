/* Window geometry of conv and pooling layers (window.h). */
#include "window.h"

#include <string.h>
#include "vitbench/desc_check.h"

/* Pads of one axis under TensorFlow's "same": the output keeps ceil(in / stride) positions
 * and the odd pixel of padding, if any, goes after. */
static void same_pads(int64_t in, int64_t size, int64_t stride, int64_t *lo, int64_t *hi)
{
    int64_t out = (in + stride - 1) / stride;
    int64_t total = (out - 1) * stride + size - in;
    if (total < 0) total = 0;
    *lo = total / 2;
    *hi = total - *lo;
}

/* padding = valid | same | <int>. Anything but the two words is parsed by the int getter;
 * when that fails, its "expected an integer" is replaced by a message listing all three;
 * an integer is then read again, bounded. */
static int read_padding(vb_cfg_section *s, vb_shape in, vb_layer_window *w, char *err,
                        size_t err_len)
{
    const char *mode;
    vb_cfg_str_or(s, "padding", "valid", &mode);
    if (strcmp(mode, "valid") == 0) {
        w->pad_top = w->pad_bottom = w->pad_left = w->pad_right = 0;
    } else if (strcmp(mode, "same") == 0) {
        same_pads(in.h, w->size, w->stride, &w->pad_top, &w->pad_bottom);
        same_pads(in.w, w->size, w->stride, &w->pad_left, &w->pad_right);
    } else {
        int64_t p;
        if (vb_cfg_int(s, "padding", &p, err, err_len))
            return vb_cfg_key_error(s, "padding", err, err_len,
                                "expected valid, same or an integer, got '%s'",
                                mode);
        if (vb_cfg_int_in(s, "padding", 0, VB_SIDE_MAX, &p, err, err_len)) return -1;
        w->pad_top = w->pad_bottom = w->pad_left = w->pad_right = p;
    }
    return 0;
}

int vb_layer_window_read(vb_cfg_section *s, vb_shape in, int64_t default_stride,
                         vb_layer_window *w, char *err, size_t err_len)
{
    memset(w, 0, sizeof *w);
    if (vb_cfg_int_in(s, "size", 1, VB_SIDE_MAX, &w->size, err, err_len) ||
        vb_cfg_int_in_or(s, "stride", default_stride > 0 ? default_stride : w->size, 1,
                         VB_SIDE_MAX, &w->stride, err, err_len))
        return -1;
    if (read_padding(s, in, w, err, err_len)) return -1;
    w->oh = vb_window_out(in.h, w->size, w->stride, w->pad_top, w->pad_bottom);
    w->ow = vb_window_out(in.w, w->size, w->stride, w->pad_left, w->pad_right);
    if (w->oh < 1 || w->ow < 1)
        return vb_cfg_key_error(s, "size", err, err_len,
                            "a %lldx%lld window does not fit the padded %lldx%lld "
                            "input",
                            (long long)w->size, (long long)w->size, (long long)in.h,
                            (long long)in.w);
    return 0;
}
