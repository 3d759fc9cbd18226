/* Memory and parameters.
 *
 * Memory comes from vb_alloc: 64-byte aligned (one cache line, one AVX-512 register) and
 * zero-filled.
 *
 * A model's parameters live in one contiguous block and their gradients in a second block
 * with the same offsets, so zeroing, checkpoints and gradient all-reduce are each one loop
 * or one call over the whole block, and the optimizer one call per run of trainable
 * (not frozen) parameters. */
#ifndef VITBENCH_TENSOR_H
#define VITBENCH_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#define VB_ALIGN 64
#define VB_MAX_DIMS 6

/* 64-byte aligned, zero-filled; NULL on failure or bytes == 0. Free with vb_free. */
void *vb_alloc(size_t bytes);
void vb_free(void *p);

/* ---- one block of parameters, one block of gradients -------------------------------- */
#define VB_PARAM_NAME_MAX 96

typedef struct vb_param {
    char name[VB_PARAM_NAME_MAX]; /* e.g. "blocks.0.attn.qkv.weight" */
    int ndim;
    int64_t shape[VB_MAX_DIMS];
    size_t offset; /* in floats from the start of the block; multiple of VB_ALIGN/4 */
    size_t numel;
    int frozen; /* a constant kept with the weights: never given a gradient or updated */
} vb_param;

typedef struct vb_param_block {
    vb_param *params;
    int count, capacity;
    size_t total; /* floats, including alignment padding */
    float *data;  /* NULL until vb_param_block_alloc */
    float *grad;
} vb_param_block;

void vb_param_block_init(vb_param_block *pb);
/* Declares a parameter; returns its index, or -1 (bad shape, duplicate name, no memory). */
int vb_param_block_add(vb_param_block *pb, const char *name, int ndim, const int64_t *shape);
/* Allocates data and grad (zeroed) once every parameter is declared. 0 or -1. */
int vb_param_block_alloc(vb_param_block *pb);
float *vb_param_data(const vb_param_block *pb, int index);
float *vb_param_grad(const vb_param_block *pb, int index);
int vb_param_block_find(const vb_param_block *pb, const char *name);
void vb_param_block_zero_grad(vb_param_block *pb);
/* Number of real parameters (padding excluded), frozen ones included. */
size_t vb_param_block_numel(const vb_param_block *pb);
/* The same without the frozen ones: what the optimizer trains. */
size_t vb_param_block_trainable_numel(const vb_param_block *pb);
void vb_param_block_free(vb_param_block *pb);

#endif
