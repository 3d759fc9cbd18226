/* A case's buffers, ready to run. Forward and standalone ops fill their own inputs; a
 * backward op gets its inputs by binding to a forward pass on the same descriptor and
 * seed (opinfo.c says which tensor is which), so its saved statistics (mean/rstd, probs,
 * the pooled maxima) are consistent with its inputs, as in training. */
#include <math.h>
#include <string.h>
#include "conformance.h"
#include "vitbench/rng.h"

/* Fills a buffer set's own tensors: inputs from the seed, outputs with NaN (a read of
 * an overwritten output shows), accumulators with the shared pre-fill (or zero). */
static void fill_own(cf_buffers *b, uint64_t seed, int zero_grads)
{
    for (int i = 0; i < b->count; i++) {
        const cf_tensor *t = &b->t[i];
        if (!b->own[i] || t->bind != CF_OWN)
            continue;
        uint64_t s = vb_hash64(seed, (uint64_t)i);
        switch (t->role) {
        case CF_IN:
        case CF_INOUT: cf_fill_tensor(t, b->own[i], s); break;
        case CF_OUT:
            for (int64_t j = 0; j < t->numel; j++)
                ((float *)b->own[i])[j] = NAN;
            break;
        case CF_ACC:
            if (zero_grads)
                memset(b->own[i], 0, (size_t)t->numel * sizeof(float));
            else
                cf_fill_prefill(b->own[i], t->numel, s);
            break;
        }
    }
}

/* Fills a backward op's bound tensors from the forward buffers f. */
static void bind(cf_buffers *b, const cf_buffers *f, uint64_t seed, int zero_grads)
{
    for (int i = 0; i < b->count; i++) {
        const cf_tensor *t = &b->t[i];
        if (!b->own[i])
            continue;
        uint64_t s = vb_hash64(seed, 0x100u + (uint64_t)i);
        switch (t->bind) {
        case CF_OWN: break;
        case CF_FWD_IN:
        case CF_FWD_OUT:
            memcpy(b->own[i], f->p[t->src], (size_t)t->numel * sizeof(float));
            break;
        case CF_DY:
        case CF_SCALAR_DY: cf_fill_tensor(t, b->own[i], s); break;
        case CF_GRAD:
            if (zero_grads)
                memset(b->own[i], 0, (size_t)t->numel * sizeof(float));
            else
                cf_fill_prefill(b->own[i], t->numel, s);
            break;
        }
    }
}

static int binds_forward_output(const cf_buffers *b)
{
    for (int i = 0; i < b->count; i++)
        if (b->t[i].bind == CF_FWD_OUT)
            return 1;
    return 0;
}

int cf_prepare(vb_op op, const cf_desc *d, uint64_t seed, const vb_loaded_backend *fwd_engine,
               int zero_grads, cf_buffers *out, cf_buffers *fwd)
{
    const cf_opinfo *info = cf_opinfo_get(op);
    cf_tensor t[CF_MAX_TENSORS];
    int err = cf_buffers_alloc(out, t, info->tensors(d, t));
    if (err != VB_OK)
        return err;
    fill_own(out, seed, zero_grads);
    if (info->forward == VB_OP_COUNT)
        return VB_OK;

    const cf_opinfo *finfo = cf_opinfo_get(info->forward);
    cf_buffers f;
    err = cf_buffers_alloc(&f, t, finfo->tensors(d, t));
    if (err == VB_OK) {
        fill_own(&f, seed, zero_grads);
        /* The forward pass only runs when something needs its outputs. */
        if (fwd || binds_forward_output(out))
            err = cf_call(info->forward, fwd_engine, d, f.p, seed);
        bind(out, &f, seed, zero_grads);
    }
    if (fwd && err == VB_OK)
        *fwd = f;
    else
        cf_buffers_free(&f);
    if (err != VB_OK)
        cf_buffers_free(out);
    return err;
}
