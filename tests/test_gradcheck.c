/* Every backward op of the reference checked against central finite differences of its
 * own forward, plus the semantics that finite differences cannot see (accumulation into
 * gradients, NULL gradients, maxpool ties, Adam's step).
 *
 * Method: for an op y = f(x) take the scalar loss L(x) = Σ_i r_i · y_i with a fixed random
 * r. Then ∂L/∂x is exactly what the op's backward returns when handed dy = r, and each of
 * its entries can be estimated as (L(x + h·e_i) − L(x − h·e_i)) / 2h. One generic checker
 * (expect_grad) does this for any op through a forward callback; each test only builds
 * its op's inputs and calls backward. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ref.h"
#include "vitbench/rng.h"

/* ---- test tensors: deterministic random fills, freed after each test --------------- */

enum { MAX_TENSORS = 64 };
static float *tensors[MAX_TENSORS];
static int n_tensors;
static uint64_t next_seed = 1;

static void free_tensors(void)
{
    while (n_tensors > 0)
        free(tensors[--n_tensors]);
}

/* n zeros. */
static float *tensor(int64_t n)
{
    cr_assert_lt(n_tensors, MAX_TENSORS, "raise MAX_TENSORS");
    float *t = calloc((size_t)n, sizeof(float));
    cr_assert_not_null(t);
    return tensors[n_tensors++] = t;
}

/* n values uniform in [lo, hi), each tensor from its own stream. */
static float *random_tensor(int64_t n, float lo, float hi)
{
    float *t = tensor(n);
    uint64_t seed = next_seed++;
    for (int64_t i = 0; i < n; i++)
        t[i] = lo + (hi - lo) * vb_uniform(seed, (uint64_t)i);
    return t;
}

static float *copy_of(const float *src, int64_t n)
{
    return memcpy(tensor(n), src, (size_t)n * sizeof(float));
}

TestSuite(gradcheck, .fini = free_tensors);
TestSuite(semantics, .fini = free_tensors);

/* ---- the generic finite-difference checker --------------------------------------- */

/* The scalar test loss L = Σ_i r_i · y_i of one op's output y = forward(ctx). The forward
 * reads its inputs through pointers in ctx, so the checker perturbs them in place. */
typedef struct probe {
    void (*forward)(const void *ctx, float *y); /* overwrites y (ny) */
    const void *ctx;
    int64_t ny;
    const float *r; /* (ny) loss weights, and the dy handed to backward */
} probe;

/* Perturbation step and acceptance |fd − analytic| ≤ atol + rtol·max(|fd|, |analytic|). */
typedef struct fd_tol {
    float h;
    double rtol, atol;
} fd_tol;

/* Smooth ops: with an f32 forward, L's rounding noise (~1e-7·|L|) over 2h = 2e-2 is ~1e-5
 * and the central difference's O(h²·f''') truncation ~1e-4, both well inside 1e-2 / 1e-3. */
static const fd_tol SMOOTH = { 1e-2f, 1e-2, 1e-3 };
/* Piecewise-linear ops with inputs kept > h from kinks and ties: no truncation error at
 * all, only rounding noise (~1e-5), so the bound can be ten times tighter. */
static const fd_tol LINEAR = { 1e-2f, 1e-3, 1e-4 };

static double loss(const probe *p, float *y)
{
    p->forward(p->ctx, y);
    double l = 0.0;
    for (int64_t i = 0; i < p->ny; i++)
        l += (double)p->r[i] * y[i];
    return l;
}

/* Expects grad (nx) == ∂L/∂x entry by entry, x being one input the probe's forward reads. */
static void expect_grad(const char *name, const probe *p, float *x, int64_t nx,
                        const float *grad, fd_tol tol)
{
    float *y = tensor(p->ny); /* zeros: entries the op never writes stay constant */
    int64_t fails = 0, first = -1;
    double first_fd = 0.0;
    for (int64_t i = 0; i < nx; i++) {
        float x0 = x[i];
        x[i] = x0 + tol.h;
        double x_up = x[i], l_up = loss(p, y);
        x[i] = x0 - tol.h;
        double x_dn = x[i], l_dn = loss(p, y);
        x[i] = x0;
        double fd = (l_up - l_dn) / (x_up - x_dn); /* the steps actually taken in f32 */
        double err = fabs(fd - grad[i]);
        if (!(err <= tol.atol + tol.rtol * fmax(fabs(fd), fabs(grad[i])))) { /* NaN fails */
            if (fails++ == 0) {
                first = i;
                first_fd = fd;
            }
        }
    }
    cr_expect_eq(fails, 0, "%s: %lld of %lld entries wrong; first [%lld]: backward %.7g, "
                 "finite difference %.7g", name, (long long)fails, (long long)nx,
                 (long long)first, first >= 0 ? grad[first] : 0.0, first_fd);
}

/* Expects every entry of twice == 2 · once, exactly (doubling is exact in f32). */
static void expect_doubled(const char *name, const float *once, const float *twice, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        cr_expect_eq(twice[i], 2.0f * once[i], "%s[%lld]: %g after two calls, %g after one",
                     name, (long long)i, twice[i], once[i]);
}

/* ---- gemm: the gradient identities, evaluated with vb_ref_gemm itself ------------- */

/* C = act(alpha · op(A) · op(B) + beta · C0 + bias), C0 copied into C before each call. */
typedef struct gemm_case {
    vb_gemm_desc d;
    float *a, *b, *bias, *c0;
    int64_t nc;
} gemm_case;

static void gemm_forward(const void *ctx, float *y)
{
    const gemm_case *g = ctx;
    if (g->c0)
        memcpy(y, g->c0, (size_t)g->nc * sizeof(float));
    cr_assert_eq(vb_ref_gemm(NULL, &g->d, g->a, g->b, g->bias, y), VB_OK);
}

/* One plain (batch 1, alpha 1, beta 1: accumulate) product C (m×n) += op(A) · op(B). */
static void gemm_acc(int64_t m, int64_t n, int64_t k, int trans_a, int trans_b, const float *a,
                     int64_t lda, const float *b, int64_t ldb, float alpha, float *c, int64_t ldc)
{
    vb_gemm_desc d = { .batch = 1, .m = m, .n = n, .k = k, .trans_a = trans_a,
                       .trans_b = trans_b, .lda = lda, .ldb = ldb, .ldc = ldc,
                       .alpha = alpha, .beta = 1.0f };
    cr_assert_eq(vb_ref_gemm(NULL, &d, a, b, NULL, c), VB_OK);
}

/* Linear layer as the models use it: x (batch, m, k) with a padded row stride, one weight
 * W (n, k) broadcast over the batch (stride 0) and read transposed, bias, GELU:
 *   pre = alpha · x Wᵀ + bias,   C = gelu(pre)
 * Backward by the chain rule, dpre = gelu'(pre) ⊙ dC:
 *   dx = alpha · dpre W,   dW = alpha · Σ_batch dpreᵀ x,   dbias = Σ_rows dpre */
Test(gradcheck, gemm_broadcast_trans_b_bias_gelu)
{
    const int64_t batch = 2, m = 3, n = 4, k = 5, lda = 7;
    gemm_case g = { .d = { .batch = batch, .m = m, .n = n, .k = k, .trans_b = 1,
                           .lda = lda, .ldb = k, .ldc = n, .stride_a = m * lda,
                           .stride_b = 0, .stride_c = m * n, .alpha = 0.5f, .beta = 0.0f,
                           .has_bias = 1, .act = VB_ACT_GELU },
                    .nc = batch * m * n };
    g.a = random_tensor(batch * m * lda, -1, 1);
    g.b = random_tensor(n * k, -1, 1);
    g.bias = random_tensor(n, -1, 1);
    probe p = { gemm_forward, &g, g.nc, random_tensor(g.nc, -1, 1) };

    gemm_case pre = g;
    pre.d.act = VB_ACT_NONE;
    float *pre_c = tensor(g.nc), *dpre = tensor(g.nc);
    gemm_forward(&pre, pre_c);
    cr_assert_eq(vb_ref_gelu_bwd(NULL, &(vb_eltwise_desc){ g.nc }, pre_c, p.r, dpre), VB_OK);

    float *da = tensor(batch * m * lda), *db = tensor(n * k), *dbias = tensor(n);
    for (int64_t t = 0; t < batch; t++) /* dx_t (m×k) = alpha · dpre_t (m×n) · W (n×k) */
        gemm_acc(m, k, n, 0, 0, dpre + t * m * n, n, g.b, k, g.d.alpha, da + t * m * lda, lda);
    /* Rows of x are evenly spaced by lda across the batch, so the batch sum is one product
     * with inner size batch·m: dW (n×k) = alpha · dpreᵀ (n × batch·m) · x (batch·m × k). */
    gemm_acc(n, k, batch * m, 1, 0, dpre, n, g.a, lda, g.d.alpha, db, k);
    cr_assert_eq(vb_ref_add_bwd(NULL, &(vb_add_desc){ g.nc, n }, dpre, NULL, dbias), VB_OK);

    expect_grad("gemm dA", &p, g.a, batch * m * lda, da, SMOOTH);
    expect_grad("gemm dB (broadcast)", &p, g.b, n * k, db, SMOOTH);
    expect_grad("gemm dbias", &p, g.bias, n, dbias, SMOOTH);
}

/* A read transposed, beta ≠ 0, every matrix strided per batch:
 *   C_t = alpha · A_tᵀ B_t + beta · C0_t,   A_t (k×m), B_t (k×n)
 *   dA_t = alpha · B_t dC_tᵀ,   dB_t = alpha · A_t dC_t,   dC0 = beta · dC */
Test(gradcheck, gemm_trans_a_beta)
{
    const int64_t batch = 2, m = 3, n = 2, k = 4;
    gemm_case g = { .d = { .batch = batch, .m = m, .n = n, .k = k, .trans_a = 1,
                           .lda = m, .ldb = n, .ldc = n, .stride_a = k * m,
                           .stride_b = k * n, .stride_c = m * n, .alpha = 1.5f,
                           .beta = 0.75f },
                    .nc = batch * m * n };
    g.a = random_tensor(batch * k * m, -1, 1);
    g.b = random_tensor(batch * k * n, -1, 1);
    g.c0 = random_tensor(g.nc, -1, 1);
    probe p = { gemm_forward, &g, g.nc, random_tensor(g.nc, -1, 1) };

    float *da = tensor(batch * k * m), *db = tensor(batch * k * n), *dc0 = tensor(g.nc);
    for (int64_t t = 0; t < batch; t++) {
        const float *dc = p.r + t * m * n;
        gemm_acc(k, m, n, 0, 1, g.b + t * k * n, n, dc, n, g.d.alpha, da + t * k * m, m);
        gemm_acc(k, n, m, 0, 0, g.a + t * k * m, m, dc, n, g.d.alpha, db + t * k * n, n);
    }
    for (int64_t i = 0; i < g.nc; i++)
        dc0[i] = g.d.beta * p.r[i];

    expect_grad("gemm dA (trans_a)", &p, g.a, batch * k * m, da, SMOOTH);
    expect_grad("gemm dB", &p, g.b, batch * k * n, db, SMOOTH);
    expect_grad("gemm dC0 (beta)", &p, g.c0, g.nc, dc0, SMOOTH);
}

/* beta == 0 must not read C (NaN there stays out), and the ReLU epilogue follows the bias. */
Test(semantics, gemm_beta0_ignores_c_relu_epilogue)
{
    float a[4] = { 1, 2, 3, 4 }, b[4] = { 1, -1, 2, 0.5f }, bias[2] = { -6, 0.5f };
    float c[4] = { NAN, NAN, NAN, NAN };
    vb_gemm_desc d = { .batch = 1, .m = 2, .n = 2, .k = 2, .lda = 2, .ldb = 2, .ldc = 2,
                       .alpha = 1.0f, .beta = 0.0f, .has_bias = 1, .act = VB_ACT_RELU };
    cr_assert_eq(vb_ref_gemm(NULL, &d, a, b, bias, c), VB_OK);
    /* A·B = [[5, 0], [11, −1]], + bias = [[−1, 0.5], [5, −0.5]], relu → [[0, 0.5], [5, 0]] */
    float want[4] = { 0, 0.5f, 5, 0 };
    for (int i = 0; i < 4; i++)
        cr_expect_eq(c[i], want[i], "c[%d] = %g, want %g", i, c[i], want[i]);
}

/* ---- convolution -------------------------------------------------------------------- */

typedef struct conv_case {
    vb_conv2d_desc d;
    float *x, *w, *bias;
} conv_case;

static void conv_forward(const void *ctx, float *y)
{
    const conv_case *c = ctx;
    cr_assert_eq(vb_ref_conv2d_fwd(NULL, &c->d, c->x, c->w, c->bias, y), VB_OK);
}

/* Asymmetric padding on both axes, different strides, a bottom row read only through
 * padding: oh = (6 + 2 + 1 − 3)/2 + 1 = 4,  ow = (5 + 0 + 1 − 2)/1 + 1 = 5. */
Test(gradcheck, conv2d)
{
    conv_case c = { .d = { .n = 2, .h = 6, .w = 5, .c = 3, .oc = 4, .kh = 3, .kw = 2,
                           .stride_h = 2, .stride_w = 1, .pad_top = 2, .pad_bottom = 1,
                           .pad_left = 0, .pad_right = 1, .oh = 4, .ow = 5, .has_bias = 1 } };
    const vb_conv2d_desc *d = &c.d;
    int64_t nx = d->n * d->h * d->w * d->c, nw = d->kh * d->kw * d->c * d->oc;
    int64_t ny = d->n * d->oh * d->ow * d->oc;
    c.x = random_tensor(nx, -1, 1);
    c.w = random_tensor(nw, -1, 1);
    c.bias = random_tensor(d->oc, -1, 1);
    probe p = { conv_forward, &c, ny, random_tensor(ny, -1, 1) };

    float *dx = tensor(nx), *dw = tensor(nw), *dbias = tensor(d->oc);
    cr_assert_eq(vb_ref_conv2d_bwd_data(NULL, d, p.r, c.w, dx), VB_OK);
    cr_assert_eq(vb_ref_conv2d_bwd_weights(NULL, d, c.x, p.r, dw, dbias), VB_OK);
    /* conv is linear in each argument: no truncation error */
    expect_grad("conv2d dx", &p, c.x, nx, dx, LINEAR);
    expect_grad("conv2d dw", &p, c.w, nw, dw, LINEAR);
    expect_grad("conv2d dbias", &p, c.bias, d->oc, dbias, LINEAR);
}

/* ---- max pooling and padding ------------------------------------------------------- */

typedef struct pool_case {
    vb_pool_desc d;
    float *x;
} pool_case;

static void pool_forward(const void *ctx, float *y)
{
    const pool_case *c = ctx;
    cr_assert_eq(vb_ref_maxpool_fwd(NULL, &c->d, c->x, y), VB_OK);
}

/* Windows overlap and hang over an asymmetric border: oh = (5+1+1−3)/2+1 = 3,
 * ow = (5+0+1−2)/2+1 = 3. */
Test(gradcheck, maxpool)
{
    pool_case c = { .d = { .n = 2, .h = 5, .w = 5, .c = 3, .kh = 3, .kw = 2, .stride_h = 2,
                           .stride_w = 2, .pad_top = 1, .pad_bottom = 1, .pad_left = 0,
                           .pad_right = 1, .oh = 3, .ow = 3 } };
    int64_t nx = 2 * 5 * 5 * 3, ny = 2 * 3 * 3 * 3;
    /* distinct values 0.05 apart (37 is coprime to nx): no tie within ±h, mixed signs */
    c.x = tensor(nx);
    for (int64_t i = 0; i < nx; i++)
        c.x[i] = 0.05f * (float)((i * 37) % nx) - 0.025f * (float)nx;
    probe p = { pool_forward, &c, ny, random_tensor(ny, -1, 1) };

    float *y = tensor(ny), *dx = tensor(nx);
    pool_forward(&c, y);
    cr_assert_eq(vb_ref_maxpool_bwd(NULL, &c.d, c.x, y, p.r, dx), VB_OK);
    expect_grad("maxpool dx", &p, c.x, nx, dx, LINEAR);
}

/* Padding never wins: all-negative inputs with a padded border pool to negatives. Ties go
 * to the first maximum in row-major window order. */
Test(semantics, maxpool_padding_and_ties)
{
    /* x (1, 2, 2, 1) = [[−3, −1], [−1, −2]], 2×2 window, stride 1, pad 1 right/bottom */
    float x[4] = { -3, -1, -1, -2 }, y[4], dy[4] = { 1, 10, 100, 1000 }, dx[4] = { 0 };
    vb_pool_desc d = { .n = 1, .h = 2, .w = 2, .c = 1, .kh = 2, .kw = 2, .stride_h = 1,
                       .stride_w = 1, .pad_bottom = 1, .pad_right = 1, .oh = 2, .ow = 2 };
    cr_assert_eq(vb_ref_maxpool_fwd(NULL, &d, x, y), VB_OK);
    float want_y[4] = { -1, -1, -1, -2 };
    for (int i = 0; i < 4; i++)
        cr_expect_eq(y[i], want_y[i], "y[%d] = %g, want %g", i, y[i], want_y[i]);
    /* window (0,0) ties x[1] and x[2]: the first, x[1], takes dy[0] */
    cr_assert_eq(vb_ref_maxpool_bwd(NULL, &d, x, y, dy, dx), VB_OK);
    float want_dx[4] = { 0, 1 + 10, 100, 1000 };
    for (int i = 0; i < 4; i++)
        cr_expect_eq(dx[i], want_dx[i], "dx[%d] = %g, want %g", i, dx[i], want_dx[i]);
}

typedef struct pad_case {
    vb_pad_desc d;
    float *x;
} pad_case;

static void pad_forward(const void *ctx, float *y)
{
    const pad_case *c = ctx;
    cr_assert_eq(vb_ref_pad_fwd(NULL, &c->d, c->x, y), VB_OK);
}

Test(gradcheck, pad)
{
    pad_case c = { .d = { .n = 2, .h = 3, .w = 2, .c = 2, .top = 1, .bottom = 2, .left = 0,
                          .right = 1 } };
    int64_t nx = 2 * 3 * 2 * 2, ny = 2 * 6 * 3 * 2;
    c.x = random_tensor(nx, -1, 1);
    probe p = { pad_forward, &c, ny, random_tensor(ny, -1, 1) };
    float *dx = tensor(nx);
    cr_assert_eq(vb_ref_pad_bwd(NULL, &c.d, p.r, dx), VB_OK);
    expect_grad("pad dx", &p, c.x, nx, dx, LINEAR);
}

/* ---- element-wise ops and add ------------------------------------------------------ */

/* Every element-wise op has the type of relu's. */
typedef struct eltwise_case {
    vb_eltwise_desc d;
    vb_relu_fwd_op *fwd;
    float *x;
} eltwise_case;

static void eltwise_forward(const void *ctx, float *y)
{
    const eltwise_case *c = ctx;
    cr_assert_eq(c->fwd(NULL, &c->d, c->x, y), VB_OK);
}

static void check_eltwise(const char *name, vb_relu_fwd_op *fwd, vb_relu_bwd_op *bwd,
                          fd_tol tol)
{
    eltwise_case c = { .d = { 40 }, .fwd = fwd };
    c.x = random_tensor(c.d.n, -3, 3);
    for (int64_t i = 0; i < c.d.n; i++) /* keep off the kink of ReLU: |x| ≥ 0.1 > h */
        if (fabsf(c.x[i]) < 0.1f)
            c.x[i] = c.x[i] < 0 ? -0.1f - c.x[i] : 0.1f + c.x[i];
    probe p = { eltwise_forward, &c, c.d.n, random_tensor(c.d.n, -1, 1) };
    float *dx = tensor(c.d.n);
    cr_assert_eq(bwd(NULL, &c.d, c.x, p.r, dx), VB_OK);
    expect_grad(name, &p, c.x, c.d.n, dx, tol);
}

Test(gradcheck, relu) { check_eltwise("relu dx", vb_ref_relu_fwd, vb_ref_relu_bwd, LINEAR); }
Test(gradcheck, gelu) { check_eltwise("gelu dx", vb_ref_gelu_fwd, vb_ref_gelu_bwd, SMOOTH); }
Test(gradcheck, gelu_tanh)
{
    check_eltwise("gelu_tanh dx", vb_ref_gelu_tanh_fwd, vb_ref_gelu_tanh_bwd, SMOOTH);
}

typedef struct add_case {
    vb_add_desc d;
    float *a, *b;
} add_case;

static void add_forward(const void *ctx, float *y)
{
    const add_case *c = ctx;
    cr_assert_eq(vb_ref_add_fwd(NULL, &c->d, c->a, c->b, y), VB_OK);
}

Test(gradcheck, add_broadcast)
{
    add_case c = { .d = { .n = 12, .nb = 4 } };
    c.a = random_tensor(12, -1, 1);
    c.b = random_tensor(4, -1, 1);
    probe p = { add_forward, &c, 12, random_tensor(12, -1, 1) };
    float *da = tensor(12), *db = tensor(4);
    cr_assert_eq(vb_ref_add_bwd(NULL, &c.d, p.r, da, db), VB_OK);
    expect_grad("add da", &p, c.a, 12, da, LINEAR);
    expect_grad("add db (broadcast)", &p, c.b, 4, db, LINEAR);
}

/* ---- normalisation and softmax ----------------------------------------------------- */

typedef struct layernorm_case {
    vb_layernorm_desc d;
    float *x, *gamma, *beta, *mean, *rstd;
} layernorm_case;

static void layernorm_forward(const void *ctx, float *y)
{
    const layernorm_case *c = ctx;
    cr_assert_eq(
        vb_ref_layernorm_fwd(NULL, &c->d, c->x, c->gamma, c->beta, y, c->mean, c->rstd), VB_OK);
}

/* The probe's ctx is left for the caller to point at the returned case. */
static layernorm_case layernorm_setup(probe *p)
{
    layernorm_case c = { .d = { .rows = 3, .cols = 8, .eps = 1e-5f } };
    int64_t n = c.d.rows * c.d.cols;
    c.x = random_tensor(n, -2, 2);
    c.gamma = random_tensor(c.d.cols, 0.5f, 1.5f);
    c.beta = random_tensor(c.d.cols, -1, 1);
    c.mean = tensor(c.d.rows);
    c.rstd = tensor(c.d.rows);
    *p = (probe){ layernorm_forward, NULL, n, random_tensor(n, -1, 1) };
    return c;
}

static void layernorm_backward(const layernorm_case *c, const float *dy, float *dx,
                               float *dgamma, float *dbeta)
{
    cr_assert_eq(vb_ref_layernorm_bwd(NULL, &c->d, c->x, c->gamma, c->mean, c->rstd, dy, dx,
                                      dgamma, dbeta),
                 VB_OK);
}

Test(gradcheck, layernorm)
{
    probe p;
    layernorm_case c = layernorm_setup(&p);
    p.ctx = &c;
    int64_t n = c.d.rows * c.d.cols;
    float *y = tensor(n), *dx = tensor(n), *dgamma = tensor(c.d.cols), *dbeta = tensor(c.d.cols);
    layernorm_forward(&c, y); /* saves mean and rstd */
    layernorm_backward(&c, p.r, dx, dgamma, dbeta);
    expect_grad("layernorm dx", &p, c.x, n, dx, SMOOTH);
    expect_grad("layernorm dgamma", &p, c.gamma, c.d.cols, dgamma, SMOOTH);
    expect_grad("layernorm dbeta", &p, c.beta, c.d.cols, dbeta, SMOOTH);
}

/* Backward ADDS: a second call on the same buffers doubles every gradient; a NULL
 * gradient is skipped. */
Test(semantics, layernorm_accumulates)
{
    probe p;
    layernorm_case c = layernorm_setup(&p);
    int64_t n = c.d.rows * c.d.cols, cols = c.d.cols;
    float *y = tensor(n), *dx = tensor(n), *dgamma = tensor(cols), *dbeta = tensor(cols);
    layernorm_forward(&c, y);
    layernorm_backward(&c, p.r, dx, dgamma, dbeta);
    float *dx1 = copy_of(dx, n), *dgamma1 = copy_of(dgamma, cols), *dbeta1 = copy_of(dbeta, cols);
    layernorm_backward(&c, p.r, dx, dgamma, dbeta);
    expect_doubled("layernorm dx", dx1, dx, n);
    expect_doubled("layernorm dgamma", dgamma1, dgamma, cols);
    expect_doubled("layernorm dbeta", dbeta1, dbeta, cols);
    layernorm_backward(&c, p.r, NULL, NULL, dbeta); /* only dbeta: now three times */
    for (int64_t j = 0; j < cols; j++)
        cr_expect_float_eq(dbeta[j], 3.0f * dbeta1[j], 1e-6f);
}

typedef struct softmax_case {
    vb_softmax_desc d;
    float *x;
} softmax_case;

static void softmax_forward(const void *ctx, float *y)
{
    const softmax_case *c = ctx;
    cr_assert_eq(vb_ref_softmax_fwd(NULL, &c->d, c->x, y), VB_OK);
}

Test(gradcheck, softmax)
{
    softmax_case c = { .d = { .rows = 3, .cols = 7 } };
    int64_t n = 21;
    c.x = random_tensor(n, -2, 2);
    probe p = { softmax_forward, &c, n, random_tensor(n, -1, 1) };
    float *y = tensor(n), *dx = tensor(n);
    softmax_forward(&c, y);
    cr_assert_eq(vb_ref_softmax_bwd(NULL, &c.d, y, p.r, dx), VB_OK);
    expect_grad("softmax dx", &p, c.x, n, dx, SMOOTH);
}

/* ---- attention -------------------------------------------------------------------- */

/* q, k, v read in place from one fused buffer qkv (B, T, 3·H·D); o rows padded. */
typedef struct attention_case {
    vb_attention_desc d; /* with the mask seed */
    float *qkv, *probs;
    float scale;
    int64_t no;
} attention_case;

enum { ATT_B = 2, ATT_T = 5, ATT_H = 2, ATT_D = 3, ATT_HD = ATT_H * ATT_D, ATT_O_PAD = 2 };

static void attention_forward(const void *ctx, float *o)
{
    const attention_case *c = ctx;
    const float *q = c->qkv, *k = c->qkv + ATT_HD, *v = c->qkv + 2 * ATT_HD;
    cr_assert_eq(vb_ref_attention_fwd(NULL, &c->d, q, k, v, &c->scale, o, c->probs), VB_OK);
}

/* The probe's ctx is left for the caller to point at the returned case. */
static attention_case attention_setup(int diag_mask, float dropout, probe *p)
{
    attention_case c = { .d = { .batch = ATT_B, .tokens = ATT_T, .heads = ATT_H,
                                .head_dim = ATT_D, .q_row_stride = 3 * ATT_HD,
                                .k_row_stride = 3 * ATT_HD, .v_row_stride = 3 * ATT_HD,
                                .o_row_stride = ATT_HD + ATT_O_PAD, .diag_mask = diag_mask,
                                .dropout = dropout, .seed = 42 },
                         .scale = 0.7f,
                         .no = ATT_B * ATT_T * (ATT_HD + ATT_O_PAD) };
    c.qkv = random_tensor(ATT_B * ATT_T * 3 * ATT_HD, -1.5f, 1.5f);
    c.probs = tensor(ATT_B * ATT_H * ATT_T * ATT_T);
    *p = (probe){ attention_forward, NULL, c.no, random_tensor(c.no, -1, 1) };
    return c;
}

/* Backward with dy = r into dqkv (dq, dk, dv at the same strides as q, k, v) and dscale. */
static void attention_backward(const attention_case *c, const float *dout, float *dqkv,
                               float *dscale)
{
    const float *q = c->qkv, *k = c->qkv + ATT_HD, *v = c->qkv + 2 * ATT_HD;
    cr_assert_eq(vb_ref_attention_bwd(NULL, &c->d, q, k, v, &c->scale, c->probs, dout, dqkv,
                                      dqkv + ATT_HD, dqkv + 2 * ATT_HD, dscale),
                 VB_OK);
}

static void check_attention(const char *name, int diag_mask, float dropout)
{
    probe p;
    attention_case c = attention_setup(diag_mask, dropout, &p);
    p.ctx = &c;
    int64_t nqkv = ATT_B * ATT_T * 3 * ATT_HD;
    float *o = tensor(c.no), *dqkv = tensor(nqkv), dscale = 0.0f;
    attention_forward(&c, o);
    attention_backward(&c, p.r, dqkv, &dscale);
    if (diag_mask) /* a token never attends to itself: its probability is exactly 0 */
        for (int64_t bh = 0; bh < ATT_B * ATT_H; bh++)
            for (int64_t i = 0; i < ATT_T; i++)
                cr_expect_eq(c.probs[(bh * ATT_T + i) * ATT_T + i], 0.0f);

    char what[96];
    snprintf(what, sizeof what, "%s dq, dk, dv", name);
    expect_grad(what, &p, c.qkv, nqkv, dqkv, SMOOTH);
    snprintf(what, sizeof what, "%s dscale", name);
    expect_grad(what, &p, &c.scale, 1, &dscale, SMOOTH);
}

Test(gradcheck, attention) { check_attention("attention", 0, 0.0f); }
Test(gradcheck, attention_diag_mask) { check_attention("attention (LSA mask)", 1, 0.0f); }
/* The dropout mask is a fixed function of (seed, index), so L stays differentiable. */
Test(gradcheck, attention_diag_mask_dropout)
{
    check_attention("attention (LSA mask, dropout 0.3)", 1, 0.3f);
}

Test(semantics, attention_accumulates_and_skips_null)
{
    probe p;
    attention_case c = attention_setup(1, 0.3f, &p);
    int64_t nqkv = ATT_B * ATT_T * 3 * ATT_HD;
    float *o = tensor(c.no), *dqkv = tensor(nqkv), *dv_only = tensor(nqkv);
    float dscale = 0.0f;
    attention_forward(&c, o);
    attention_backward(&c, p.r, dqkv, &dscale);
    float *once = copy_of(dqkv, nqkv), dscale1 = dscale;
    attention_backward(&c, p.r, dqkv, &dscale);
    expect_doubled("attention dqkv", once, dqkv, nqkv);
    expect_doubled("attention dscale", &dscale1, &dscale, 1);

    /* dq, dk, dscale NULL: only the v part of the buffer is written, as in the full call */
    const float *q = c.qkv, *k = c.qkv + ATT_HD, *v = c.qkv + 2 * ATT_HD;
    cr_assert_eq(vb_ref_attention_bwd(NULL, &c.d, q, k, v, &c.scale, c.probs, p.r, NULL, NULL,
                                      dv_only + 2 * ATT_HD, NULL),
                 VB_OK);
    for (int64_t i = 0; i < nqkv; i++)
        cr_expect_eq(dv_only[i], i % (3 * ATT_HD) >= 2 * ATT_HD ? once[i] : 0.0f,
                     "dqkv[%lld]", (long long)i);
}

/* Finite differences cannot see which mask entry belongs where (any fixed mask is
 * differentiable), so pin the index formula: with v_j = e_j (head_dim = tokens), o_i is
 * row i of P' = P ⊙ keep / (1 − dropout), keep from ((b·H + h)·T + i)·T + j, and the saved
 * P is taken before dropout (rows sum to 1). */
Test(semantics, attention_dropout_mask_index)
{
    enum { B = 2, H = 2, T = 4, HD = H * T };
    const float rate = 0.5f;
    const uint64_t seed = 3;
    vb_attention_desc d = { .batch = B, .tokens = T, .heads = H, .head_dim = T,
                            .q_row_stride = HD, .k_row_stride = HD, .v_row_stride = HD,
                            .o_row_stride = HD, .dropout = rate, .seed = seed };
    const float scale = 0.5f;
    float *q = random_tensor(B * T * HD, -1, 1), *k = random_tensor(B * T * HD, -1, 1);
    float *v = tensor(B * T * HD), *o = tensor(B * T * HD), *probs = tensor(B * H * T * T);
    for (int64_t b = 0; b < B; b++)
        for (int64_t h = 0; h < H; h++)
            for (int64_t j = 0; j < T; j++)
                v[(b * T + j) * HD + h * T + j] = 1.0f;
    cr_assert_eq(vb_ref_attention_fwd(NULL, &d, q, k, v, &scale, o, probs), VB_OK);
    for (int64_t b = 0; b < B; b++)
        for (int64_t h = 0; h < H; h++)
            for (int64_t i = 0; i < T; i++) {
                double row_sum = 0.0;
                for (int64_t j = 0; j < T; j++) {
                    int64_t at = ((b * H + h) * T + i) * T + j;
                    float want = vb_keep(seed, (uint64_t)at, rate) ? probs[at] / (1 - rate) : 0;
                    cr_expect_float_eq(o[(b * T + i) * HD + h * T + j], want, 1e-6f,
                                       "P'[%lld]", (long long)at);
                    row_sum += probs[at];
                }
                cr_expect_float_eq(row_sum, 1.0, 1e-6);
            }
}

Test(semantics, attention_rejects_one_token_with_diag_mask)
{
    float x[ATT_D] = { 0 }, o[ATT_D], probs[1], scale = 1.0f;
    vb_attention_desc d = { .batch = 1, .tokens = 1, .heads = 1, .head_dim = ATT_D,
                            .q_row_stride = ATT_D, .k_row_stride = ATT_D,
                            .v_row_stride = ATT_D, .o_row_stride = ATT_D, .diag_mask = 1 };
    cr_expect_eq(vb_ref_attention_fwd(NULL, &d, x, x, x, &scale, o, probs), VB_EINVAL);
}

/* ---- dropout and drop path -------------------------------------------------------- */

/* Both ops as one forward: the probe picks which through `path`. The seed is set into
 * both descriptors. */
typedef struct dropout_case {
    int path;
    vb_dropout_desc d;
    vb_drop_path_desc dp;
    uint64_t seed;
    float *x;
} dropout_case;

static void dropout_forward(const void *ctx, float *y)
{
    const dropout_case *c = ctx;
    int err = c->path ? vb_ref_drop_path_fwd(NULL, &c->dp, c->x, y)
                      : vb_ref_dropout_fwd(NULL, &c->d, c->x, y);
    cr_assert_eq(err, VB_OK);
}

static void check_dropout(const char *name, dropout_case c, int64_t n)
{
    c.d.seed = c.dp.seed = c.seed;
    c.x = random_tensor(n, 0.5f, 1.5f); /* nonzero, so y == 0 means dropped */
    probe p = { dropout_forward, &c, n, random_tensor(n, -1, 1) };
    float *y = tensor(n), *dx = tensor(n);
    dropout_forward(&c, y);
    /* the mask is vb_keep at index i (dropout) or at the sample i / per_sample (drop path) */
    float rate = c.path ? c.dp.rate : c.d.rate;
    int64_t dropped = 0;
    for (int64_t i = 0; i < n; i++) {
        uint64_t at = (uint64_t)(c.path ? i / c.dp.per_sample : i);
        cr_expect_eq(y[i], vb_keep(c.seed, at, rate) ? c.x[i] / (1.0f - rate) : 0.0f);
        dropped += y[i] == 0.0f;
    }
    cr_assert(dropped > 0 && dropped < n, "%s: the seed must drop some values, not all", name);
    int err = c.path ? vb_ref_drop_path_bwd(NULL, &c.dp, p.r, dx)
                     : vb_ref_dropout_bwd(NULL, &c.d, p.r, dx);
    cr_assert_eq(err, VB_OK);
    expect_grad(name, &p, c.x, n, dx, LINEAR);
}

Test(gradcheck, dropout)
{
    check_dropout("dropout dx", (dropout_case){ .d = { .n = 32, .rate = 0.25f }, .seed = 7 }, 32);
}

Test(gradcheck, drop_path)
{
    check_dropout("drop_path dx",
                  (dropout_case){ .path = 1, .dp = { .batch = 6, .per_sample = 5, .rate = 0.5f },
                                  .seed = 7 },
                  30);
}

/* ---- sequence pooling and the loss ------------------------------------------------ */

typedef struct seqpool_case {
    vb_seqpool_desc d;
    float *x, *g, *g_bias, *attn;
} seqpool_case;

static void seqpool_forward(const void *ctx, float *y)
{
    const seqpool_case *c = ctx;
    cr_assert_eq(vb_ref_seqpool_fwd(NULL, &c->d, c->x, c->g, c->g_bias, y, c->attn), VB_OK);
}

Test(gradcheck, seqpool)
{
    seqpool_case c = { .d = { .batch = 2, .tokens = 4, .dim = 3 } };
    int64_t nx = 2 * 4 * 3, ny = 2 * 3;
    c.x = random_tensor(nx, -1, 1);
    c.g = random_tensor(3, -1, 1);
    c.g_bias = random_tensor(1, -1, 1);
    c.attn = tensor(2 * 4);
    probe p = { seqpool_forward, &c, ny, random_tensor(ny, -1, 1) };
    float *y = tensor(ny), *dx = tensor(nx), *dg = tensor(3), *dg_bias = tensor(1);
    seqpool_forward(&c, y);
    cr_assert_eq(vb_ref_seqpool_bwd(NULL, &c.d, c.x, c.g, c.attn, p.r, dx, dg, dg_bias),
                 VB_OK);
    expect_grad("seqpool dx", &p, c.x, nx, dx, SMOOTH);
    expect_grad("seqpool dg", &p, c.g, 3, dg, SMOOTH);
    expect_grad("seqpool dg_bias", &p, c.g_bias, 1, dg_bias, SMOOTH); /* ≈ 0 both ways */
}

typedef struct xent_case {
    vb_xent_desc d;
    float *logits, *probs;
    const int32_t *labels;
} xent_case;

static void xent_forward(const void *ctx, float *loss)
{
    const xent_case *c = ctx;
    cr_assert_eq(vb_ref_xent_fwd(NULL, &c->d, c->logits, c->labels, loss, c->probs), VB_OK);
}

/* Backward takes one grad_scale = ∂L/∂loss_b for every sample, so here r ≡ grad_scale:
 * L = grad_scale · Σ_b loss_b (the batch mean for grad_scale = 1/batch). */
Test(gradcheck, xent_label_smoothing)
{
    static const int32_t labels[3] = { 4, 0, 2 };
    xent_case c = { .d = { .batch = 3, .classes = 5, .label_smoothing = 0.1f }, .labels = labels };
    const float grad_scale = 1.0f / 3.0f;
    c.logits = random_tensor(15, -3, 3);
    c.probs = tensor(15);
    float *r = tensor(3), *loss = tensor(3), *dlogits = tensor(15);
    for (int b = 0; b < 3; b++)
        r[b] = grad_scale;
    probe p = { xent_forward, &c, 3, r };
    xent_forward(&c, loss);
    cr_assert_eq(vb_ref_xent_bwd(NULL, &c.d, c.probs, labels, &grad_scale, dlogits), VB_OK);
    expect_grad("xent dlogits", &p, c.logits, 15, dlogits, SMOOTH);
}

/* logits (0, ln 3) → probs (1/4, 3/4); label 1 with ls = 0.2 → target (0.1, 0.9);
 * loss = −(0.1·ln(1/4) + 0.9·ln(3/4)) = 0.1·ln 4 + 0.9·ln(4/3). */
Test(semantics, xent_value)
{
    float logits[2] = { 0.0f, logf(3.0f) }, loss, probs[2];
    int32_t label = 1;
    vb_xent_desc d = { .batch = 1, .classes = 2, .label_smoothing = 0.2f };
    cr_assert_eq(vb_ref_xent_fwd(NULL, &d, logits, &label, &loss, probs), VB_OK);
    cr_expect_float_eq(loss, (float)(0.1 * log(4.0) + 0.9 * log(4.0 / 3.0)), 1e-6f);
    cr_expect_float_eq(probs[0], 0.25f, 1e-6f);
    cr_expect_float_eq(probs[1], 0.75f, 1e-6f);
    label = 2;
    cr_expect_eq(vb_ref_xent_fwd(NULL, &d, logits, &label, &loss, probs), VB_EINVAL);
}

/* ---- Adam ---------------------------------------------------------------------------- */

/* One step t = 3, lr = 0.1, β1 = 0.9, β2 = 0.999, eps = 1e-3, wd = 0.1 on two parameters
 *   p = (1, −2), g = (0.5, −0.25), m = (0.1, 0), v = (0.01, 0):
 *   m' = 0.9·m + 0.1·g = (0.14, −0.025),   v' = 0.999·v + 0.001·g² = (0.01024, 6.25e-5)
 *   bc1 = 1 − 0.9³ = 0.271,  bc2 = 1 − 0.999³ = 0.002997001
 *   TORCH: u = lr·(m'/bc1) / (sqrt(v'/bc2) + eps)     = (0.027932983, −0.063442037)
 *   KERAS: u = lr·sqrt(bc2)/bc1 · m' / (sqrt(v') + eps) = (0.027674611, −0.056708270)
 *   decay: NONE 0,  DECOUPLED wd·p = (0.1, −0.2),  DECOUPLED_LR lr·wd·p = (0.01, −0.02)
 *   p' = p − u − decay  (values below from these formulas, evaluated in double) */
Test(semantics, adam_step_all_modes)
{
    static const struct {
        vb_decay_mode decay;
        vb_eps_mode eps;
        double p[2];
    } cases[] = {
        { VB_DECAY_NONE, VB_EPS_TORCH, { 0.972067017, -1.93655796 } },
        { VB_DECAY_NONE, VB_EPS_KERAS, { 0.972325389, -1.94329173 } },
        { VB_DECAY_DECOUPLED, VB_EPS_TORCH, { 0.872067017, -1.73655796 } },
        { VB_DECAY_DECOUPLED, VB_EPS_KERAS, { 0.872325389, -1.74329173 } },
        { VB_DECAY_DECOUPLED_LR, VB_EPS_TORCH, { 0.962067017, -1.91655796 } },
        { VB_DECAY_DECOUPLED_LR, VB_EPS_KERAS, { 0.962325389, -1.92329173 } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        float p[2] = { 1.0f, -2.0f }, g[2] = { 0.5f, -0.25f }, m[2] = { 0.1f, 0.0f },
              v[2] = { 0.01f, 0.0f };
        vb_adam_desc d = { .n = 2, .step = 3, .lr = 0.1f, .beta1 = 0.9f, .beta2 = 0.999f,
                           .eps = 1e-3f, .weight_decay = 0.1f, .decay_mode = cases[i].decay,
                           .eps_mode = cases[i].eps };
        cr_assert_eq(vb_ref_adam_step(NULL, &d, p, g, m, v), VB_OK);
        /* The hyperparameters are f32 approximations: 1 − β2 for the f32 nearest 0.999 is
         * off by 1.3e-5 relative, which v shows in full (hence 1e-4) and p, after the sqrt
         * and next to the larger p, only below 1e-6. */
        const double want_m[2] = { 0.14, -0.025 }, want_v[2] = { 0.01024, 6.25e-5 };
        for (int j = 0; j < 2; j++) {
            cr_expect(fabs(p[j] - cases[i].p[j]) <= 1e-6 * fabs(cases[i].p[j]),
                      "decay %d eps %d: p[%d] = %.9g, want %.9g", cases[i].decay,
                      cases[i].eps, j, p[j], cases[i].p[j]);
            cr_expect(fabs(m[j] - want_m[j]) <= 1e-6 * fabs(want_m[j]), "m[%d] = %.9g", j, m[j]);
            cr_expect(fabs(v[j] - want_v[j]) <= 1e-4 * fabs(want_v[j]), "v[%d] = %.9g", j, v[j]);
        }
    }
}
