/* Aligned allocation and the parameter/gradient block pair. */
#include "vitbench/tensor.h"

#include <stdlib.h>
#include <string.h>
#include "vitbench/checked.h"

void *vb_alloc(size_t bytes)
{
    if (bytes == 0 || bytes > SIZE_MAX - VB_ALIGN) return NULL; /* SIZE_MAX: a saturated size */
    size_t rounded = (bytes + VB_ALIGN - 1) / VB_ALIGN * VB_ALIGN;
    void *p = NULL;
    if (posix_memalign(&p, VB_ALIGN, rounded) != 0) return NULL;
    memset(p, 0, rounded);
    return p;
}

void vb_free(void *p) { free(p); }

/* ---- parameter block ---------------------------------------------------------------- */

/* Each parameter starts on a 64-byte boundary so every kernel sees aligned weights. */
#define FLOATS_PER_ALIGN (VB_ALIGN / sizeof(float))

void vb_param_block_init(vb_param_block *pb) { memset(pb, 0, sizeof *pb); }

int vb_param_block_find(const vb_param_block *pb, const char *name)
{
    for (int i = 0; i < pb->count; i++)
        if (strcmp(pb->params[i].name, name) == 0) return i;
    return -1;
}

int vb_param_block_add(vb_param_block *pb, const char *name, int ndim, const int64_t *shape)
{
    if (pb->data || ndim < 1 || ndim > VB_MAX_DIMS) return -1;
    if (strlen(name) >= VB_PARAM_NAME_MAX || vb_param_block_find(pb, name) >= 0) return -1;
    size_t numel = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] <= 0) return -1;
        numel = vb_size_mul(numel, (size_t)shape[i]);
    }
    /* Rounded up to the alignment, as the block lays it out; SIZE_MAX stays SIZE_MAX. */
    size_t padded = vb_size_add(numel, FLOATS_PER_ALIGN - 1) / FLOATS_PER_ALIGN * FLOATS_PER_ALIGN;
    if (numel == SIZE_MAX || vb_size_add(pb->total, padded) > SIZE_MAX / sizeof(float)) return -1;
    if (pb->count == pb->capacity) {
        int capacity = pb->capacity ? 2 * pb->capacity : 32;
        vb_param *grown = realloc(pb->params, (size_t)capacity * sizeof *grown);
        if (!grown) return -1;
        pb->params = grown;
        pb->capacity = capacity;
    }
    vb_param *p = &pb->params[pb->count];
    memset(p, 0, sizeof *p);
    strcpy(p->name, name);
    p->ndim = ndim;
    memcpy(p->shape, shape, (size_t)ndim * sizeof *shape);
    p->offset = pb->total;
    p->numel = numel;
    pb->total += padded;
    return pb->count++;
}

int vb_param_block_alloc(vb_param_block *pb)
{
    if (pb->data || pb->total == 0) return -1;
    pb->data = vb_alloc(pb->total * sizeof(float));
    pb->grad = vb_alloc(pb->total * sizeof(float));
    if (!pb->data || !pb->grad) {
        vb_free(pb->data);
        vb_free(pb->grad);
        pb->data = pb->grad = NULL;
        return -1;
    }
    return 0;
}

float *vb_param_data(const vb_param_block *pb, int index)
{
    return pb->data + pb->params[index].offset;
}

float *vb_param_grad(const vb_param_block *pb, int index)
{
    return pb->grad + pb->params[index].offset;
}

void vb_param_block_zero_grad(vb_param_block *pb)
{
    memset(pb->grad, 0, pb->total * sizeof(float));
}

size_t vb_param_block_numel(const vb_param_block *pb)
{
    size_t n = 0;
    for (int i = 0; i < pb->count; i++) n += pb->params[i].numel;
    return n;
}

size_t vb_param_block_trainable_numel(const vb_param_block *pb)
{
    size_t n = 0;
    for (int i = 0; i < pb->count; i++)
        if (!pb->params[i].frozen) n += pb->params[i].numel;
    return n;
}

void vb_param_block_free(vb_param_block *pb)
{
    vb_free(pb->data);
    vb_free(pb->grad);
    free(pb->params);
    vb_param_block_init(pb);
}
