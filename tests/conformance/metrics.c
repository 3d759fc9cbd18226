/* Comparing a backend's outputs with the reference's.
 *
 * Per output tensor, in this order:
 *   1. NaN and ±Inf must sit at the same positions (the reference's NaN-filled, never
 *      written gaps included) — a NaN is never averaged away;
 *   2. NMSE over the finite elements, of what the op produced: for an accumulated or
 *      updated tensor the change from its initial value, δ = want − init:
 *          NMSE = Σ (got − want)² / Σ δ²;
 *      (over the element count instead where δ is zero by the maths, cf_tensor.vanishes);
 *   3. "mistrusted" when the reference's δ is no signal at all — all zero, mostly zero,
 *      or its nonzero values mostly one saturated value — so a backend that wrote
 *      nothing, or a constant, cannot pass.
 *
 * Thresholds are derived, not tuned. Summing K terms in f32, in any order, errs by at
 * most about K·ε times the magnitude of the terms (ε = FLT_EPSILON); `ulps` counts the
 * roundings per term (opinfo.c) and `reduce` is K for each output. The terms are O(1)
 * (inputs are O(1)), so the allowed squared error is
 *      (ulps·K·ε)² · (Σ δ² + n)          n·1²: the absolute floor, for outputs that are
 *                                         small because their O(1) terms cancel
 *    + Σ (ε·init)²                        adding δ to an O(1) initial value rounds once,
 * and the reported threshold is that divided by Σ δ². Exact outputs (integer GEMM and
 * conv, data movement, ReLU, max) get threshold 0.
 *
 * bf16 (backend.h). Rounding an input to bf16 (8 significant bits, round to nearest
 * even) changes it by a relative u ≤ 2^-8, so a term with r rounded factors errs by at
 * most r·u of itself (cf_bf16_factors gives r per op). These errors have no common sign
 * from term to term, so they add in quadrature, Σ (r·u·term)² ≤ (r·u)² Σ term², while the
 * output's own square is Σ term² for O(1) inputs of random sign: the NMSE they add is at
 * most (r·u)², whatever K is. Integer inputs of the exact cases (|x| ≤ 4, fill.c) are
 * exact in bf16 (it holds integers up to 256), so those cases stay exact. The absolute
 * floor above stays f32's: the bf16 budget scales with Σ δ² alone — except for an output
 * whose terms can cancel to far below Σ term² (attention's dscale, one number): there the
 * op bounds the error by a size of its own (cf_opinfo.bf16_size2). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include "conformance.h"

/* Mostly zero: more than this fraction of δ is exactly zero (ReLU zeroes about half,
 * a k3 s2 max-pool gradient three quarters). */
#define MISTRUST_ZERO 0.9
/* Saturated: more than this fraction of the nonzero δ sits at its maximum or minimum. */
#define MISTRUST_SATURATED 0.5
#define SATURATION_MIN_SIZE 16

const char *cf_status_name(cf_status s)
{
    static const char *names[] = {"pass", "fail", "skip", "mistrusted"};
    return names[s];
}

/* bf16's unit roundoff: half an ulp of an 8-significant-bit number. */
#define BF16_U 0x1p-8

/* The two relative error budgets of an output, squared: f32 summation, and bf16 inputs. */
static double f32_budget(const cf_opinfo *info, const cf_tensor *t)
{
    double rel = t->exact ? 0.0 : info->ulps * (double)t->reduce * FLT_EPSILON;
    return rel * rel;
}

static double bf16_budget(const cf_opinfo *info, vb_precision precision, const cf_tensor *t)
{
    double rel = precision == VB_PRECISION_BF16 && !t->exact
                     ? cf_bf16_factors(info->op) * BF16_U : 0.0;
    return rel * rel;
}

double cf_threshold(const cf_opinfo *info, vb_precision precision, const cf_tensor *t)
{
    return f32_budget(info, t) + bf16_budget(info, precision, t);
}

static int kind(float v)
{
    return isnan(v) ? 1 : isinf(v) ? (v > 0 ? 2 : 3) : 0;
}

/* One tensor; returns its status and writes nmse, threshold and detail. */
static cf_status compare_tensor(const cf_opinfo *info, vb_precision precision,
                                const cf_tensor *t, const float *init, const float *want,
                                const float *got, double bf16_size2, cf_compare *r)
{
    double err2 = 0, sig2 = 0, init2 = 0, dmax = -INFINITY, dmin = INFINITY;
    int64_t finite = 0, zeros = 0, at_max = 0, at_min = 0;
    for (int64_t j = 0; j < t->numel; j++) {
        if (kind(want[j]) != kind(got[j])) {
            r->nmse = INFINITY;
            r->threshold = cf_threshold(info, precision, t);
            snprintf(r->detail, sizeof r->detail, "%s[%lld]: NaN/Inf differ (ref %g, got %g)",
                     t->name, (long long)j, (double)want[j], (double)got[j]);
            return CF_FAIL;
        }
        if (kind(want[j]) != 0)
            continue;
        double i0 = isfinite(init[j]) ? init[j] : 0.0; /* outputs start as NaN */
        double delta = want[j] - i0, e = (double)got[j] - want[j];
        finite++;
        err2 += e * e;
        sig2 += delta * delta;
        init2 += i0 * i0;
        zeros += delta == 0.0;
        if (delta == 0.0)
            continue;
        if (delta > dmax)
            dmax = delta, at_max = 0;
        if (delta < dmin)
            dmin = delta, at_min = 0;
        at_max += delta == dmax;
        at_min += delta == dmin;
    }
    double thr = cf_threshold(info, precision, t), den = t->vanishes ? (double)finite : sig2;
    if (!t->exact && den > 0) {
        /* the absolute floor is f32's alone: bf16's budget is relative to the output */
        double eps2 = (double)FLT_EPSILON * FLT_EPSILON;
        thr = (f32_budget(info, t) * (sig2 + (double)finite) + eps2 * init2 +
               bf16_budget(info, precision, t) * (sig2 > bf16_size2 ? sig2 : bf16_size2)) /
              den;
    }
    r->threshold = thr;
    r->nmse = den > 0 ? err2 / den : (err2 > 0 ? INFINITY : 0.0);
    if (r->nmse > thr) {
        snprintf(r->detail, sizeof r->detail, "%s: NMSE %.3g > %.3g", t->name, r->nmse, thr);
        return CF_FAIL;
    }
    if (t->vanishes)
        return CF_PASS;
    if (finite == 0 || sig2 == 0 || (!t->sparse && zeros > MISTRUST_ZERO * finite)) {
        snprintf(r->detail, sizeof r->detail, "%s: %lld of %lld changes are zero", t->name,
                 (long long)zeros, (long long)finite);
        return CF_MISTRUSTED;
    }
    int64_t nonzero = finite - zeros;
    if (nonzero >= SATURATION_MIN_SIZE &&
        (at_max > MISTRUST_SATURATED * nonzero || at_min > MISTRUST_SATURATED * nonzero)) {
        snprintf(r->detail, sizeof r->detail, "%s: saturated (%lld at max, %lld at min)",
                 t->name, (long long)at_max, (long long)at_min);
        return CF_MISTRUSTED;
    }
    return CF_PASS;
}

void cf_compare_outputs(const cf_opinfo *info, const cf_desc *d, vb_precision precision,
                        const cf_buffers *init, const cf_buffers *want, const cf_buffers *got,
                        cf_compare *r)
{
    /* The decisive tensor: the first failure, else the first mistrusted, else the one
     * closest to its threshold. */
    double worst = -1;
    r->status = CF_PASS;
    r->nmse = r->threshold = 0;
    r->detail[0] = '\0';
    for (int i = 0; i < want->count; i++) {
        const cf_tensor *t = &want->t[i];
        if (!want->own[i] || t->role == CF_IN)
            continue;
        cf_compare c = {0};
        const double size2 = precision == VB_PRECISION_BF16 && info->bf16_size2
                                 ? info->bf16_size2(d, init, want, i) : 0.0;
        c.status = compare_tensor(info, precision, t, init->own[i], want->own[i], got->own[i],
                                  size2, &c);
        double ratio = c.threshold > 0 ? c.nmse / c.threshold : (c.nmse > 0 ? INFINITY : 0);
        int worse = c.status == CF_FAIL ? r->status != CF_FAIL
                  : c.status == CF_MISTRUSTED ? r->status == CF_PASS
                  : r->status == CF_PASS && ratio > worst;
        if (worse) {
            *r = c;
            worst = ratio;
        }
    }
}
