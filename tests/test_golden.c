/* Golden checks against PyTorch: the shipped models, started from the weights vbmodel init
 * makes with the golden file's perturbed biases, gains and τ written over them (init.*),
 * give the logits, loss and parameter gradients, and after 10 steps of their recipe's
 * optimizer (built by the trainer's vb_recipe_adam) the loss trajectory and parameters
 * that scripts/golden.py computed in PyTorch (float64) — on every backend.
 *
 * Tolerances (f32 here against float64 there; u = 6e-8):
 * - logits and loss: relative L2 error ≤ 1e-4. A forward pass is ~10 layers whose
 *   reductions (length ≤ 2048·... but summed in blocks) each add O(√n·u) ≈ 1e-6 relative
 *   error; 1e-4 leaves ×10 room for the conditioning of softmax and LayerNorm.
 * - gradients: relative L2 error per tensor ≤ 1e-3: backward compounds the forward error
 *   through the same layers again, plus attention's softmax Jacobian. A gradient that is
 *   zero in exact arithmetic (sequence pooling's bias: softmax ignores a shift) has no
 *   relative error to speak of, so an absolute L2 floor of 1e-6 applies too — far below
 *   any real gradient of these mean losses (their norms are ≥ 1e-3).
 * - trajectory: |loss_t − golden_t| ≤ 2e-5·|golden_t| (TRAJECTORY_TOL).
 * - parameters after the steps: relative L2 error per tensor ≤ 2e-3 (FINAL_TOL). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/loader.h"
#include "vitbench/model.h"
#include "vitbench/safetensors.h"
#include "vitbench/step.h"
#include "vitbench/train.h"

#define GOLDEN(name) VB_SRCDIR "/tests/golden/" name ".safetensors"
#define MODEL(name) VB_SRCDIR "/suites/models/" name ".cfg"
#define RECIPE(name) VB_SRCDIR "/suites/recipes/" name ".cfg"

/* Each loss is a mean of log-sum-exps of logits that float32 reductions computed: summed
 * with rounding errors of random sign, a length-n reduction is off by ~√n·u relative, at
 * most √9216·u ≈ 6e-6 (vit_spt_lsa's flattened head), and the parameters each step
 * produces carry errors of that order into the next loss. 2e-5 is ~3× that; the losses
 * stay well above 0 (each file's batch and lr are not memorised in 10 steps), so a
 * relative bound needs no absolute floor. Measured on the four backends: ≤ 4.6e-6; the
 * smallest optimizer mistake tried, PyTorch's epsilon placement, is 1.3e-4 off (keras_cct). */
#define TRAJECTORY_TOL 2e-5
/* Relative to how far the golden run moved each tensor, ||p − p_golden|| / ||p_golden −
 * p_0||: Adam divides each gradient entry by its own running RMS, so an entry whose
 * gradient is small (a ReLU unit that barely fires, a path through attention) passes the
 * gradient's relative f32 error (≤ 1e-3, above) into its step undamped. PyTorch's own
 * float32 run of qiita_vit is up to 2.0e-4 from its float64 one, the backends here up to
 * 5.3e-4 (qiita_vit's position table); 2e-3 leaves ×4 above that, and lr × 1.01 puts
 * every tensor of keras_cct ≥ 1.0e-2 off.
 * Entries whose exact gradient is 0 (key biases, pooling's bias) are not in the files:
 * Adam turns their rounding-noise gradients into arbitrary steps (golden.py). */
#define FINAL_TOL 2e-3

/* The bounds a run is held to: the ones above in f32. */
typedef struct tolerances {
    double logits, loss, grad, trajectory, final;
} tolerances;

static const tolerances F32_TOL = {1e-4, 1e-4, 1e-3, TRAJECTORY_TOL, FINAL_TOL};

/* bf16 (backend.h) against the same float64 golden run. Every product rounds its two
 * factors to bf16, u = 2^-8 each, so its output errs by a relative 2u per term; terms of
 * random sign add in quadrature, so one product adds a relative L2 error of at most 2u
 * (tests/conformance/metrics.c derives the same), and the P products on a path add theirs
 * in quadrature: 2u·√P. The deepest forward path here (vit_spt_lsa: 8 blocks of QKV, two
 * attention products, projection and two MLP products, then the head) has P < 64: logits
 * and loss ≤ 2u·8 = 1/16. Backward runs two products per forward one, P < 3·64: 2u·√192 ≈
 * 0.11 on terms of random sign; a gradient whose terms cancel (the position table's, summed
 * over the batch; the last MLP's input weights) errs relative to its own smaller norm by
 * their cancellation ratio more, and qiita_vit's reach 0.155 on onednn and omp alike (so
 * bf16's, not a kernel's): gradients ≤ 0.25, while a kernel that pairs or rounds wrongly
 * is O(1) off. The losses of the trajectory inherit the logits' bound. The final
 * parameters are not compared: Adam divides each gradient entry by its own RMS, so an
 * entry whose gradient is mostly rounding (0.1 relative here) moves by a full step in a
 * direction no precision bound fixes. */
static const tolerances BF16_TOL = {0x1p-4, 0x1p-4, 0.25, 0x1p-4, INFINITY};

static char err[1024];

typedef struct golden_case {
    const char *golden, *model, *recipe;
    float lr; /* > 0: replaces the recipe's lr (golden.py's golden_lr); 0: the recipe's */
} golden_case;

/* vit_spt_lsa steps at 3e-6: at its recipe's 1e-3 any batch of 4 to 32 images is memorised
 * in one step (golden.py says why), leaving a trajectory of zeros to compare. */
static const golden_case cases[] = {
    {GOLDEN("keras_cct"), MODEL("keras_cct"), RECIPE("keras_cct"), 0},
    {GOLDEN("qiita_vit"), MODEL("qiita_vit"), RECIPE("qiita_vit"), 0},
    {GOLDEN("vit_spt_lsa"), MODEL("keras_vit_small_ds_spt_lsa"), RECIPE("keras_vit_small_ds"),
     3e-6f},
};

static const vb_st_tensor *need(const vb_st_file *g, const char *name)
{
    const vb_st_tensor *t = vb_st_find(g, name);
    cr_assert_not_null(t, "golden file lacks '%s'", name);
    return t;
}

static const char *need_meta(const vb_st_file *g, const char *key)
{
    const char *value = vb_st_meta_get(g, key);
    cr_assert_not_null(value, "golden file lacks metadata '%s'", key);
    return value;
}

/* ||got − want|| / max(||want − origin||, floor) over n values, got and origin read at the
 * sampled indices idx when idx != NULL (origin NULL: 0): the error relative to want, or to
 * how far want lies from origin, absolute below the floor. */
static double rel_l2_floor(const float *got, const float *want, const float *origin,
                           const int64_t *idx, int64_t n, double floor)
{
    double num = 0, den = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t j = idx ? idx[i] : i;
        double g = got[j], w = want[i], o = origin ? origin[j] : 0;
        num += (g - w) * (g - w);
        den += (w - o) * (w - o);
    }
    return sqrt(num) / fmax(sqrt(den), floor);
}

static double rel_l2(const float *got, const float *want, int64_t n)
{
    return rel_l2_floor(got, want, NULL, NULL, n, 1e-30);
}

static void expect_close(const char *what, const char *backend, double err_rel, double tol)
{
    cr_expect(err_rel <= tol, "%s on %s: relative L2 error %.3g > %.2g", what, backend, err_rel,
              tol);
}

/* ---- the golden run's starting point and optimizer ------------------------------------ */

/* vbmodel init's parameters, remade from the seed golden.py's weights were made with, and
 * over them every init.<name> the file carries (the perturbed biases, gains and τ). */
static void start_params(vb_model *m, const vb_st_file *g)
{
    vb_model_init_params(m, strtoull(need_meta(g, "weights_seed"), NULL, 10));
    int perturbed = 0;
    for (int i = 0; i < g->count; i++) {
        const vb_st_tensor *t = &g->tensors[i];
        if (strncmp(t->name, "init.", 5) != 0) continue;
        int k = vb_param_block_find(&m->params, t->name + 5);
        cr_assert_geq(k, 0, "golden file's %s names no parameter of %s", t->name, m->name);
        cr_assert_eq((size_t)t->numel, m->params.params[k].numel, "%s: size", t->name);
        memcpy(vb_param_data(&m->params, k), t->data, t->bytes);
        perturbed++;
    }
    cr_assert_gt(perturbed, 0, "golden file perturbs no parameter (init.<name>)");
}

static void expect_meta_float(const vb_st_file *g, const char *key, float want)
{
    float got = (float)strtod(need_meta(g, key), NULL);
    cr_expect_eq(got, want, "golden run's %s %.9g, the recipe's %.9g", key, got, want);
}

/* The trainer's descriptor for the recipe (vb_recipe_adam) against the optimizer the golden
 * run used (golden.py reads the same recipe file): a recipe changed without regenerating
 * the golden file fails here, by name. golden.py steps at a constant rate. */
static void check_optimizer(const golden_case *c, const vb_st_file *g, const vb_recipe *r)
{
    static const char *const decays[] = {
        [VB_DECAY_NONE] = "none", [VB_DECAY_DECOUPLED] = "decoupled",
        [VB_DECAY_DECOUPLED_LR] = "decoupled_lr"};
    static const char *const eps_modes[] = {[VB_EPS_TORCH] = "torch", [VB_EPS_KERAS] = "keras"};
    cr_assert_str_eq(need_meta(g, "recipe"), r->name);
    cr_assert_eq(r->schedule, VB_SCHEDULE_CONSTANT, "%s: golden.py knows constant rates only",
                 r->name);
    vb_adam_desc a = vb_recipe_adam(r, 0, 1);
    expect_meta_float(g, "lr", a.lr);
    expect_meta_float(g, "beta1", a.beta1);
    expect_meta_float(g, "beta2", a.beta2);
    expect_meta_float(g, "eps", a.eps);
    expect_meta_float(g, "weight_decay", a.weight_decay);
    cr_expect_str_eq(need_meta(g, "decay"), decays[a.decay_mode]);
    cr_expect_str_eq(need_meta(g, "eps_mode"), eps_modes[a.eps_mode]);
    const char *golden_lr = vb_st_meta_get(g, "golden_lr");
    cr_expect_eq(golden_lr ? (float)strtod(golden_lr, NULL) : 0.0f, c->lr,
                 "%s: golden run's lr override %s, the test's %g", c->golden,
                 golden_lr ? golden_lr : "none", (double)c->lr);
}

/* The descriptor the trainer would use at a step, at the case's lr where it has one. */
static vb_adam_desc step_adam(const golden_case *c, const vb_recipe *r, int64_t step)
{
    vb_adam_desc a = vb_recipe_adam(r, step, 1);
    if (c->lr > 0) a.lr = c->lr;
    return a;
}

/* ---- per-parameter comparisons ----------------------------------------------------------- */

/* PREFIX.<name> whole, or some of its entries (.index into the C layout, I32 or I64, and
 * .sample): a seeded sample of a large parameter, or the live entries of a final one
 * (golden.py leaves out those whose exact gradient is 0). A sampled gradient also carries
 * .norm, the L2 norm of the whole gradient (check_gradients). */
typedef struct golden_values {
    const float *want;
    int64_t *idx; /* NULL: whole; else owned (values_free) */
    int64_t n;
    const vb_st_tensor *norm; /* PREFIX.<name>.norm where the file has one */
} golden_values;

static golden_values values_of(const vb_st_file *g, const char *prefix, const vb_param *p)
{
    char name[176], idx_name[192], sample_name[192], norm_name[192];
    snprintf(name, sizeof name, "%s.%s", prefix, p->name);
    const vb_st_tensor *whole = vb_st_find(g, name);
    if (whole) {
        cr_assert_eq((size_t)whole->numel, p->numel, "%s: size", name);
        cr_assert_eq(whole->dtype, VB_ST_F32, "%s: dtype %s, not F32", name,
                     vb_st_dtype_name(whole->dtype));
        return (golden_values){whole->data, NULL, whole->numel, NULL};
    }
    snprintf(idx_name, sizeof idx_name, "%s.index", name);
    snprintf(sample_name, sizeof sample_name, "%s.sample", name);
    snprintf(norm_name, sizeof norm_name, "%s.norm", name);
    const vb_st_tensor *idx = need(g, idx_name), *sample = need(g, sample_name);
    cr_assert_eq(idx->numel, sample->numel, "%s: index and sample sizes", name);
    cr_assert(idx->dtype == VB_ST_I32 || idx->dtype == VB_ST_I64, "%s: dtype %s, not I32 or I64",
              idx_name, vb_st_dtype_name(idx->dtype));
    cr_assert_eq(sample->dtype, VB_ST_F32, "%s: dtype %s, not F32", sample_name,
                 vb_st_dtype_name(sample->dtype));
    int64_t *at = malloc((size_t)(idx->numel ? idx->numel : 1) * sizeof *at);
    cr_assert_not_null(at);
    for (int64_t i = 0; i < idx->numel; i++) {
        at[i] = idx->dtype == VB_ST_I32 ? ((const int32_t *)idx->data)[i]
                                        : ((const int64_t *)idx->data)[i];
        cr_assert(at[i] >= 0 && (size_t)at[i] < p->numel, "%s: entry %lld is %lld, outside 0..%zu",
                  idx_name, (long long)i, (long long)at[i], p->numel - 1);
    }
    const vb_st_tensor *norm = vb_st_find(g, norm_name);
    if (norm)
        cr_assert(norm->dtype == VB_ST_F32 && norm->numel == 1, "%s: not one F32", norm_name);
    return (golden_values){sample->data, at, sample->numel, norm};
}

static void values_free(golden_values *v)
{
    free(v->idx);
    v->idx = NULL;
}

/* A frozen parameter (a constant in the source model) has no golden gradient, whole or
 * sampled, and a zero one here. */
static void check_frozen(const vb_model *m, int i, const vb_st_file *g, const char *backend)
{
    const vb_param *p = &m->params.params[i];
    const float *got = vb_param_grad(&m->params, i);
    char whole[176], sampled[192];
    snprintf(whole, sizeof whole, "grad.%s", p->name);
    snprintf(sampled, sizeof sampled, "grad.%s.index", p->name);
    cr_expect(!vb_st_find(g, whole) && !vb_st_find(g, sampled),
              "%s: the golden file has a gradient for a frozen tensor", whole);
    for (size_t j = 0; j < p->numel; j++)
        cr_expect(got[j] == 0, "%s on %s: element %zu of a frozen tensor's gradient is %g",
                  whole, backend, j, got[j]);
}

/* Gradients after the first forward: relative L2 error per tensor ≤ tol (1e-3 in f32), with
 * an absolute floor of 1e-6 (the header): the floor 1e-3 of the relative error's
 * denominator, an L2 over the whole tensor, so over a sample of k of its n entries
 * 1e-3·√(k/n). A sampled gradient is held to the same bound on its sample and on the norm
 * of the whole tensor, |‖got‖ − ‖want‖| ≤ ‖got − want‖, which no entry escapes. */
static void check_gradients(const vb_model *m, const vb_st_file *g, const char *backend,
                            double tol)
{
    for (int i = 0; i < m->params.count; i++) {
        const vb_param *p = &m->params.params[i];
        if (p->frozen) {
            check_frozen(m, i, g, backend);
            continue;
        }
        const float *got = vb_param_grad(&m->params, i);
        golden_values v = values_of(g, "grad", p);
        char what[176];
        snprintf(what, sizeof what, "grad.%s", p->name);
        double den_floor = 1e-3 * sqrt((double)v.n / (double)p->numel);
        expect_close(what, backend, rel_l2_floor(got, v.want, NULL, v.idx, v.n, den_floor), tol);
        if (v.idx) {
            cr_assert_not_null(v.norm, "golden file lacks '%s.norm'", what);
            double sum = 0;
            for (size_t j = 0; j < p->numel; j++) sum += (double)got[j] * got[j];
            double want = ((const float *)v.norm->data)[0];
            char norm_what[sizeof what + 32];
            snprintf(norm_what, sizeof norm_what, "%s (norm of the whole tensor)", what);
            expect_close(norm_what, backend, fabs(sqrt(sum) - want) / fmax(want, 1e-3), tol);
        }
        values_free(&v);
    }
}

/* Every trained parameter after the steps, relative to how far the golden run moved it
 * from start (the parameters before the first step). */
static void check_final_params(const vb_model *m, const float *start, const vb_st_file *g,
                               const char *backend, double tol)
{
    for (int i = 0; i < m->params.count; i++) {
        const vb_param *p = &m->params.params[i];
        if (p->frozen) continue;
        golden_values v = values_of(g, "final", p);
        char what[176];
        snprintf(what, sizeof what, "final.%s", p->name);
        expect_close(what, backend,
                     rel_l2_floor(vb_param_data(&m->params, i), v.want, start + p->offset, v.idx,
                                  v.n, 1e-30),
                     tol);
        values_free(&v);
    }
}

/* ---- the run ----------------------------------------------------------------------------- */

/* The first forward's logits and loss (dropout and stochastic depth off, as in the golden
 * run). */
static void check_forward(vb_model *m, vb_run *r, vb_step_scratch *s, const vb_st_file *g,
                          float smoothing, const tolerances *tol)
{
    const float *logits;
    double loss;
    cr_assert_eq(vb_eval_loss(m, r, s, need(g, "input")->data, need(g, "labels")->data,
                              smoothing, &logits, &loss),
                 0, "%s", r->err);
    const vb_st_tensor *want_logits = need(g, "logits");
    const char *backend = r->backend->name;
    expect_close("logits", backend, rel_l2(logits, want_logits->data, want_logits->numel),
                 tol->logits);
    float want_loss = ((const float *)need(g, "loss")->data)[0];
    expect_close("loss", backend, fabs(loss - want_loss) / fabs(want_loss), tol->loss);
}

/* The recipe's optimizer steps on the golden batch, the trainer's descriptor at each. */
static void check_trajectory(const golden_case *c, vb_model *m, vb_run *r, vb_step_scratch *s,
                             const vb_st_file *g, const vb_recipe *recipe,
                             const tolerances *tol)
{
    const vb_st_tensor *trajectory = need(g, "trajectory");
    const char *backend = r->backend->name;
    for (int64_t t = 0; t < trajectory->numel; t++) {
        double loss;
        cr_assert_eq(vb_train_step(m, r, s, need(g, "input")->data, need(g, "labels")->data,
                                   recipe->label_smoothing, step_adam(c, recipe, t), &loss),
                     0, "%s", r->err);
        if (t == 0) check_gradients(m, g, backend, tol->grad);
        double want = ((const float *)trajectory->data)[t];
        cr_expect(fabs(loss - want) <= tol->trajectory * fabs(want),
                  "%s on %s: loss before step %lld is %.7g, PyTorch %.7g (relative %.3g > %.1e)",
                  m->name, backend, (long long)t + 1, loss, want, fabs(loss - want) / fabs(want),
                  tol->trajectory);
    }
}

/* The case on one backend in one precision; a bf16 the backend refuses is skipped
 * (test_loader.c checks which backends compute it). */
static void check_on_backend(const golden_case *c, const vb_st_file *g, const vb_recipe *recipe,
                             const char *backend, vb_precision precision)
{
    const vb_backend_init_opts opts = {.struct_size = sizeof opts, .threads = 2,
                                       .precision = precision};
    const tolerances *tol = precision == VB_PRECISION_BF16 ? &BF16_TOL : &F32_TOL;
    vb_loaded_backend *b = vb_backend_load_with(backend, &opts, err, sizeof err);
    if (!b && precision != VB_PRECISION_F32) return;
    cr_assert_not_null(b, "%s", err);
    vb_model m;
    cr_assert_eq(vb_model_load(&m, c->model, err, sizeof err), 0, "%s", err);
    cr_assert_eq(vb_model_alloc(&m, atoll(need_meta(g, "batch"))), 0);
    start_params(&m, g);
    float *start = malloc(m.params.total * sizeof(float));
    cr_assert_not_null(start);
    memcpy(start, m.params.data, m.params.total * sizeof(float));
    vb_step_scratch s;
    cr_assert_eq(vb_step_scratch_alloc(&s, &m), 0);

    vb_run r = {.backend = b, .params = &m.params, .training = 0};
    check_forward(&m, &r, &s, g, recipe->label_smoothing, tol);
    check_trajectory(c, &m, &r, &s, g, recipe, tol);
    if (isfinite(tol->final)) check_final_params(&m, start, g, backend, tol->final);
    free(start);
    vb_step_scratch_free(&s);
    vb_model_free(&m);
    vb_backend_unload(b);
}

static void check_case(const golden_case *c)
{
    vb_st_file g;
    cr_assert_eq(vb_st_read(&g, c->golden, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(need_meta(&g, "format"), "vitbench-golden");
    cr_assert_str_eq(need_meta(&g, "version"), "2");
    vb_recipe recipe;
    cr_assert_eq(vb_recipe_load(&recipe, c->recipe, err, sizeof err), 0, "%s", err);
    check_optimizer(c, &g, &recipe);
    cr_assert_float_eq(strtof(need_meta(&g, "label_smoothing"), NULL), recipe.label_smoothing,
                       1e-7, "golden run's label smoothing is not the recipe's");
    char names[16][64];
    int n = vb_backend_discover(names, 16);
    cr_assert_gt(n, 0, "no backend found (the build tree's backends/.libs)");
    /* naive is the reference's own code behind the ABI, so the built-in reference itself
     * need not run a second time. */
    for (int i = 0; i < n; i++)
        for (int p = VB_PRECISION_F32; p <= VB_PRECISION_BF16; p++)
            check_on_backend(c, &g, &recipe, names[i], (vb_precision)p);
    vb_recipe_free(&recipe);
    vb_st_close(&g);
}

Test(golden, keras_cct, .timeout = 300) { check_case(&cases[0]); }
Test(golden, qiita_vit, .timeout = 300) { check_case(&cases[1]); }
Test(golden, vit_spt_lsa, .timeout = 1200) { check_case(&cases[2]); }
