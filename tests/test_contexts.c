/* Contexts (backend.h): two backends, or two contexts of one backend, loaded into one
 * process with different thread counts and their ops interleaved, do not disturb each
 * other.
 *
 * Two things are observed for every op call:
 *   - its outputs, which must be bit for bit those of the same call made before the other
 *     context existed (no shared cache, scratch or setting leaks from one to the other);
 *   - the OpenMP teams it ran on. This program defines GOMP_parallel, the libgomp entry
 *     that every `#pragma omp parallel` of GCC-built code (our backends, oneDNN) calls,
 *     and passes it on to libgomp's after wrapping the region's body so that it records
 *     the size of the team that runs it. Each call must run on teams of exactly its own
 *     context's thread count: a backend that set a process-wide count (as ABI 2's init
 *     did) makes the other context's calls run on the wrong teams, and fails here.
 * Loading and running must also leave the calling thread's own OpenMP count alone. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <math.h>
#include <omp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/loader.h"
#include "vitbench/rng.h"
#include "../lib/ref/ref.h"

/* ---- team sizes, seen from inside every parallel region -------------------------------- */

static atomic_int largest_team; /* since the last team_reset() */

typedef void (*region_fn)(void *);

typedef struct region {
    region_fn body;
    void *data;
} region;

static void recorded_body(void *arg)
{
    const region *r = arg;
    if (omp_get_thread_num() == 0) {
        int n = omp_get_num_threads(), seen = atomic_load(&largest_team);
        while (n > seen && !atomic_compare_exchange_weak(&largest_team, &seen, n)) {
        }
    }
    r->body(r->data);
}

/* Exported from this program (tests/contexts.mk), so it comes before libgomp's for every
 * shared object loaded into the process. */
void GOMP_parallel(region_fn body, void *data, unsigned num_threads, unsigned flags)
{
    static void (*libgomp)(region_fn, void *, unsigned, unsigned);
    if (!libgomp)
        *(void **)&libgomp = dlsym(RTLD_NEXT, "GOMP_parallel");
    region r = {body, data};
    libgomp(recorded_body, &r, num_threads, flags);
}

static void team_reset(void) { atomic_store(&largest_team, 0); }
static int team_largest(void) { return atomic_load(&largest_team); }

/* ---- the ops: large enough that every backend splits them over its threads ------------- */

enum { GEMM_N = 256, IMG = 32, CH = 16, OCH = 32, BATCH = 8, ROWS = 4096, COLS = 128 };
enum { HEADS = 4, TOKENS = 64, HEAD_DIM = 32, WIDTH = HEADS * HEAD_DIM };

static float *filled(int64_t n, uint64_t seed)
{
    float *p = malloc((size_t)n * sizeof *p);
    cr_assert_not_null(p);
    for (int64_t i = 0; i < n; i++)
        p[i] = 2.0f * (float)vb_uniform(seed, (uint64_t)i) - 1.0f;
    return p;
}

static float *zeros(int64_t n)
{
    float *p = calloc((size_t)n, sizeof *p);
    cr_assert_not_null(p);
    return p;
}

/* One op call on fixed inputs: writes every output into out (out_floats, zeroed first so
 * an op that adds into gradients starts from the same values). */
typedef struct op_case {
    const char *name;
    int64_t out_floats;
    int (*run)(const vb_loaded_backend *b, float *out);
} op_case;

static const vb_gemm_desc gemm_desc = {.batch = 1, .m = GEMM_N, .n = GEMM_N, .k = GEMM_N,
                                       .lda = GEMM_N, .ldb = GEMM_N, .ldc = GEMM_N,
                                       .alpha = 1.0f, .has_bias = 1, .act = VB_ACT_GELU};

static int run_gemm(const vb_loaded_backend *b, float *out)
{
    float *a = filled(GEMM_N * GEMM_N, 1), *w = filled(GEMM_N * GEMM_N, 2);
    float *bias = filled(GEMM_N, 3);
    int rc = b->ops.gemm(b->ctx, &gemm_desc, a, w, bias, out);
    free(a), free(w), free(bias);
    return rc;
}

static const vb_conv2d_desc conv_desc = {.n = BATCH, .h = IMG, .w = IMG, .c = CH, .oc = OCH,
                                         .kh = 3, .kw = 3, .stride_h = 1, .stride_w = 1,
                                         .pad_top = 1, .pad_bottom = 1, .pad_left = 1,
                                         .pad_right = 1, .oh = IMG, .ow = IMG,
                                         .has_bias = 1};

static int run_conv_fwd(const vb_loaded_backend *b, float *out)
{
    float *x = filled(BATCH * IMG * IMG * CH, 4), *w = filled(9 * CH * OCH, 5);
    float *bias = filled(OCH, 6);
    int rc = b->ops.conv2d_fwd(b->ctx, &conv_desc, x, w, bias, out);
    free(x), free(w), free(bias);
    return rc;
}

/* dw then dbias: sums over every output pixel (thread-count dependent partial sums) */
static int run_conv_bwd_weights(const vb_loaded_backend *b, float *out)
{
    float *x = filled(BATCH * IMG * IMG * CH, 4), *dy = filled(BATCH * IMG * IMG * OCH, 7);
    int rc = b->ops.conv2d_bwd_weights(b->ctx, &conv_desc, x, dy, out, out + 9 * CH * OCH);
    free(x), free(dy);
    return rc;
}

static const vb_layernorm_desc norm_desc = {.rows = ROWS, .cols = COLS, .eps = 1e-5f};

/* y, then mean and rstd */
static int run_layernorm_fwd(const vb_loaded_backend *b, float *out)
{
    float *x = filled(ROWS * COLS, 8), *gamma = filled(COLS, 9), *beta = filled(COLS, 10);
    int rc = b->ops.layernorm_fwd(b->ctx, &norm_desc, x, gamma, beta, out, out + ROWS * COLS,
                                  out + ROWS * COLS + ROWS);
    free(x), free(gamma), free(beta);
    return rc;
}

/* dx, dgamma, dbeta from the reference forward's statistics */
static int run_layernorm_bwd(const vb_loaded_backend *b, float *out)
{
    float *x = filled(ROWS * COLS, 8), *gamma = filled(COLS, 9), *beta = filled(COLS, 10);
    float *y = zeros(ROWS * COLS), *mean = zeros(ROWS), *rstd = zeros(ROWS);
    float *dy = filled(ROWS * COLS, 11);
    cr_assert_eq(vb_ref_layernorm_fwd(NULL, &norm_desc, x, gamma, beta, y, mean, rstd), VB_OK);
    int rc = b->ops.layernorm_bwd(b->ctx, &norm_desc, x, gamma, mean, rstd, dy, out,
                                  out + ROWS * COLS, out + ROWS * COLS + COLS);
    free(x), free(gamma), free(beta), free(y), free(mean), free(rstd), free(dy);
    return rc;
}

static const vb_softmax_desc softmax_desc = {.rows = ROWS, .cols = COLS};

static int run_softmax(const vb_loaded_backend *b, float *out)
{
    float *x = filled(ROWS * COLS, 12);
    int rc = b->ops.softmax_fwd(b->ctx, &softmax_desc, x, out);
    free(x);
    return rc;
}

static const vb_attention_desc attention_desc = {
    .batch = BATCH, .tokens = TOKENS, .heads = HEADS, .head_dim = HEAD_DIM,
    .q_row_stride = WIDTH, .k_row_stride = WIDTH, .v_row_stride = WIDTH,
    .o_row_stride = WIDTH, .dropout = 0.1f, .seed = 13};

/* o, then probs */
static int run_attention(const vb_loaded_backend *b, float *out)
{
    const int64_t n = BATCH * TOKENS * WIDTH;
    float *q = filled(n, 14), *k = filled(n, 15), *v = filled(n, 16);
    const float scale = 1.0f / sqrtf((float)HEAD_DIM);
    int rc = b->ops.attention_fwd(b->ctx, &attention_desc, q, k, v, &scale, out, out + n);
    free(q), free(k), free(v);
    return rc;
}

static const op_case ops[] = {
    {"gemm", GEMM_N * GEMM_N, run_gemm},
    {"conv2d_fwd", BATCH * IMG * IMG * OCH, run_conv_fwd},
    {"conv2d_bwd_weights", 9 * CH * OCH + OCH, run_conv_bwd_weights},
    {"layernorm_fwd", ROWS * COLS + 2 * ROWS, run_layernorm_fwd},
    {"layernorm_bwd", ROWS * COLS + 2 * COLS, run_layernorm_bwd},
    {"softmax_fwd", ROWS * COLS, run_softmax},
    {"attention_fwd", BATCH * TOKENS * WIDTH + BATCH * HEADS * TOKENS * TOKENS, run_attention},
};
enum { OPS = sizeof ops / sizeof ops[0] };

/* ---- one context and what its calls gave when it was alone ----------------------------- */

typedef struct context {
    vb_loaded_backend *b;
    int threads;
    float *alone[OPS]; /* each op's outputs before the other context existed */
} context;

/* The op of each case, for the loader's record of which ops fall back. */
static vb_op op_of(int i)
{
    return vb_op_from_name(ops[i].name);
}

/* Runs op i on c into a fresh buffer (caller frees), checking the teams it ran on: the
 * backend's own ops on the context's count (a 1-thread call may open no region at all),
 * the reference's fallbacks on none (it is single-threaded C). */
static float *call(const context *c, int i)
{
    float *out = zeros(ops[i].out_floats);
    team_reset();
    int rc = ops[i].run(c->b, out);
    cr_assert_eq(rc, VB_OK, "%s on %s: code %d", ops[i].name, c->b->name, rc);
    const int team = team_largest(), native = !c->b->fallback[op_of(i)];
    cr_expect(native ? team == c->threads || (c->threads == 1 && team == 0) : team == 0,
              "%s on %s (%d threads%s) ran on a team of %d", ops[i].name, c->b->name,
              c->threads, native ? "" : ", reference fallback", team);
    return out;
}

/* Loads `name` with `threads` and records every op's outputs; skips the test if the
 * backend is not built. */
static void open_context(context *c, const char *name, int threads)
{
    char path[1024], err[1024];
    if (vb_backend_find(name, path, sizeof path, err, sizeof err) != 0)
        cr_skip_test("%s", err);
    const int callers = omp_get_max_threads();
    c->threads = threads;
    c->b = vb_backend_load(name, threads, err, sizeof err);
    cr_assert_not_null(c->b, "%s", err);
    for (int i = 0; i < OPS; i++)
        c->alone[i] = call(c, i);
    cr_expect_eq(omp_get_max_threads(), callers,
                 "loading and running %s changed the caller's OpenMP thread count", name);
}

static void close_context(context *c)
{
    for (int i = 0; i < OPS; i++)
        free(c->alone[i]);
    vb_backend_unload(c->b);
}

/* a's op i, b's op i, a's op i + 1, ...: each call as it was alone, on its own teams. */
static void interleave(const context *a, const context *b)
{
    const context *both[2] = {a, b};
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < OPS; i++)
            for (int k = 0; k < 2; k++) {
                const context *c = both[(k + round) % 2];
                float *out = call(c, i);
                cr_expect(memcmp(out, c->alone[i],
                                 (size_t)ops[i].out_floats * sizeof(float)) == 0,
                          "%s on %s (%d threads) differs from its call alone", ops[i].name,
                          c->b->name, c->threads);
                free(out);
            }
}

static void check_pair(const char *first, int first_threads, const char *second,
                       int second_threads)
{
    /* teams of exactly the asked size: no dynamic adjustment, room for 2 threads */
    omp_set_dynamic(0);
    if (omp_get_thread_limit() < 2)
        cr_skip_test("OMP_THREAD_LIMIT=%d leaves no room for 2 threads",
                     omp_get_thread_limit());
    context a, b;
    open_context(&a, first, first_threads);
    open_context(&b, second, second_threads);
    interleave(&a, &b);
    close_context(&a);
    close_context(&b);
}

/* ---- the pairs ------------------------------------------------------------------------- */

Test(contexts, omp_1_thread_and_onednn_2_threads) { check_pair("omp", 1, "onednn", 2); }

Test(contexts, onednn_1_thread_and_omp_2_threads) { check_pair("onednn", 1, "omp", 2); }

Test(contexts, openblas_2_threads_and_onednn_1_thread) { check_pair("openblas", 2, "onednn", 1); }

/* One shared object, two contexts: everything per context, nothing in the library. */
Test(contexts, two_omp_contexts_1_and_2_threads) { check_pair("omp", 1, "omp", 2); }

Test(contexts, two_onednn_contexts_2_and_1_threads) { check_pair("onednn", 2, "onednn", 1); }

/* The skeleton's own op (softmax) on its threads beside a fast backend. */
Test(contexts, skeleton_2_threads_and_openblas_1_thread)
{
    check_pair("skeleton", 2, "openblas", 1);
}
