/* vb_prim: create a oneDNN primitive with its argument memories once, run it many times. */
#include <omp.h>
#include <string.h>
#include "check.h"
#include "onednn.h"

int vb_engine_open(vb_backend_ctx *ctx)
{
    VB_DNNL_TRY(dnnl_engine_create(&ctx->engine, dnnl_cpu, 0));
    int err =
        vb_dnnl_err(dnnl_stream_create(&ctx->stream, ctx->engine, dnnl_stream_default_flags));
    if (err != VB_OK)
        vb_engine_close(ctx);
    return err;
}

void vb_engine_close(vb_backend_ctx *ctx)
{
    if (ctx->stream != NULL)
        dnnl_stream_destroy(ctx->stream);
    if (ctx->engine != NULL)
        dnnl_engine_destroy(ctx->engine);
    ctx->stream = NULL;
    ctx->engine = NULL;
}

/* The calling thread's OpenMP thread count set to the context's (prim.h: oneDNN sizes and
 * runs its primitives on it); returns the caller's, for leave(). */
static int enter(const vb_backend_ctx *ctx)
{
    const int callers = omp_get_max_threads();
    omp_set_num_threads(ctx->common.threads);
    return callers;
}

static void leave(int callers) { omp_set_num_threads(callers); }

int vb_md_tag(dnnl_memory_desc_t *md, int ndims, const dnnl_dims_t dims,
              dnnl_format_tag_t tag)
{
    return vb_md_tag_dt(md, ndims, dims, dnnl_f32, tag);
}

int vb_md_tag_dt(dnnl_memory_desc_t *md, int ndims, const dnnl_dims_t dims,
                 dnnl_data_type_t dt, dnnl_format_tag_t tag)
{
    return vb_dnnl_err(dnnl_memory_desc_init_by_tag(md, ndims, dims, dt, tag));
}

dnnl_data_type_t vb_compute_dt(const vb_backend_ctx *ctx)
{
    return ctx->common.precision == VB_PRECISION_BF16 ? dnnl_bf16 : dnnl_f32;
}

int vb_md_strided(dnnl_memory_desc_t *md, int ndims, const dnnl_dims_t dims,
                  const dnnl_dims_t strides)
{
    return vb_md_strided_dt(md, ndims, dims, dnnl_f32, strides);
}

int vb_md_strided_dt(dnnl_memory_desc_t *md, int ndims, const dnnl_dims_t dims,
                     dnnl_data_type_t dt, const dnnl_dims_t strides)
{
    return vb_dnnl_err(dnnl_memory_desc_init_by_strides(md, ndims, dims, dt, strides));
}

/* The memory object for argument position i, described as the primitive expects it.
 * Runtime output scales are the one argument the primitive descriptor does not
 * describe: a single f32. */
static int create_arg_memory(vb_backend_ctx *ctx, vb_prim *p, const_dnnl_primitive_desc_t pd,
                             int i)
{
    int id = p->arg[i] & ~VB_STAGED;
    if (id == VB_ARG_NONE)
        return VB_OK;
    dnnl_memory_desc_t scalar;
    const dnnl_memory_desc_t *md;
    if (id == DNNL_ARG_ATTR_OUTPUT_SCALES) {
        VB_TRY(vb_md_tag(&scalar, 1, (dnnl_dims_t){1}, dnnl_a));
        md = &scalar;
    } else {
        md = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, id);
        if (md == NULL || md->ndims == 0)
            return VB_EBACKEND; /* the primitive takes no such argument */
    }
    void *handle = (p->arg[i] & VB_STAGED) ? DNNL_MEMORY_ALLOCATE : DNNL_MEMORY_NONE;
    return vb_dnnl_err(dnnl_memory_create(&p->mem[i], md, ctx->engine, handle));
}

/* The primitive of pd and one memory object per argument; takes ownership of pd. */
static int create_from_pd(vb_backend_ctx *ctx, vb_prim *p, dnnl_primitive_desc_t pd,
                          const int *args, int nargs)
{
    p->nargs = nargs;
    memcpy(p->arg, args, (size_t)nargs * sizeof *args);
    int err = vb_dnnl_err(dnnl_primitive_create(&p->prim, pd));
    for (int i = 0; i < nargs && err == VB_OK; i++)
        err = create_arg_memory(ctx, p, pd, i);
    dnnl_primitive_desc_destroy(pd);
    if (err != VB_OK)
        vb_prim_destroy(p);
    return err;
}

int vb_prim_create(vb_backend_ctx *ctx, vb_prim *p, const_dnnl_op_desc_t op,
                   const_dnnl_primitive_attr_t attr, const_dnnl_op_desc_t forward_hint,
                   const int *args, int nargs)
{
    return vb_prim_create_avoiding(ctx, p, NULL, op, attr, forward_hint, args, nargs);
}

static int named(const_dnnl_primitive_desc_t pd, const char *prefix)
{
    const char *impl = NULL;
    return dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success &&
           impl != NULL && strncmp(impl, prefix, strlen(prefix)) == 0;
}

/* The first implementation of op (oneDNN lists the fastest first) not named `avoid`. */
static int first_pd(vb_backend_ctx *ctx, dnnl_primitive_desc_t *pd, const char *avoid,
                    const_dnnl_op_desc_t op, const_dnnl_primitive_attr_t attr,
                    const_dnnl_primitive_desc_t hint)
{
    dnnl_primitive_desc_iterator_t it;
    VB_DNNL_TRY(dnnl_primitive_desc_iterator_create(&it, op, attr, ctx->engine, hint));
    dnnl_status_t s = dnnl_success;
    *pd = NULL;
    while (s == dnnl_success) {
        *pd = dnnl_primitive_desc_iterator_fetch(it);
        if (*pd == NULL || avoid == NULL || !named(*pd, avoid))
            break;
        dnnl_primitive_desc_destroy(*pd);
        *pd = NULL;
        s = dnnl_primitive_desc_iterator_next(it);
    }
    dnnl_primitive_desc_iterator_destroy(it);
    return *pd != NULL ? VB_OK : VB_EBACKEND;
}

/* The primitive descriptor (the forward hint first, if any) and the primitive. */
static int create_on_engine(vb_backend_ctx *ctx, vb_prim *p, const char *avoid,
                            const_dnnl_op_desc_t op, const_dnnl_primitive_attr_t attr,
                            const_dnnl_op_desc_t forward_hint, const int *args, int nargs)
{
    dnnl_primitive_desc_t hint = NULL, pd = NULL;
    int err = VB_OK;
    if (forward_hint != NULL)
        err = vb_dnnl_err(
            dnnl_primitive_desc_create(&hint, forward_hint, NULL, ctx->engine, NULL));
    if (err == VB_OK)
        err = first_pd(ctx, &pd, avoid, op, attr, hint);
    if (hint != NULL)
        dnnl_primitive_desc_destroy(hint);
    return err == VB_OK ? create_from_pd(ctx, p, pd, args, nargs) : err;
}

int vb_prim_create_avoiding(vb_backend_ctx *ctx, vb_prim *p, const char *avoid,
                            const_dnnl_op_desc_t op, const_dnnl_primitive_attr_t attr,
                            const_dnnl_op_desc_t forward_hint, const int *args, int nargs)
{
    memset(p, 0, sizeof *p);
    if (ctx->engine == NULL || nargs > VB_ARGS_MAX)
        return VB_EBACKEND;
    const int callers = enter(ctx);
    int err = create_on_engine(ctx, p, avoid, op, attr, forward_hint, args, nargs);
    leave(callers);
    return err;
}

int vb_prim_create_reorder(vb_backend_ctx *ctx, vb_prim *p, const dnnl_memory_desc_t *from,
                           const dnnl_memory_desc_t *to, const_dnnl_primitive_attr_t attr)
{
    memset(p, 0, sizeof *p);
    if (ctx->engine == NULL)
        return VB_EBACKEND;
    const int callers = enter(ctx);
    dnnl_primitive_desc_t pd;
    int err = vb_dnnl_err(
        dnnl_reorder_primitive_desc_create(&pd, from, ctx->engine, to, ctx->engine, attr));
    if (err == VB_OK)
        err = create_from_pd(ctx, p, pd, (const int[]){ DNNL_ARG_FROM, DNNL_ARG_TO }, 2);
    leave(callers);
    return err;
}

int vb_prim_create_staging(vb_backend_ctx *ctx, vb_prim *p, const dnnl_memory_desc_t *from,
                           const vb_prim *consumer, int arg)
{
    const dnnl_memory_desc_t *to = vb_prim_md(consumer, arg);
    return to ? vb_prim_create_reorder(ctx, p, from, to, NULL) : VB_EBACKEND;
}

int vb_prim_stage(vb_backend_ctx *ctx, const vb_prim *p, const vb_prim *consumer, int arg,
                  const void *src)
{
    return vb_prim_run(ctx, p, (const void *[]){ src, vb_prim_staged(consumer, arg) });
}

/* Points the memories at ptrs and runs the primitive on the stream, to completion. */
static int execute(vb_backend_ctx *ctx, const vb_prim *p, const void *const *ptrs)
{
    dnnl_exec_arg_t exec[VB_ARGS_MAX];
    int n = 0;
    for (int i = 0; i < p->nargs; i++) {
        if (p->mem[i] == NULL)
            continue;
        if (ptrs[i] != NULL)
            VB_DNNL_TRY(dnnl_memory_set_data_handle(p->mem[i], (void *)ptrs[i]));
        exec[n++] = (dnnl_exec_arg_t){ .arg = p->arg[i] & ~VB_STAGED, .memory = p->mem[i] };
    }
    VB_DNNL_TRY(dnnl_primitive_execute(p->prim, ctx->stream, n, exec));
    return vb_dnnl_err(dnnl_stream_wait(ctx->stream));
}

int vb_prim_run(vb_backend_ctx *ctx, const vb_prim *p, const void *const *ptrs)
{
    const int callers = enter(ctx);
    int err = execute(ctx, p, ptrs);
    leave(callers);
    return err;
}

static dnnl_memory_t staged_memory(const vb_prim *p, int arg)
{
    for (int i = 0; i < p->nargs; i++)
        if (p->arg[i] == (arg | VB_STAGED))
            return p->mem[i];
    return NULL;
}

const dnnl_memory_desc_t *vb_prim_md(const vb_prim *p, int arg)
{
    const dnnl_memory_desc_t *md = NULL;
    for (int i = 0; i < p->nargs; i++)
        if ((p->arg[i] & ~VB_STAGED) == arg)
            dnnl_memory_get_memory_desc(p->mem[i], &md);
    return md;
}

void *vb_prim_staged(const vb_prim *p, int arg)
{
    void *handle = NULL;
    dnnl_memory_t m = staged_memory(p, arg);
    if (m != NULL)
        dnnl_memory_get_data_handle(m, &handle);
    return handle;
}

void vb_prim_accumulate(vb_backend_ctx *ctx, const vb_prim *p, int arg, float *dst)
{
    dnnl_memory_t m = staged_memory(p, arg);
    const dnnl_memory_desc_t *md = NULL;
    if (dst == NULL || m == NULL || dnnl_memory_get_memory_desc(m, &md) != dnnl_success)
        return;
    const float *src = vb_prim_staged(p, arg);
    const int64_t n = (int64_t)(dnnl_memory_desc_get_size(md) / sizeof(float));
#pragma omp parallel for simd schedule(static) num_threads(ctx->common.threads) \
    if (n > 32768)
    for (int64_t i = 0; i < n; i++)
        dst[i] += src[i];
}

void vb_prim_destroy(vb_prim *p)
{
    for (int i = 0; i < p->nargs; i++)
        if (p->mem[i] != NULL)
            dnnl_memory_destroy(p->mem[i]);
    if (p->prim != NULL)
        dnnl_primitive_destroy(p->prim);
    memset(p, 0, sizeof *p);
}
