/* Every test-tier case of every op on every backend found (naive, openblas, onednn, omp
 * as built), and random ones, against the reference, one Criterion test per (backend, op, precision): f32
 * on every backend, bf16 on those that compute it on this CPU; plus checks
 * that the harness itself catches what it claims to: writes past an output, a backward
 * op that overwrites instead of adding, a wrong gradient. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>
#include "conformance/conformance.h"
#include "vitbench/cpu.h"
#include "../lib/ref/ref.h"

#define SEED 1234
#define THREADS 2
#define MAX_BACKENDS 16
/* Random cases per (backend, op, precision) after the named ones (vbcheck --stress's
 * shapes and seeds SEED, SEED + 1, ...): odd sizes the named cases do not list. */
#define RANDOM_CASES 50

typedef struct backend_op {
    char backend[64];
    int op;
    vb_precision precision;
} backend_op;

/* The backend in that precision; NULL for a bf16 it refuses (test_loader.c checks which
 * backends compute bf16), a failure for f32. */
static vb_loaded_backend *load_in(const char *name, vb_precision precision)
{
    char err[512];
    const vb_backend_init_opts opts = {.struct_size = sizeof opts, .threads = THREADS,
                                       .precision = precision};
    vb_loaded_backend *b = vb_backend_load_with(name, &opts, err, sizeof err);
    cr_assert(b || precision != VB_PRECISION_F32, "backend %s does not load: %s", name, err);
    return b;
}

static vb_loaded_backend *load(const char *name) { return load_in(name, VB_PRECISION_F32); }

/* Passing, or skipped because the backend's supports() declined (never because the
 * case itself is invalid); mistrusted counts as a failure. */
static void expect_pass(const cf_result *r, cf_mode mode)
{
    char repro[256];
    cf_repro(repro, sizeof repro, mode, r, THREADS);
    int declined = r->cmp.status == CF_SKIP &&
                   strcmp(r->cmp.detail, "declined by supports()") == 0;
    cr_expect(r->cmp.status == CF_PASS || declined,
              "%s: backend %s, op %s, case %s (%s), seed %llu: %s — %s\n  reproduce: %s",
              cf_status_name(r->cmp.status), r->backend, vb_op_name(r->op), r->label,
              r->shape, (unsigned long long)r->seed, r->cmp.detail,
              r->cmp.status == CF_FAIL ? "differs from the reference" : "", repro);
}

static void free_params(struct criterion_test_params *p)
{
    cr_free(p->params);
}

ParameterizedTestParameters(conformance, every_case)
{
    char names[MAX_BACKENDS][64];
    int nb = vb_backend_discover(names, MAX_BACKENDS), n = 0;
    /* Test instances run in fresh processes: parameters must live in Criterion's
     * shared arena. */
    backend_op *params = cr_malloc(sizeof *params * (size_t)(2 * nb * VB_OP_COUNT + 1));
    for (int k = 0; k < nb; k++)
        for (int p = VB_PRECISION_F32; p <= VB_PRECISION_BF16; p++) {
            if (p == VB_PRECISION_BF16 && !vb_cpu_has_bf16())
                continue;
            for (int op = 0; op < VB_OP_COUNT; op++) {
                memcpy(params[n].backend, names[k], sizeof params[n].backend);
                params[n].precision = (vb_precision)p;
                params[n++].op = op;
            }
        }
    return cr_make_param_array(backend_op, params, (size_t)n, free_params);
}

ParameterizedTest(backend_op *p, conformance, every_case)
{
    vb_loaded_backend *b = load_in(p->backend, p->precision);
    if (!b)
        cr_skip_test("%s does not compute bf16", p->backend);
    int ncases, ran = 0;
    const cf_case *cases = cf_cases(&ncases);
    for (int i = 0; i < ncases; i++) {
        if (cases[i].family != cf_family((vb_op)p->op) || !(cases[i].tiers & CF_TIER_TEST))
            continue;
        cf_result r;
        cf_check(b, (vb_op)p->op, &cases[i], SEED, &r);
        expect_pass(&r, CF_MODE_TEST);
        ran++;
    }
    cr_expect(ran > 0, "op %s has no test-tier case", vb_op_name((vb_op)p->op));
    for (int i = 0; i < RANDOM_CASES; i++) {
        cf_case c;
        cf_result r;
        cf_case_random((vb_op)p->op, SEED + (uint64_t)i, &c);
        cf_check(b, (vb_op)p->op, &c, SEED + (uint64_t)i, &r);
        expect_pass(&r, CF_MODE_TEST);
    }
    /* Not unloaded: the process ends here, and unloading is checked on its own below. */
}

/* Backward ops of every backend against central differences of its own forward. */
Test(conformance, gradients_against_finite_differences)
{
    char names[MAX_BACKENDS][64];
    int nb = vb_backend_discover(names, MAX_BACKENDS), ncases;
    const cf_case *cases = cf_cases(&ncases);
    for (int k = 0; k < nb; k++) {
        vb_loaded_backend *b = load(names[k]);
        for (int op = 0; op < VB_OP_COUNT; op++) {
            if (cf_opinfo_get((vb_op)op)->forward == VB_OP_COUNT)
                continue;
            for (int i = 0; i < ncases; i++) {
                if (cases[i].family != cf_family((vb_op)op) ||
                    !(cases[i].tiers & CF_TIER_GRAD))
                    continue;
                cf_result r;
                cf_gradcheck(b, (vb_op)op, &cases[i], SEED, &r);
                expect_pass(&r, CF_MODE_GRAD);
            }
        }
    }
}

/* The shipped fast backends compute every op themselves, so a new op needs its shared
 * kernel (backends/common) too. Other backends — naive (the reference behind the ABI),
 * skeleton (the template) and any copied from it — may leave ops to the reference: vbcheck
 * lists their fallbacks. Each of these three is checked where configure built it. */
Test(conformance, fast_backends_have_no_reference_fallback)
{
    static const char *const fast[] = {"omp", "openblas", "onednn"};
    char names[MAX_BACKENDS][64];
    int nb = vb_backend_discover(names, MAX_BACKENDS), checked = 0;
    for (int k = 0; k < nb; k++)
        for (size_t f = 0; f < sizeof fast / sizeof fast[0]; f++) {
            if (strcmp(names[k], fast[f]) != 0) continue;
            vb_loaded_backend *b = load(names[k]);
            for (int op = 0; op < VB_OP_COUNT; op++)
                cr_expect(!b->fallback[op], "backend %s runs %s through the reference fallback",
                          names[k], vb_op_name((vb_op)op));
            checked++;
        }
    cr_expect_gt(checked, 0, "no fast backend built (omp needs only OpenMP)");
}

/* The template backend: its one op of its own, every other through the reference. */
Test(conformance, skeleton_computes_softmax_and_leaves_the_rest_to_the_reference)
{
    vb_loaded_backend *b = load("skeleton");
    for (int op = 0; op < VB_OP_COUNT; op++)
        cr_expect_eq(b->fallback[op], op != VB_OP_SOFTMAX_FWD, "skeleton: %s",
                     vb_op_name((vb_op)op));
}

/* One backend per process, as an application uses it: run an op, unload, exit. */
ParameterizedTestParameters(conformance, unloads_cleanly)
{
    char names[MAX_BACKENDS][64];
    int nb = vb_backend_discover(names, MAX_BACKENDS);
    backend_op *params = cr_malloc(sizeof *params * (size_t)(nb + 1));
    for (int k = 0; k < nb; k++) {
        memcpy(params[k].backend, names[k], sizeof params[k].backend);
        params[k].op = VB_OP_GEMM;
    }
    return cr_make_param_array(backend_op, params, (size_t)nb, free_params);
}

ParameterizedTest(backend_op *p, conformance, unloads_cleanly)
{
    vb_loaded_backend *b = load(p->backend);
    cf_result r;
    cf_check(b, VB_OP_GEMM, cf_case_find(VB_OP_GEMM, "cct_mlp"), SEED, &r);
    vb_backend_unload(b);
    cr_log_info("backend %s unloaded; a crash reported for this test happened at exit",
                p->backend);
}

Test(conformance, every_op_has_an_entry_and_cases)
{
    for (int op = 0; op < VB_OP_COUNT; op++) {
        const cf_opinfo *info = cf_opinfo_get((vb_op)op);
        cr_assert_not_null(info, "op %s has no entry in tests/conformance/opinfo.c",
                           vb_op_name((vb_op)op));
        cr_expect(info->forward != VB_OP_COUNT || (info->random && info->describe),
                  "op %s: a forward op needs random() and describe()", vb_op_name((vb_op)op));
    }
}

/* ---- sabotaged ops: the harness must catch each ------------------------------------- */

/* ReLU that also stores one element past the end of y. */
static int overflowing_relu(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x,
                            float *y)
{
    vb_ref_relu_fwd(ctx, d, x, y);
    y[d->n] = 0.0f;
    return VB_OK;
}

/* ReLU backward that overwrites dx instead of adding into it. */
static int overwriting_relu_bwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x,
                                const float *dy, float *dx)
{
    for (int64_t i = 0; i < d->n; i++)
        dx[i] = x[i] > 0 ? dy[i] : 0.0f;
    return VB_OK;
}

/* GELU backward 1% off. */
static int scaled_gelu_bwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x,
                           const float *dy, float *dx)
{
    for (int64_t i = 0; i < d->n; i++) {
        float before = dx[i];
        vb_ref_gelu_bwd(ctx, &(vb_eltwise_desc){1}, &x[i], &dy[i], &dx[i]);
        dx[i] = before + 1.01f * (dx[i] - before);
    }
    return VB_OK;
}

static vb_loaded_backend sabotaged(void)
{
    vb_loaded_backend b = {0};
    b.ops = *vb_reference_backend();
    snprintf(b.name, sizeof b.name, "sabotaged");
    b.ops.name = b.name;
    b.ops.relu_fwd = overflowing_relu;
    b.ops.relu_bwd = overwriting_relu_bwd;
    b.ops.gelu_bwd = scaled_gelu_bwd;
    return b;
}

static cf_status outcome(vb_op op, const char *label, cf_mode mode, char *detail)
{
    vb_loaded_backend b = sabotaged();
    const cf_case *c = cf_case_find(op, label);
    cr_assert_not_null(c, "no case %s for %s", label, vb_op_name(op));
    cf_result r;
    if (mode == CF_MODE_GRAD)
        cf_gradcheck(&b, op, c, SEED, &r);
    else
        cf_check(&b, op, c, SEED, &r);
    strcpy(detail, r.cmp.detail);
    return r.cmp.status;
}

Test(harness, guard_bytes_catch_a_write_past_the_end)
{
    char detail[160];
    cr_expect_eq(outcome(VB_OP_RELU_FWD, "n37", CF_MODE_TEST, detail), CF_FAIL);
    cr_expect(strstr(detail, "past the end of y") != NULL, "detail: %s", detail);
}

Test(harness, prefilled_gradients_catch_an_overwrite)
{
    char detail[160];
    cr_expect_eq(outcome(VB_OP_RELU_BWD, "n37", CF_MODE_TEST, detail), CF_FAIL, "%s", detail);
}

Test(harness, finite_differences_catch_a_wrong_gradient)
{
    char detail[160];
    cr_expect_eq(outcome(VB_OP_GELU_BWD, "n37", CF_MODE_GRAD, detail), CF_FAIL, "%s", detail);
}
