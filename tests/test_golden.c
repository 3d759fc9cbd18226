/* Golden checks against PyTorch: the shipped models, with the weights vbmodel init makes,
 * give the logits, loss, parameter gradients and 10-step optimizer trajectory that
 * scripts/golden.py computed in PyTorch (float64) — on every backend.
 *
 * Tolerances (f32 here against float64 there; ε = 6e-8):
 * - logits and loss: relative L2 error ≤ 1e-4. A forward pass is ~10 layers whose
 *   reductions (length ≤ 2048·... but summed in blocks) each add O(√n·ε) ≈ 1e-6 relative
 *   error; 1e-4 leaves ×10 room for the conditioning of softmax and LayerNorm.
 * - gradients: relative L2 error per tensor ≤ 1e-3: backward compounds the forward error
 *   through the same layers again, plus attention's softmax Jacobian. A gradient that is
 *   zero in exact arithmetic (sequence pooling's bias: softmax ignores a shift) has no
 *   relative error to speak of, so an absolute L2 floor of 1e-6 applies too — far below
 *   any real gradient of these mean losses (their norms are ≥ 1e-3).
 * - trajectory: |loss_t − golden_t| ≤ 1e-3·|golden_t| + 1e-5 (the 1e-3 relative,
 *   with an absolute floor for losses that collapse towards 0 on a memorised batch). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/loader.h"
#include "vitbench/model.h"
#include "vitbench/safetensors.h"
#include "vitbench/step.h"

#define GOLDEN(name) VB_SRCDIR "/tests/golden/" name ".safetensors"
#define MODEL(name) VB_SRCDIR "/suites/models/" name ".cfg"

static char err[1024];

typedef struct golden_case {
    const char *golden, *model;
    vb_adam_desc adam; /* n and step are set per step */
} golden_case;

/* TF-addons AdamW (decay not scaled by lr) / Keras Adam, both with Keras' epsilon hat. */
#define TFA_ADAMW {.lr = 1e-3f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-7f, \
                   .weight_decay = 1e-4f, .decay_mode = VB_DECAY_DECOUPLED, .eps_mode = VB_EPS_KERAS}
#define KERAS_ADAM {.lr = 1e-3f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-7f, \
                    .decay_mode = VB_DECAY_NONE, .eps_mode = VB_EPS_KERAS}

static const golden_case cases[] = {
    {GOLDEN("keras_cct"), MODEL("keras_cct"), TFA_ADAMW},
    {GOLDEN("qiita_vit"), MODEL("qiita_vit"), KERAS_ADAM},
    {GOLDEN("vit_spt_lsa"), MODEL("keras_vit_small_ds_spt_lsa"), TFA_ADAMW},
};

static const vb_st_tensor *need(const vb_st_file *g, const char *name)
{
    const vb_st_tensor *t = vb_st_find(g, name);
    cr_assert_not_null(t, "golden file lacks '%s'", name);
    return t;
}

/* ||got − want|| / max(||want||, floor) over n values (or over the sampled indices when
 * idx != NULL): relative L2 error, absolute below the floor. */
static double rel_l2_floor(const float *got, const float *want, const int64_t *idx, int64_t n,
                           double floor)
{
    double num = 0, den = 0;
    for (int64_t i = 0; i < n; i++) {
        double g = got[idx ? idx[i] : i], w = want[i];
        num += (g - w) * (g - w);
        den += w * w;
    }
    return sqrt(num) / fmax(sqrt(den), floor);
}

static double rel_l2(const float *got, const float *want, const int64_t *idx, int64_t n)
{
    return rel_l2_floor(got, want, idx, n, 1e-30);
}

/* Gradients: 1e-3 relative, with the 1e-6 absolute floor (1e-6 / 1e-3). */
static double grad_error(const float *got, const float *want, const int64_t *idx, int64_t n)
{
    return rel_l2_floor(got, want, idx, n, 1e-3);
}

static void expect_close(const char *what, const char *backend, double err_rel, double tol)
{
    cr_expect(err_rel <= tol, "%s on %s: relative L2 error %.3g > %.1g", what, backend, err_rel,
              tol);
}

/* Every parameter gradient, whole ("grad.NAME") or sampled (".index", ".sample"); a frozen
 * parameter (a constant in the source model) has none in either. */
static void check_gradients(const vb_model *m, const vb_st_file *g, const char *backend)
{
    for (int i = 0; i < m->params.count; i++) {
        const vb_param *p = &m->params.params[i];
        char name[160];
        snprintf(name, sizeof name, "grad.%s", p->name);
        const float *got = vb_param_grad(&m->params, i);
        const vb_st_tensor *whole = vb_st_find(g, name);
        if (p->frozen) {
            char sampled[176];
            snprintf(sampled, sizeof sampled, "%s.index", name);
            cr_expect(!whole && !vb_st_find(g, sampled),
                      "%s: the golden file has a gradient for a frozen tensor", name);
            for (size_t j = 0; j < p->numel; j++)
                cr_expect(got[j] == 0, "%s on %s: element %zu of a frozen tensor's gradient "
                          "is %g", name, backend, j, got[j]);
            continue;
        }
        if (whole) {
            cr_assert_eq((size_t)whole->numel, p->numel, "%s: size", name);
            expect_close(name, backend, grad_error(got, whole->data, NULL, whole->numel), 1e-3);
            continue;
        }
        char idx_name[176], sample_name[176];
        snprintf(idx_name, sizeof idx_name, "%s.index", name);
        snprintf(sample_name, sizeof sample_name, "%s.sample", name);
        const vb_st_tensor *idx = need(g, idx_name), *sample = need(g, sample_name);
        expect_close(name, backend, grad_error(got, sample->data, idx->data, sample->numel),
                     1e-3);
    }
}

static void check_on_backend(const golden_case *c, const vb_st_file *g, const char *backend)
{
    int64_t batch = atoll(vb_st_meta_get(g, "batch"));
    uint64_t seed = strtoull(vb_st_meta_get(g, "weights_seed"), NULL, 10);
    float smoothing = strtof(vb_st_meta_get(g, "label_smoothing"), NULL);
    vb_loaded_backend *b = vb_backend_load(backend, 2, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    vb_model m;
    cr_assert_eq(vb_model_load(&m, c->model, err, sizeof err), 0, "%s", err);
    cr_assert_eq(vb_model_alloc(&m, batch), 0);
    vb_model_init_params(&m, seed);
    vb_step_scratch s;
    cr_assert_eq(vb_step_scratch_alloc(&s, &m), 0);

    const float *images = need(g, "input")->data;
    const int32_t *labels = need(g, "labels")->data;
    /* Dropout and stochastic depth off, as in the golden run. */
    vb_run r = {.backend = b, .params = &m.params, .training = 0};
    const float *logits;
    double loss;
    cr_assert_eq(vb_eval_loss(&m, &r, &s, images, labels, smoothing, &logits, &loss), 0, "%s",
                 r.err);
    const vb_st_tensor *want_logits = need(g, "logits");
    expect_close("logits", backend,
                 rel_l2(logits, want_logits->data, NULL, want_logits->numel), 1e-4);
    float want_loss = ((const float *)need(g, "loss")->data)[0];
    expect_close("loss", backend, fabs(loss - want_loss) / fabs(want_loss), 1e-4);

    const vb_st_tensor *trajectory = need(g, "trajectory");
    for (int64_t t = 0; t < trajectory->numel; t++) {
        vb_adam_desc adam = c->adam;
        adam.step = t + 1;
        cr_assert_eq(vb_train_step(&m, &r, &s, images, labels, smoothing, adam, &loss), 0, "%s",
                     r.err);
        if (t == 0) check_gradients(&m, g, backend);
        double want = ((const float *)trajectory->data)[t];
        cr_expect(fabs(loss - want) <= 1e-3 * fabs(want) + 1e-5,
                  "%s on %s: loss before step %lld is %.7g, PyTorch %.7g", c->model, backend,
                  (long long)t + 1, loss, want);
    }
    vb_step_scratch_free(&s);
    vb_model_free(&m);
    vb_backend_unload(b);
}

static void check_case(const golden_case *c)
{
    vb_st_file g;
    cr_assert_eq(vb_st_read(&g, c->golden, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(vb_st_meta_get(&g, "format"), "vitbench-golden");
    cr_assert_str_eq(vb_st_meta_get(&g, "version"), "1");
    char names[16][64];
    int n = vb_backend_discover(names, 16);
    cr_assert_gt(n, 0, "no backend found (the build tree's backends/.libs)");
    /* naive is the reference's own code behind the ABI, so the built-in reference itself
     * need not run a second time. */
    for (int i = 0; i < n; i++) check_on_backend(c, &g, names[i]);
    vb_st_close(&g);
}

Test(golden, keras_cct, .timeout = 300) { check_case(&cases[0]); }
Test(golden, qiita_vit, .timeout = 300) { check_case(&cases[1]); }
Test(golden, vit_spt_lsa, .timeout = 600) { check_case(&cases[2]); }
