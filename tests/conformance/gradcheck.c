/* Backward ops against central differences of the same backend's forward.
 *
 * Nothing here is written per op: opinfo.c binds every backward tensor to its forward
 * op's tensors, so for any backward op
 *   L(inputs) = Σ_outputs Σ_j dy[j] · y[j]        (dy: the backward op's upstream grads)
 * is a scalar whose derivative with respect to forward input i, element j, is exactly
 * what the backward op adds into its CF_GRAD tensor bound to i. We run the forward,
 * the backward into zeroed gradients, then perturb sampled elements of each input:
 *   ∂L/∂x ≈ (L(x + h) − L(x − h)) / 2h.
 * Error of that estimate in f32: rounding ≈ ε·|L-terms|/h, truncation ≈ h²·|f'''|/6;
 * h = ε^(1/3)·max(1, |x|) balances them at ≈ ε^(2/3) ≈ 2.4e-5 relative. Inputs are
 * filled away from kinks and ties (ReLU, max pooling) by more than h. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "conformance.h"
#include "vitbench/rng.h"

#define SAMPLES 12
/* 64 × ε^(2/3): room for O(10) outputs moving per perturbed input and for
 * derivatives of a few units. */
#define FD_REL_ERROR (64.0 * 2.4e-5)

/* Σ dy·y over every forward output the backward op takes a gradient for. Gaps of
 * strided outputs (never written, still NaN) are skipped. */
static double objective(const cf_buffers *bw, const cf_buffers *fw)
{
    double L = 0;
    for (int i = 0; i < bw->count; i++) {
        const cf_tensor *t = &bw->t[i];
        if (t->bind != CF_DY && t->bind != CF_SCALAR_DY)
            continue;
        const float *y = fw->p[t->src], *dy = bw->p[i];
        for (int64_t j = 0; j < fw->t[t->src].numel; j++)
            if (isfinite(y[j]))
                L += (double)(t->bind == CF_DY ? dy[j] : dy[0]) * y[j];
    }
    return L;
}

static double central_difference(vb_op fwd, const cf_desc *d, uint64_t seed,
                                 const vb_loaded_backend *engine, const cf_buffers *bw,
                                 cf_buffers *fw, float *x)
{
    float x0 = *x, h = cbrtf(FLT_EPSILON) * fmaxf(1.0f, fabsf(x0));
    *x = x0 + h;
    float up = *x;
    cf_call(fwd, engine, d, fw->p, seed);
    double lp = objective(bw, fw);
    *x = x0 - h;
    float down = *x;
    cf_call(fwd, engine, d, fw->p, seed);
    double lm = objective(bw, fw);
    *x = x0;
    return (lp - lm) / ((double)up - down);
}

/* Compares one gradient tensor at sampled elements; returns its status. */
static cf_status check_gradient(vb_op fwd, const cf_desc *d, uint64_t seed,
                                const vb_loaded_backend *engine, const cf_buffers *bw, int g,
                                cf_buffers *fw, cf_compare *r)
{
    const cf_tensor *t = &bw->t[g];
    const float *an = bw->p[g];
    float *x = fw->p[t->src];
    int64_t n = t->numel, samples = n < SAMPLES ? n : SAMPLES;
    double err2 = 0, sig2 = 0;
    for (int64_t s = 0; s < samples; s++) {
        int64_t j = n <= SAMPLES ? s : (int64_t)(vb_hash64(seed, (uint64_t)s) % (uint64_t)n);
        double fd = central_difference(fwd, d, seed, engine, bw, fw, &x[j]);
        err2 += (fd - an[j]) * (fd - an[j]);
        sig2 += fd * fd;
    }
    cf_call(fwd, engine, d, fw->p, seed); /* leave the outputs of the unperturbed inputs */
    /* A gradient that vanishes by the maths is compared in absolute terms (O(1) units). */
    double den = t->vanishes ? (double)samples : sig2;
    r->threshold = FD_REL_ERROR * FD_REL_ERROR;
    r->nmse = den > 0 ? err2 / den : (err2 > 0 ? INFINITY : 0.0);
    if (!(r->nmse <= r->threshold)) {
        snprintf(r->detail, sizeof r->detail, "%s: NMSE %.3g vs finite differences", t->name,
                 r->nmse);
        return CF_FAIL;
    }
    if (sig2 == 0 && !t->vanishes) {
        snprintf(r->detail, sizeof r->detail, "%s: every sampled derivative is zero",
                 t->name);
        return CF_MISTRUSTED;
    }
    return CF_PASS;
}

void cf_gradcheck(const vb_loaded_backend *b, vb_op op, const cf_case *c, uint64_t seed,
                  cf_result *r)
{
    const cf_opinfo *info = cf_opinfo_get(op);
    if (cf_screen(b, op, c, seed, r) != 0)
        return;
    if (info->forward == VB_OP_COUNT) {
        r->cmp.status = CF_SKIP;
        snprintf(r->cmp.detail, sizeof r->cmp.detail, "not a backward op");
        return;
    }
    cf_buffers bw, fw;
    if (cf_prepare(op, &c->desc, seed, b, 1, &bw, &fw) != VB_OK) {
        r->cmp.status = CF_FAIL;
        snprintf(r->cmp.detail, sizeof r->cmp.detail, "forward pass failed");
        return;
    }
    int err = cf_call(op, b, &c->desc, bw.p, seed);
    if (err != VB_OK) {
        r->cmp.status = CF_FAIL;
        snprintf(r->cmp.detail, sizeof r->cmp.detail, "backward returned %d", err);
    }
    double worst = -1;
    for (int g = 0; err == VB_OK && g < bw.count; g++) {
        if (bw.t[g].bind != CF_GRAD || !bw.own[g])
            continue;
        cf_compare one = {0};
        one.status = check_gradient(info->forward, &c->desc, seed, b, &bw, g, &fw, &one);
        double ratio = one.nmse / one.threshold;
        if ((one.status != CF_PASS && r->cmp.status == CF_PASS) ||
            (one.status == CF_PASS && r->cmp.status == CF_PASS && ratio > worst)) {
            r->cmp = one;
            worst = ratio;
        }
    }
    cf_buffers_free(&bw);
    cf_buffers_free(&fw);
}
