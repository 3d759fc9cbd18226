/* The conformance harness: every op × every backend checked against the reference.
 *
 * The pieces, one per file:
 *   opinfo.c   what each op reads and writes (tensor list from the descriptor), its
 *              FLOP count, its error budget, random descriptors; the slot calls are
 *              generated from VB_OPS;
 *   cases.c    the named cases: small/odd shapes and the real shapes of the seed models;
 *   fill.c     seeded input filling (exact integers for GEMM/conv, floats elsewhere);
 *   buffers.c  tensors with guard bytes after each one;
 *   prepare.c  a case's buffers ready to run (backward inputs from a forward pass);
 *   metrics.c  NaN/Inf agreement, NMSE, the derived thresholds, "mistrusted";
 *   check.c    one case on one backend against the reference;
 *   gradcheck.c backward ops against central differences of the backend's own forward;
 *   perf.c     timing, and the bare cblas_sgemm baseline;
 *   report.c   the aligned table, the CSV, the reproduce line.
 * vbcheck.c is the program; tests/test_conformance.c the Criterion suite. */
#ifndef VITBENCH_CONFORMANCE_H
#define VITBENCH_CONFORMANCE_H

#include <stdint.h>
#include <stdio.h>
#include "vitbench/backend.h"
#include "vitbench/loader.h"

/* ---- op knowledge (opinfo.c) -------------------------------------------------------- */

/* Any descriptor, by slot name: d.gemm, d.conv2d_fwd, d.conv2d_bwd_data, ... */
typedef union cf_desc {
#define CF_DESC_MEMBER(ID, name, desc, args) desc name;
    VB_OPS(CF_DESC_MEMBER)
#undef CF_DESC_MEMBER
} cf_desc;

typedef enum cf_role {
    CF_IN,    /* read only */
    CF_OUT,   /* overwritten: pre-filled with NaN, so a read of it shows */
    CF_ACC,   /* backward gradient: pre-filled with the same nonzero values, added into */
    CF_INOUT  /* read and updated in place (GEMM's C with beta != 0, Adam's state) */
} cf_role;

typedef enum cf_fill {
    CF_FILL_REAL,     /* uniform in [-value, value] */
    CF_FILL_INT,      /* integers in [-value, value]: exact f32 sums (see fill.c) */
    CF_FILL_AWAY,     /* |x| in [0.1, 1]·value: away from ReLU's kink */
    CF_FILL_DISTINCT, /* all values distinct, spaced 2/numel: no ties in max pooling */
    CF_FILL_LABELS,   /* int32 class labels in [0, value) */
    CF_FILL_CONST,    /* every element = value */
    CF_FILL_POS       /* uniform in [0.05, 0.05 + value]: Adam's second moment */
} cf_fill;

/* Where a backward op's tensor comes from, in terms of its forward op's tensor list. */
typedef enum cf_bind {
    CF_OWN = 0,   /* filled on its own (forward and standalone ops) */
    CF_FWD_IN,    /* a copy of forward tensor src (an input) */
    CF_FWD_OUT,   /* forward tensor src as the forward pass wrote it */
    CF_DY,        /* the upstream gradient of forward output src (fresh random) */
    CF_SCALAR_DY, /* one value that is the gradient of every element of output src */
    CF_GRAD       /* the gradient of forward input src (what finite differences check) */
} cf_bind;

#define CF_MAX_TENSORS 16

typedef struct cf_tensor {
    const char *name;
    int64_t numel;  /* elements (f32 or int32); 0 = passed as NULL */
    cf_role role;
    cf_fill fill;
    float value;    /* the fill's parameter, see cf_fill */
    int view_of;    /* -1, or the index of the tensor whose storage this one shares */
    int64_t offset; /*     ... starting this many elements into it */
    cf_bind bind;
    int src;
    /* Outputs only: how much rounding error one element can collect — the number of terms
     * summed into it, or its formula's condition number — which sets its threshold; and
     * whether integer inputs make it exact (threshold 0). */
    int64_t reduce;
    int exact;
    int vanishes; /* zero in exact arithmetic: nothing to mistrust, compared absolutely */
    int sparse;   /* mostly zero by design (routing): only an all-zero change is mistrusted */
} cf_tensor;

typedef struct cf_buffers cf_buffers; /* below */

typedef struct cf_opinfo {
    vb_op op;
    vb_op forward; /* backward ops: the forward op whose tensors bind; else VB_OP_COUNT */
    /* Rounding errors per term, in units of FLT_EPSILON (see metrics.c). */
    double ulps;
    /* Writes the op's tensors, the slot's arguments in their order first (then any
     * storage that views of them share, which is not passed), and returns how many. */
    int (*tensors)(const cf_desc *d, cf_tensor *t);
    /* Floating-point operations of one call; 0 = memory-bound, not reported. */
    double (*flops)(const cf_desc *d);
    /* A random valid descriptor for --stress (forward/standalone ops only). */
    void (*random)(uint64_t *rng, cf_desc *d);
    /* The shape as short text for the table (forward/standalone ops only). */
    void (*describe)(const cf_desc *d, char *buf, size_t len);
    /* Ops with a random mask: puts the run's seed into the descriptor; else NULL. */
    void (*seed)(cf_desc *d, uint64_t seed);
    /* Ops with an output whose terms can cancel (else NULL): for output tensor i, the
     * squared size its bf16 error is bounded by, in place of its own Σ δ² (metrics.c);
     * 0 for the other outputs. init and want: the reference's buffers. */
    double (*bf16_size2)(const cf_desc *d, const cf_buffers *init, const cf_buffers *want,
                         int i);
} cf_opinfo;

const cf_opinfo *cf_opinfo_get(vb_op op);
/* In a bf16 context (backend.h), how many of the factors of each term an output sums are
 * rounded to bf16 on their way, along the op's longest chain of products; 0 for the ops
 * that compute f32 whatever the precision. */
int cf_bf16_factors(vb_op op);
/* Calls op's slot of b with b's context: p[i] is tensor i's data, the descriptor d with the
 * run's seed in it (ops with a mask). Returns the slot's code. */
int cf_call(vb_op op, const vb_loaded_backend *b, const cf_desc *d, void *const *p,
            uint64_t seed);
/* The built-in reference as a loaded backend (loaded on first use, kept for the process). */
const vb_loaded_backend *cf_reference(void);
/* The op whose descriptors a case names: the forward op of a backward one. */
vb_op cf_family(vb_op op);

/* ---- cases (cases.c) ------------------------------------------------------------------ */

enum { CF_TIER_TEST = 1, CF_TIER_PERF = 2, CF_TIER_GRAD = 4 };

typedef struct cf_case {
    vb_op family; /* the forward or standalone op; backward ops reuse its cases */
    char label[48];
    cf_desc desc;
    int tiers;    /* CF_TIER_*: which modes run it by default */
} cf_case;

/* The built-in case list (static, built on first use). */
const cf_case *cf_cases(int *count);
/* The case labelled `label` of this op's family, or NULL. */
const cf_case *cf_case_find(vb_op op, const char *label);
/* A random case for op's family drawn from seed (--stress); label "random". */
void cf_case_random(vb_op op, uint64_t seed, cf_case *c);

/* ---- fill (fill.c) -------------------------------------------------------------------- */

void cf_fill_tensor(const cf_tensor *t, void *data, uint64_t seed);
/* The same nonzero small integers for both sides of an accumulating output. */
void cf_fill_prefill(float *data, int64_t n, uint64_t seed);
/* Largest integer magnitude m ≤ 4 with reduce·m² + 8·m < 2^24: sums stay exact. */
float cf_int_magnitude(int64_t reduce);

/* ---- guarded buffers (buffers.c) ------------------------------------------------------ */

typedef struct cf_buffers {
    int count;
    cf_tensor t[CF_MAX_TENSORS];
    void *p[CF_MAX_TENSORS];   /* the pointer passed to the op (NULL when numel is 0) */
    void *own[CF_MAX_TENSORS]; /* allocated storage (NULL for views) */
} cf_buffers;

/* Allocates every tensor of t (views share their base) with guard bytes after each. */
int cf_buffers_alloc(cf_buffers *b, const cf_tensor *t, int count);
/* A copy with identical contents and guards. */
int cf_buffers_clone(cf_buffers *dst, const cf_buffers *src);
/* -1 if all guards are intact, else the index of the first tensor whose guard changed. */
int cf_buffers_guard_broken(const cf_buffers *b);
void cf_buffers_free(cf_buffers *b);

/* ---- preparing a case (prepare.c) ----------------------------------------------------- */

/* Buffers for op on desc: own tensors filled from seed; a backward op's bound tensors
 * from a forward pass of `fwd_engine` (the reference when checking, the backend itself
 * for gradcheck). `fwd` (may be NULL) receives the forward buffers; otherwise freed. */
int cf_prepare(vb_op op, const cf_desc *d, uint64_t seed, const vb_loaded_backend *fwd_engine,
               int zero_grads, cf_buffers *out, cf_buffers *fwd);

/* ---- metrics (metrics.c) -------------------------------------------------------------- */

typedef enum cf_status { CF_PASS, CF_FAIL, CF_SKIP, CF_MISTRUSTED } cf_status;

typedef struct cf_compare {
    cf_status status;
    double nmse, threshold; /* of the tensor that decided the status */
    char detail[160];       /* which tensor and why, when not a plain pass */
} cf_compare;

/* Compares every output of `got` (computed in `precision`) with the reference's `want`;
 * `init` holds the values before the call. */
void cf_compare_outputs(const cf_opinfo *info, const cf_desc *d, vb_precision precision,
                        const cf_buffers *init, const cf_buffers *want, const cf_buffers *got,
                        cf_compare *r);
/* NMSE threshold of one output tensor from its reduction length, the op's ulps and, in
 * bf16, its rounded factors. */
double cf_threshold(const cf_opinfo *info, vb_precision precision, const cf_tensor *t);
const char *cf_status_name(cf_status s);

/* ---- one check (check.c, gradcheck.c) ------------------------------------------------- */

typedef struct cf_result {
    vb_op op;
    char label[48];
    char shape[96];
    const char *backend;
    vb_precision precision; /* the backend's */
    uint64_t seed;
    int native;        /* 1 = the backend's own code, 0 = reference fallback */
    cf_compare cmp;
    double seconds;    /* perf: median time of one call */
    double gflops;     /* perf: 0 when the op is memory-bound */
    double pct_blas;   /* perf: % of bare cblas_sgemm on the same shape, or -1 */
} cf_result;

/* The shape as text, e.g. "b1 1024x1024x1024 tN" (used in the table). */
void cf_describe(vb_op op, const cf_desc *d, char *buf, size_t len);
/* Runs c as op on b and on the reference and compares. */
void cf_check(const vb_loaded_backend *b, vb_op op, const cf_case *c, uint64_t seed,
              cf_result *r);
/* Central differences of b's forward against b's backward op (op must be backward). */
void cf_gradcheck(const vb_loaded_backend *b, vb_op op, const cf_case *c, uint64_t seed,
                  cf_result *r);
/* Starts r's row; marks it skipped (and says why) and returns -1 if the descriptor is
 * invalid or b declines it; else returns 0 and sets r->native. */
int cf_screen(const vb_loaded_backend *b, vb_op op, const cf_case *c, uint64_t seed,
              cf_result *r);

/* ---- timing (perf.c) ------------------------------------------------------------------ */

/* Median seconds of `reps` calls of op on b (after one warm-up call). */
void cf_perf(const vb_loaded_backend *b, vb_op op, const cf_case *c, uint64_t seed, int reps,
             cf_result *r);
/* Median seconds of the same GEMM through bare cblas_sgemm at `threads`; < 0 if not
 * built with OpenBLAS or not a GEMM. */
double cf_perf_cblas(const cf_case *c, int threads, int reps);

/* ---- reporting (report.c) ------------------------------------------------------------- */

typedef enum cf_mode { CF_MODE_TEST, CF_MODE_GRAD, CF_MODE_PERF } cf_mode;

void cf_report_header(FILE *f, cf_mode mode);
void cf_report_row(FILE *f, cf_mode mode, const cf_result *r);
void cf_csv_header(FILE *f, cf_mode mode);
void cf_csv_row(FILE *f, cf_mode mode, const cf_result *r);
/* "vbcheck test --backend omp --op gemm --case cct_qkv --seed 1234" (stress cases get
 * "--stress 1" instead of "--case"). */
void cf_repro(char *buf, size_t len, cf_mode mode, const cf_result *r, int threads);

#endif
