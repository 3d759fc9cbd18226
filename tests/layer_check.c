/* Layer test fixture and finite-difference checks (layer_check.h). */
#include "layer_check.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/rng.h"

static char err[1024];

/* Parses "[model]"-less text holding one layer section and configures the layer. */
static int configure(layer_fixture *f, const char *section, vb_shape in)
{
    memset(f, 0, sizeof *f);
    vb_param_block_init(&f->params);
    if (vb_cfg_parse(&f->cfg, "test.cfg", section, err, sizeof err) != 0) return -1;
    if (f->cfg.count != 1) {
        snprintf(err, sizeof err, "a case holds exactly one section");
        return -1;
    }
    vb_cfg_section *s = &f->cfg.sections[0];
    const vb_layer_kind *kind = vb_layer_kind_find(s->name);
    if (!kind) {
        snprintf(err, sizeof err, "unknown layer kind [%s]", s->name);
        return -1;
    }
    vb_layer *l = &f->layer;
    l->kind = kind;
    l->in = in;
    l->first_param = -1;
    l->component = kind->component.before_encoder;
    snprintf(l->name, sizeof l->name, "%s.0", kind->name);
    vb_layer_site site = {.block_index = 0, .block_count = 1, .classes = 10};
    if (kind->configure(l, s, site, err, sizeof err) != 0) return -1;
    if (kind->declare) {
        if (kind->declare(l, &f->params) != 0) return -1;
        l->first_param = f->params.count ? 0 : -1;
    }
    return vb_cfg_check_unused(&f->cfg, err, sizeof err);
}

static float *filled(int64_t n, uint64_t seed)
{
    float *p = vb_alloc((size_t)n * sizeof(float));
    cr_assert_not_null(p);
    for (int64_t i = 0; i < n; i++) p[i] = 2.0f * vb_uniform(seed, (uint64_t)i) - 1.0f;
    return p;
}

void layer_fixture_make(layer_fixture *f, const layer_case *c)
{
    cr_assert_eq(configure(f, c->section, c->in), 0, "%s: %s", c->label, err);
    vb_layer *l = &f->layer;
    if (f->params.count) {
        cr_assert_eq(vb_param_block_alloc(&f->params), 0);
        l->kind->init(l, &f->params, 7);
    }
    l->batch = c->batch;
    size_t state = l->kind->state_floats ? l->kind->state_floats(l, c->batch) : 0;
    l->state = state ? vb_alloc(state * sizeof(float)) : NULL;
    int64_t nx = c->batch * vb_shape_numel(l->in), ny = c->batch * vb_shape_numel(l->out);
    f->x = filled(nx, 1);
    f->dy = filled(ny, 2);
    f->y = vb_alloc((size_t)ny * sizeof(float));
    f->dx = vb_alloc((size_t)nx * sizeof(float));
    f->backend = vb_backend_load("reference", 1, err, sizeof err);
    cr_assert_not_null(f->backend, "%s", err);
    f->run = (vb_run){.backend = f->backend, .params = &f->params, .training = c->training,
                      .seed = 1234, .layer = l->name};
}

void layer_fixture_free(layer_fixture *f)
{
    if (f->layer.kind && f->layer.kind->destroy) f->layer.kind->destroy(&f->layer);
    else free(f->layer.priv);
    vb_free(f->layer.state);
    vb_free(f->x);
    vb_free(f->y);
    vb_free(f->dy);
    vb_free(f->dx);
    vb_param_block_free(&f->params);
    vb_cfg_free(&f->cfg);
    vb_backend_unload(f->backend);
}

static void forward(layer_fixture *f)
{
    cr_assert_eq(f->layer.kind->forward(&f->layer, &f->run, f->x, f->y), 0, "forward: %s",
                 f->run.err);
}

static void backward(layer_fixture *f)
{
    cr_assert_eq(f->layer.kind->backward(&f->layer, &f->run, f->x, f->y, f->dy, f->dx), 0,
                 "backward: %s", f->run.err);
}

void layer_fixture_step(layer_fixture *f)
{
    memset(f->dx, 0, (size_t)(f->layer.batch * vb_shape_numel(f->layer.in)) * sizeof(float));
    if (f->params.count) vb_param_block_zero_grad(&f->params);
    forward(f);
    backward(f);
}

/* L = Σ dy·y at the current inputs and parameters, in double. */
static double loss(layer_fixture *f)
{
    forward(f);
    int64_t ny = f->layer.batch * vb_shape_numel(f->layer.out);
    double l = 0;
    for (int64_t i = 0; i < ny; i++) l += (double)f->dy[i] * f->y[i];
    return l;
}

/* Checks grad[i] against a central difference for up to 24 entries of `values` spread
 * over the tensor. h = 1e-2 with an f32 forward: rounding noise in L (~1e-7·|L|/2h) and
 * the O(h²) truncation both stay under the default rtol 1e-2 with an atol of 1e-3. */
static void expect_fd(layer_fixture *f, const layer_case *c, const char *what, float *values,
                      const float *grad, int64_t n)
{
    const float h = 1e-2f;
    const double rtol = c->rtol > 0 ? c->rtol : 1e-2, atol = 1e-3;
    int64_t step = n > 24 ? n / 24 : 1;
    for (int64_t i = 0; i < n; i += step) {
        float v0 = values[i];
        values[i] = v0 + h;
        double up = loss(f);
        values[i] = v0 - h;
        double down = loss(f);
        values[i] = v0;
        double fd = (up - down) / (2.0 * h);
        double tol = atol + rtol * fmax(fabs(fd), fabs(grad[i]));
        cr_expect(fabs(fd - grad[i]) <= tol,
                  "%s: %s[%lld]: backward %.7g, finite difference %.7g", c->label, what,
                  (long long)i, (double)grad[i], fd);
    }
}

void check_layer_gradients(const layer_case *c)
{
    layer_fixture f;
    layer_fixture_make(&f, c);
    layer_fixture_step(&f);
    int64_t nx = c->batch * vb_shape_numel(f.layer.in);
    float *dx = vb_alloc((size_t)nx * sizeof(float));
    memcpy(dx, f.dx, (size_t)nx * sizeof(float));
    expect_fd(&f, c, "dx", f.x, dx, nx);
    for (int p = 0; p < f.params.count; p++) {
        size_t n = f.params.params[p].numel;
        const float *grad = vb_param_grad(&f.params, p);
        if (f.params.params[p].frozen) { /* a constant: backward leaves its gradient alone */
            for (size_t i = 0; i < n; i++)
                cr_expect(grad[i] == 0, "%s: frozen %s got a gradient", c->label,
                          f.params.params[p].name);
            continue;
        }
        float *g = vb_alloc(n * sizeof(float));
        memcpy(g, grad, n * sizeof(float));
        expect_fd(&f, c, f.params.params[p].name, vb_param_data(&f.params, p), g, (int64_t)n);
        vb_free(g);
    }
    vb_free(dx);
    layer_fixture_free(&f);
}

void check_layer_accumulates(const layer_case *c)
{
    layer_fixture f;
    layer_fixture_make(&f, c);
    layer_fixture_step(&f);
    int64_t nx = c->batch * vb_shape_numel(f.layer.in);
    float *once = vb_alloc((size_t)nx * sizeof(float));
    memcpy(once, f.dx, (size_t)nx * sizeof(float));
    float *grads_once = f.params.count ? vb_alloc(f.params.total * sizeof(float)) : NULL;
    if (grads_once) memcpy(grads_once, f.params.grad, f.params.total * sizeof(float));
    backward(&f);
    for (int64_t i = 0; i < nx; i++)
        cr_expect_eq(f.dx[i], 2.0f * once[i], "%s: dx[%lld] not accumulated", c->label,
                     (long long)i);
    for (size_t i = 0; grads_once && i < f.params.total; i++)
        cr_expect_eq(f.params.grad[i], 2.0f * grads_once[i],
                     "%s: parameter gradient %zu not accumulated", c->label, i);
    vb_free(once);
    vb_free(grads_once);
    layer_fixture_free(&f);
}

void check_layer_rejects(const char *section, vb_shape in, const char *expect)
{
    layer_fixture f;
    int rc = configure(&f, section, in);
    cr_expect_neq(rc, 0, "accepted: %s", section);
    cr_expect(strstr(err, expect) != NULL, "error '%s' does not mention '%s'", err, expect);
    cr_expect(strchr(err, '\n') == NULL, "error is not one line: %s", err);
    if (f.layer.kind && f.layer.kind->destroy) f.layer.kind->destroy(&f.layer);
    else free(f.layer.priv);
    vb_param_block_free(&f.params);
    vb_cfg_free(&f.cfg);
}
