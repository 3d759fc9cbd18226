/* One oneDNN primitive ready to run, and the engine and stream of the context that every
 * primitive of the context shares.
 *
 * A vb_prim holds the created primitive and one memory object per execution argument,
 * all made once (per cache entry, see cache.h). At each call the memory objects of the
 * caller's tensors are only re-pointed (dnnl_memory_set_data_handle).
 *
 * An argument marked VB_STAGED instead owns a buffer allocated at creation. Staged
 * buffers bridge the places where the ABI differs from oneDNN: backward outputs that the
 * ABI ADDS into a gradient while oneDNN overwrites (compute staged, then accumulate),
 * a pooling workspace, layer norm's variance.
 *
 * Threads: oneDNN's OpenMP runtime splits a primitive's work for omp_get_max_threads()
 * threads — the calling thread's OpenMP thread count — when the primitive is created, and
 * runs it on that many. Creating and running therefore set the calling thread's count to
 * the context's for the call and put the caller's back after. */
#ifndef VITBENCH_ONEDNN_PRIM_H
#define VITBENCH_ONEDNN_PRIM_H

#include <oneapi/dnnl/dnnl.h>
#include "vitbench/backend.h"

#define VB_ARGS_MAX 10
#define VB_ARG_NONE 0           /* an unused position in an argument list */
#define VB_STAGED 0x40000000    /* OR'd into a DNNL_ARG_*: the memory owns its buffer */

typedef struct vb_prim {
    dnnl_primitive_t prim;
    int nargs;
    int arg[VB_ARGS_MAX];            /* DNNL_ARG_* (| VB_STAGED), or VB_ARG_NONE */
    dnnl_memory_t mem[VB_ARGS_MAX];  /* NULL at VB_ARG_NONE positions */
} vb_prim;

/* The context's engine (CPU 0) and in-order stream, made by init and released by
 * shutdown. */
int vb_engine_open(vb_backend_ctx *ctx);
void vb_engine_close(vb_backend_ctx *ctx);

/* Creates the primitive for `op` with `attr` (may be NULL) on the context's engine. A
 * backward primitive passes the matching forward op descriptor as `forward_hint` (else
 * NULL). args[0..nargs) lists the execution arguments in the order vb_prim_run takes their
 * pointers. */
int vb_prim_create(vb_backend_ctx *ctx, vb_prim *p, const_dnnl_op_desc_t op,
                   const_dnnl_primitive_attr_t attr, const_dnnl_op_desc_t forward_hint,
                   const int *args, int nargs);

/* Same, passing over the implementations whose name starts with `avoid` (e.g. "jit_1x1")
 * for the next one oneDNN offers: a way around a kernel known to fail on some shapes. */
int vb_prim_create_avoiding(vb_backend_ctx *ctx, vb_prim *p, const char *avoid,
                            const_dnnl_op_desc_t op, const_dnnl_primitive_attr_t attr,
                            const_dnnl_op_desc_t forward_hint, const int *args, int nargs);

/* A reorder (layout conversion) from `from` to `to`, arguments (DNNL_ARG_FROM,
 * DNNL_ARG_TO); attr may hold a sum post-op, making it `to += convert(from)`. */
int vb_prim_create_reorder(vb_backend_ctx *ctx, vb_prim *p, const dnnl_memory_desc_t *from,
                           const dnnl_memory_desc_t *to, const_dnnl_primitive_attr_t attr);

/* Staging: an input argument `arg` of `consumer`, created VB_STAGED in its own layout or
 * type (a packed filter, bf16 in a bf16 context), filled from the caller's f32 tensor by a
 * reorder `p` from `from` (the caller's layout). Create once, then at each call
 * vb_prim_stage(ctx, p, consumer, arg, src) before running consumer with NULL at arg. */
int vb_prim_create_staging(vb_backend_ctx *ctx, vb_prim *p, const dnnl_memory_desc_t *from,
                           const vb_prim *consumer, int arg);
int vb_prim_stage(vb_backend_ctx *ctx, const vb_prim *p, const vb_prim *consumer, int arg,
                  const void *src);

/* The type the context's products take their inputs in: dnnl_bf16 in bf16 mode
 * (backend.h), else dnnl_f32. Outputs, biases and accumulation stay f32. */
dnnl_data_type_t vb_compute_dt(const vb_backend_ctx *ctx);

/* Runs the primitive to completion on the context's stream. ptrs[i] is the data of
 * args[i]; a NULL pointer leaves the memory where it is (a staged buffer). oneDNN takes
 * inputs as void *, it does not write them. */
int vb_prim_run(vb_backend_ctx *ctx, const vb_prim *p, const void *const *ptrs);

/* How the primitive lays out argument `arg` (one it chose where given format "any"). */
const dnnl_memory_desc_t *vb_prim_md(const vb_prim *p, int arg);

/* The buffer of a staged argument (`arg` without the VB_STAGED bit). */
void *vb_prim_staged(const vb_prim *p, int arg);

/* dst += the staged f32 output `arg`, element by element, on the context's threads;
 * nothing when dst is NULL (the ABI's "gradient not wanted"). */
void vb_prim_accumulate(vb_backend_ctx *ctx, const vb_prim *p, int arg, float *dst);

void vb_prim_destroy(vb_prim *p);

/* Plain f32 memory descriptors. dims are in oneDNN's logical order (N, C, H, W for
 * images, O, I, H, W for filters); the tag says how they are laid out in memory. */
int vb_md_tag(dnnl_memory_desc_t *md, int ndims, const dnnl_dims_t dims,
              dnnl_format_tag_t tag);
/* The same in another data type. */
int vb_md_tag_dt(dnnl_memory_desc_t *md, int ndims, const dnnl_dims_t dims,
                 dnnl_data_type_t dt, dnnl_format_tag_t tag);
int vb_md_strided_dt(dnnl_memory_desc_t *md, int ndims, const dnnl_dims_t dims,
                     dnnl_data_type_t dt, const dnnl_dims_t strides);
int vb_md_strided(dnnl_memory_desc_t *md, int ndims, const dnnl_dims_t dims,
                  const dnnl_dims_t strides);

#endif
