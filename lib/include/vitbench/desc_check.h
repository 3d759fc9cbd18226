/* Validation of op descriptors before any backend sees them: sizes positive, strides
 * large enough, derived sizes (conv/pool oh, ow) consistent, rates in [0, 1), enums known.
 * The core calls this on every op, so no backend receives a malformed case, and a user
 * gets one line naming the op and the field instead of a crash. */
#ifndef VITBENCH_DESC_CHECK_H
#define VITBENCH_DESC_CHECK_H

#include <stddef.h>
#include "vitbench/backend.h"

/* Returns VB_OK, or VB_EINVAL with "op: field ..." written to err. */
int vb_desc_check(vb_op op, const void *desc, char *err, size_t err_len);

/* sizeof the descriptor type the op takes. */
size_t vb_desc_size(vb_op op);

/* Output height/width of a conv or pool window: (in + pad_lo + pad_hi − k) / stride + 1,
 * or 0 if the window does not fit. */
int64_t vb_window_out(int64_t in, int64_t k, int64_t stride, int64_t pad_lo, int64_t pad_hi);

#endif
