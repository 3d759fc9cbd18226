/* vbcheck: every op × every backend against the reference. `vbcheck --help` (usage()
 * below) says what each mode and option does. Every failure prints one line that
 * reproduces it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../suites/cli.h"
#include "conformance.h"
#include "crash_guard.h"

#define MAX_BACKENDS 16

/* The command line, with its defaults (--backend: $VITBENCH_BACKEND, set in main). */
typedef struct options {
    cf_mode mode;
    int list;
    const char *backends; /* NULL or "all": all found */
    const char *op_name;
    vb_op op;             /* VB_OP_COUNT = all */
    const char *label;
    uint64_t seed;
    int64_t threads, stress, reps;
    int precision;        /* vb_precision */
    const char *csv;
} options;

static options opt = {.seed = 1234, .threads = 2, .reps = 5};

static const cli_option options_table[] = {
    CLI_STRING_OPT("--backend", "NAME[,NAME..]|all", &opt.backends,
                   "backends by name or .so path (default: $VITBENCH_BACKEND, else every "
                   "backend found)"),
    CLI_STRING_OPT("--op", "NAME", &opt.op_name, "one op only (vbcheck list shows them)"),
    CLI_STRING_OPT("--case", "LABEL", &opt.label, "one case only"),
    CLI_SEED_OPT(&opt.seed, "the data's seed"),
    CLI_THREADS(&opt.threads),
    CLI_PRECISION(&opt.precision, "what the backends compute in (the reference: f32)"),
    CLI_STRING_OPT("--csv", "FILE", &opt.csv, "also write the rows as CSV"),
    CLI_INT_OPT("--stress", "N", &opt.stress, 0, 1000000000,
                "N random shapes per op, seeds S, S+1, ...; reports the first failing "
                "seed; 0 runs the fixed cases"),
    CLI_REPS(&opt.reps, "perf: timings per case; the median is reported"),
    {0}};

static const cli_command test_command = {
    .name = "test",
    .summary = "each case's outputs against the reference (NMSE, guard bytes, NaN/Inf)",
    .options = options_table};
static const cli_command grad_command = {
    .name = "grad",
    .summary = "backward ops against central differences of the backend's own forward",
    .options = options_table};
static const cli_command perf_command = {
    .name = "perf",
    .summary = "each case's time (median of R) and, for GEMMs, bare cblas_sgemm's",
    .options = options_table};
static const cli_command list_command = {
    .name = "list",
    .summary = "the ops, the cases and the backends found",
    .options = options_table};

static const cli_program program = {
    .name = "vbcheck",
    .summary = "Checks every op of every backend against the reference; each row says "
               "whether the op ran natively or on the reference (a fallback).",
    .commands = (const cli_command *const[]){&test_command, &grad_command, &perf_command,
                                             &list_command, NULL},
    .notes = "Every failure prints one line that reproduces it. Exit status: 0 all passed, "
             "1 something failed, 2 bad arguments."};

typedef struct tally {
    int n[4]; /* by cf_status */
} tally;

/* The command line parsed into opt, or exit(2) with one line. */
static void parse(int argc, char **argv)
{
    opt.backends = getenv("VITBENCH_BACKEND");
    const cli_command *c = cli_parse(&program, argc, argv);
    opt.list = c == &list_command;
    opt.mode = c == &grad_command ? CF_MODE_GRAD : c == &perf_command ? CF_MODE_PERF
                                                                      : CF_MODE_TEST;
    opt.op = opt.op_name ? vb_op_from_name(opt.op_name) : VB_OP_COUNT;
    if (opt.op_name && opt.op == VB_OP_COUNT) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "vbcheck %s", c->name);
        cli_bad_value(prefix, "--op", "an op name (vbcheck list shows them)", opt.op_name);
    }
    /* Central differences step by ε^(1/3) of f32; a bf16 forward rounds such a step away. */
    if (opt.mode == CF_MODE_GRAD && opt.precision != VB_PRECISION_F32) {
        fprintf(stderr, "vbcheck grad: --precision %s: finite differences need an f32 "
                "forward (bf16 rounds their step away); check bf16 backward ops with "
                "vbcheck test --precision %s\n", vb_precision_name((vb_precision)opt.precision),
                vb_precision_name((vb_precision)opt.precision));
        exit(2);
    }
}

/* Loads the selected backends; returns how many, or -1 if one named could not load. */
static int load_backends(const options *o, vb_loaded_backend **out)
{
    char names[MAX_BACKENDS][1024]; /* names, or paths to a .so */
    int n = 0, failed = 0;
    if (o->backends == NULL || strcmp(o->backends, "all") == 0) {
        char found[MAX_BACKENDS][64];
        n = vb_backend_discover(found, MAX_BACKENDS);
        for (int i = 0; i < n; i++)
            snprintf(names[i], sizeof names[0], "%s", found[i]);
    } else {
        char list[1024];
        snprintf(list, sizeof list, "%s", o->backends);
        for (char *save, *t = strtok_r(list, ",", &save); t && n < MAX_BACKENDS;
             t = strtok_r(NULL, ",", &save))
            snprintf(names[n++], sizeof names[0], "%s", t);
    }
    /* Every candidate is tried in a child first, before this process runs any OpenMP
     * work: a backend that crashes or hangs while loading is reported and skipped. */
    int loaded = 0;
    for (int i = 0; i < n; i++) {
        char err[512];
        if (vb_backend_try_isolated(names[i], o->threads, err, sizeof err) != 0) {
            fprintf(stderr, "vbcheck: %s; skipped\n", err);
            failed = 1;
            names[i][0] = '\0';
        }
    }
    for (int i = 0; i < n; i++) {
        char err[512];
        if (!names[i][0]) continue;
        const vb_backend_init_opts init = {.struct_size = sizeof init,
                                           .threads = (int)o->threads,
                                           .precision = (vb_precision)o->precision};
        vb_loaded_backend *b = vb_backend_load_with(names[i], &init, err, sizeof err);
        if (b == NULL) {
            fprintf(stderr, "vbcheck: backend %s: %s\n", names[i], err);
            failed = 1;
            continue;
        }
        out[loaded++] = b;
    }
    return failed && o->backends && strcmp(o->backends, "all") != 0 ? -1 : loaded;
}

static int wanted(const options *o, vb_op op, const cf_case *c)
{
    if (c->family != cf_family(op))
        return 0;
    if (o->label)
        return strcmp(c->label, o->label) == 0;
    int tier = o->mode == CF_MODE_PERF ? CF_TIER_PERF
             : o->mode == CF_MODE_GRAD ? CF_TIER_GRAD : CF_TIER_TEST;
    return (c->tiers & tier) != 0;
}

/* Names the check about to run for crash_guard's last line, and flushes the table so far
 * (a crash loses stdio's buffers). */
static void announce(const options *o, const vb_loaded_backend *b, vb_op op,
                     const cf_case *c, uint64_t seed)
{
    cf_result r = {.op = op, .backend = b->name, .precision = b->precision, .seed = seed};
    snprintf(r.label, sizeof r.label, "%s", c->label);
    char repro[256], what[512];
    cf_repro(repro, sizeof repro, o->mode, &r, (int)o->threads);
    snprintf(what, sizeof what, "vbcheck: %s: op %s crashed on case %s (%s): ", b->name,
             vb_op_name(op), c->label, repro);
    crash_guard_set(what);
    fflush(stdout);
}

static void run_one(const options *o, const vb_loaded_backend *b, vb_op op, const cf_case *c,
                    uint64_t seed, double blas_seconds, cf_result *r)
{
    announce(o, b, op, c, seed);
    if (o->mode == CF_MODE_GRAD)
        cf_gradcheck(b, op, c, seed, r);
    else if (o->mode == CF_MODE_PERF) {
        cf_perf(b, op, c, seed, o->reps, r);
        if (blas_seconds > 0 && r->seconds > 0)
            r->pct_blas = 100.0 * blas_seconds / r->seconds;
    } else
        cf_check(b, op, c, seed, r);
}

static void emit(const options *o, FILE *csv, const cf_result *r, tally *t)
{
    cf_report_row(stdout, o->mode, r);
    if (csv)
        cf_csv_row(csv, o->mode, r);
    if (t)
        t->n[r->cmp.status]++;
    if (r->cmp.status == CF_FAIL || r->cmp.status == CF_MISTRUSTED) {
        char line[256];
        cf_repro(line, sizeof line, o->mode, r, o->threads);
        printf("  reproduce: %s\n", line);
    }
}

/* The bare cblas_sgemm row of a GEMM case in perf mode; returns its seconds or -1. */
static double blas_baseline(const options *o, FILE *csv, const cf_case *c)
{
    double s = cf_perf_cblas(c, o->threads, o->reps);
    if (s <= 0)
        return -1;
    cf_result r = {.op = VB_OP_GEMM, .backend = "cblas", .native = 1, .seconds = s,
                   .pct_blas = 100.0};
    snprintf(r.label, sizeof r.label, "%s", c->label);
    cf_describe(VB_OP_GEMM, &c->desc, r.shape, sizeof r.shape);
    r.gflops = cf_opinfo_get(VB_OP_GEMM)->flops(&c->desc) / s * 1e-9;
    emit(o, csv, &r, NULL);
    return s;
}

/* --stress: random cases per (op, backend) until the first failure. */
static void stress(const options *o, FILE *csv, vb_loaded_backend **bs, int nb, tally *t)
{
    for (int op = 0; op < VB_OP_COUNT; op++) {
        if ((o->op != VB_OP_COUNT && op != (int)o->op) ||
            (o->mode == CF_MODE_GRAD && cf_opinfo_get(op)->forward == VB_OP_COUNT))
            continue;
        for (int k = 0; k < nb; k++) {
            int tried = 0, failed = 0;
            cf_result r;
            for (int i = 0; i < o->stress && !failed; i++) {
                cf_case c;
                uint64_t seed = o->seed + (uint64_t)i;
                cf_case_random(op, seed, &c);
                run_one(o, bs[k], op, &c, seed, -1, &r);
                tried += r.cmp.status != CF_SKIP;
                failed = r.cmp.status == CF_FAIL || r.cmp.status == CF_MISTRUSTED;
                t[k].n[r.cmp.status]++;
            }
            if (failed) {
                printf("first failing seed %llu after %d random cases:\n",
                       (unsigned long long)r.seed, tried);
                emit(o, csv, &r, NULL);
            } else
                printf("%-19s %-9s %d random cases passed (%d skipped)\n",
                       vb_op_name((vb_op)op), bs[k]->name, tried, (int)o->stress - tried);
        }
    }
}

static void run(const options *o, FILE *csv, vb_loaded_backend **bs, int nb, tally *t)
{
    int ncases;
    const cf_case *cases = cf_cases(&ncases);
    cf_report_header(stdout, o->mode);
    for (int op = 0; op < VB_OP_COUNT; op++) {
        if ((o->op != VB_OP_COUNT && op != (int)o->op) ||
            (o->mode == CF_MODE_GRAD && cf_opinfo_get(op)->forward == VB_OP_COUNT))
            continue;
        for (int i = 0; i < ncases; i++) {
            if (!wanted(o, op, &cases[i]))
                continue;
            double blas = o->mode == CF_MODE_PERF && op == VB_OP_GEMM
                              ? blas_baseline(o, csv, &cases[i])
                              : -1;
            for (int k = 0; k < nb; k++) {
                cf_result r;
                run_one(o, bs[k], op, &cases[i], o->seed, blas, &r);
                emit(o, csv, &r, &t[k]);
            }
        }
    }
}

static void list(vb_loaded_backend **bs, int nb)
{
    int ncases;
    const cf_case *cases = cf_cases(&ncases);
    printf("ops and their cases (tiers: t = test, p = perf, g = grad):\n");
    for (int op = 0; op < VB_OP_COUNT; op++) {
        const cf_opinfo *info = cf_opinfo_get(op);
        printf("  %-19s", vb_op_name((vb_op)op));
        if (info->forward != VB_OP_COUNT) {
            printf(" cases of %s\n", vb_op_name(info->forward));
            continue;
        }
        for (int i = 0; i < ncases; i++)
            if (cases[i].family == (vb_op)op)
                printf(" %s[%s%s%s]", cases[i].label, cases[i].tiers & CF_TIER_TEST ? "t" : "",
                       cases[i].tiers & CF_TIER_PERF ? "p" : "",
                       cases[i].tiers & CF_TIER_GRAD ? "g" : "");
        printf("\n");
    }
    printf("backends:\n");
    for (int k = 0; k < nb; k++) {
        printf("  %-9s %s  (%s)  reference fallback:", bs[k]->name, bs[k]->version,
               bs[k]->path[0] ? bs[k]->path : "built in");
        int any = 0;
        for (int op = 0; op < VB_OP_COUNT; op++)
            if (bs[k]->fallback[op])
                printf(" %s", vb_op_name((vb_op)op)), any = 1;
        printf("%s\n", any ? "" : " none");
    }
}

int main(int argc, char **argv)
{
    parse(argc, argv);
    crash_guard_install();
    const options o = opt;
    vb_loaded_backend *bs[MAX_BACKENDS];
    int nb = load_backends(&o, bs);
    if (nb < 0)
        return 1;
    if (o.list) {
        list(bs, nb);
        for (int k = 0; k < nb; k++)
            vb_backend_unload(bs[k]);
        return 0;
    }
    FILE *csv = NULL;
    if (o.csv && (csv = fopen(o.csv, "w")) == NULL) {
        fprintf(stderr, "vbcheck: --csv: cannot write '%s'\n", o.csv);
        return 2;
    }
    if (csv)
        cf_csv_header(csv, o.mode);
    tally t[MAX_BACKENDS] = {0};
    if (o.stress > 0)
        stress(&o, csv, bs, nb, t);
    else
        run(&o, csv, bs, nb, t);

    int bad = nb == 0;
    printf("\nsummary (seed %llu, %d threads, %s):\n", (unsigned long long)o.seed,
           (int)o.threads, vb_precision_name((vb_precision)o.precision));
    for (int k = 0; k < nb; k++) {
        printf("  %-9s pass %d  fail %d  mistrusted %d  skip %d  reference fallback:",
               bs[k]->name, t[k].n[CF_PASS], t[k].n[CF_FAIL], t[k].n[CF_MISTRUSTED],
               t[k].n[CF_SKIP]);
        int any = 0;
        for (int op = 0; op < VB_OP_COUNT; op++)
            if (bs[k]->fallback[op])
                printf(" %s", vb_op_name((vb_op)op)), any = 1;
        printf("%s\n", any ? "" : " none");
        bad |= t[k].n[CF_FAIL] + t[k].n[CF_MISTRUSTED] > 0;
        vb_backend_unload(bs[k]);
    }
    if (nb == 0)
        printf("  no backend found\n");
    if (csv)
        fclose(csv);
    return bad;
}
