/* Small pieces shared by the sequence layers (dense, layernorm, dropout, flatten, token,
 * posemb, class_token, seqpool, and the encoder's Dense units): declaring a named
 * parameter, choosing an initialiser from a kind's list, the identity pass-through
 * several kinds fall back to, and running a Dense layer's activation. */
#ifndef VITBENCH_LAYERS_SEQ_COMMON_H
#define VITBENCH_LAYERS_SEQ_COMMON_H

#include "init.h"
#include "vitbench/layer.h"

/* Declares parameter l->name + "." + role with the given shape; its index or -1. */
int vb_seq_declare(vb_param_block *pb, const vb_layer *l, const char *role, int ndim,
                   const int64_t *shape);

/* Reads `init = ...`, accepting only the n initialisers in `allowed` (the error lists
 * them); dflt when the key is absent. 0 or -1. */
int vb_seq_read_init(vb_cfg_section *s, const vb_init *allowed, int n, vb_init dflt,
                     vb_init *out, char *err, size_t err_len);

/* Identity: y = x (a copy of the whole batch) and dx += dy (skipped when dx is NULL).
 * in and out must hold the same number of values. */
int vb_seq_pass_forward(vb_layer *l, vb_run *r, const float *x, float *y);
int vb_seq_pass_backward(vb_layer *l, vb_run *r, const float *x, const float *y,
                         const float *dy, float *dx);

/* count() of a kind with no parameters and no multiply-adds. */
void vb_seq_count_nothing(const vb_layer *l, vb_counts *c);

/* An activation as its element-wise op over n values: y = act(pre) (y may be pre), and
 * dpre += act'(pre) · dy. Nothing to do for VB_ACT_NONE. 0, or -1 with r->err set. */
int vb_seq_act_forward(vb_run *r, vb_act act, int64_t n, const float *pre, float *y);
int vb_seq_act_backward(vb_run *r, vb_act act, int64_t n, const float *pre, const float *dy,
                        float *dpre);

#endif
