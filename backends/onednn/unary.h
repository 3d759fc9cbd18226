/* The shared shape of one-input ops (eltwise, softmax): forward y = f(x) runs a primitive
 * with (SRC, DST); backward dx += f'(saved)·dy runs one with (saved, DIFF_DST, DIFF_SRC),
 * where the saved tensor is x (eltwise) or y (softmax), and DIFF_SRC is staged because the
 * ABI adds into dx. Each op supplies the builders; these create and run the primitives. */
#ifndef VITBENCH_ONEDNN_UNARY_H
#define VITBENCH_ONEDNN_UNARY_H

#include "cache.h"

/* Builder halves: the entry's primitive from a finished op descriptor. */
int vb_unary_create_fwd(vb_backend_ctx *ctx, vb_entry *e, const_dnnl_op_desc_t op);
int vb_unary_create_bwd(vb_backend_ctx *ctx, vb_entry *e, const_dnnl_op_desc_t op,
                        const_dnnl_op_desc_t fwd, int saved_arg);

int vb_unary_fwd(vb_backend_ctx *ctx, const vb_key *key, vb_build_fn build, const void *desc,
                 const float *x, float *y);
int vb_unary_bwd(vb_backend_ctx *ctx, const vb_key *key, vb_build_fn build, const void *desc,
                 const float *saved, const float *dy, float *dx);

#endif
