/* One case on one backend against the reference: the same inputs and the same pre-filled
 * outputs on both sides, guard bytes checked, then every output compared (metrics.c). */
#include <stdio.h>
#include <string.h>
#include "conformance.h"
#include "vitbench/desc_check.h"

void cf_describe(vb_op op, const cf_desc *d, char *buf, size_t len)
{
    cf_opinfo_get(cf_family(op))->describe(d, buf, len);
}

static void start(cf_result *r, const vb_loaded_backend *b, vb_op op, const cf_case *c,
                  uint64_t seed)
{
    memset(r, 0, sizeof *r);
    r->op = op;
    snprintf(r->label, sizeof r->label, "%s", c->label);
    cf_describe(op, &c->desc, r->shape, sizeof r->shape);
    r->backend = b->name;
    r->precision = b->precision;
    r->seed = seed;
    r->pct_blas = -1;
}

static void skip(cf_result *r, const char *why)
{
    r->cmp.status = CF_SKIP;
    snprintf(r->cmp.detail, sizeof r->cmp.detail, "%s", why);
}

static void fail(cf_result *r, const char *what, const char *name, int code)
{
    r->cmp.status = CF_FAIL;
    snprintf(r->cmp.detail, sizeof r->cmp.detail, "%s%s%s (%d)", what, name ? " " : "",
             name ? name : "", code);
}

int cf_screen(const vb_loaded_backend *b, vb_op op, const cf_case *c, uint64_t seed,
              cf_result *r)
{
    char err[160];
    start(r, b, op, c, seed);
    if (vb_desc_check(op, &c->desc, err, sizeof err) != VB_OK) {
        skip(r, err);
        return -1;
    }
    r->native = vb_backend_runs_natively(b, op, &c->desc);
    if (!r->native && !b->fallback[op]) {
        skip(r, "declined by supports()");
        return -1;
    }
    return 0;
}

void cf_check(const vb_loaded_backend *b, vb_op op, const cf_case *c, uint64_t seed,
              cf_result *r)
{
    if (cf_screen(b, op, c, seed, r) != 0)
        return;
    const cf_opinfo *info = cf_opinfo_get(op);
    cf_buffers init, want, got;
    int err = cf_prepare(op, &c->desc, seed, cf_reference(), 0, &init, NULL);
    if (err != VB_OK) {
        fail(r, "preparing inputs failed", NULL, err);
        return;
    }
    if (cf_buffers_clone(&want, &init) != VB_OK || cf_buffers_clone(&got, &init) != VB_OK) {
        fail(r, "out of memory", NULL, VB_ENOMEM);
        cf_buffers_free(&init);
        cf_buffers_free(&want);
        return;
    }
    int rw = cf_call(op, cf_reference(), &c->desc, want.p, seed);
    int rg = cf_call(op, b, &c->desc, got.p, seed);
    int gw = cf_buffers_guard_broken(&want), gg = cf_buffers_guard_broken(&got);
    if (rw != VB_OK)
        fail(r, "reference returned", NULL, rw);
    else if (rg != VB_OK)
        fail(r, "backend returned", NULL, rg);
    else if (gg >= 0)
        fail(r, "wrote past the end of", got.t[gg].name, gg);
    else if (gw >= 0)
        fail(r, "the reference wrote past the end of", want.t[gw].name, gw);
    else
        cf_compare_outputs(info, &c->desc, b->precision, &init, &want, &got, &r->cmp);
    cf_buffers_free(&init);
    cf_buffers_free(&want);
    cf_buffers_free(&got);
}
