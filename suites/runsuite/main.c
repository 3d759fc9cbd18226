/* runsuite: rerun the papers' tables.
 *
 *   runsuite --list
 *   runsuite SUITE [OPTIONS]      (the options: the table below, or runsuite --help)
 *   runsuite report [--results DIR]
 *   mpirun -np N runsuite SUITE ...   (built --with-mpi: each training data-parallel)
 *
 * A suite (suites/suites/SUITE.cfg, suite.h) is a set of cells; each trains into its own
 * folder under RESULTS/SUITE (RESULTS defaults to results; --out replaces the folder and
 * skips the report) with its manifest (cell.h). --seeds N runs
 * seeds S..S+N-1 of every cell; the report gives the mean with its confidence interval,
 * best-of-N (labelled) and where the published figures lie (report.h).
 * After a suite, its plots and results/README.md are regenerated (report.h). --cells lists
 * a train suite's trainings and --cell K runs one of them (cell_list.h), for clusters. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../cli.h"
#include "../cli_process.h"
#include "../data_dir.h"
#include "backends_suite.h"
#include "cell.h"
#include "cell_list.h"
#include "estimate.h"
#include "params_suite.h"
#include "report.h"
#include "suite.h"
#include "vitbench/files.h"

static const char PROGRAM[] = "runsuite";

/* The data-parallel group this process belongs to (dist.h): rank 0 of 1 alone. */
static vb_dist world;

/* The command line, with its defaults. */
typedef struct options {
    const char *suite, *backend, *profile, *data, *out, *results;
    int resume;
    int fixed_threads;    /* --fixed-threads */
    int precision;        /* --precision, or -1: each recipe's */
    int list_cells;       /* --cells */
    int64_t cell;         /* --cell K, or -1: every training */
    int64_t threads, seeds, epochs, limit; /* epochs, limit 0: the profile's */
    int64_t chunk;        /* --chunk */
    uint64_t seed;
} options;

static options opt = {.threads = 2, .seed = 1, .seeds = 1, .results = "results", .cell = -1,
                      .precision = -1, .chunk = VB_CHUNK_DEFAULT};

#define RESULTS \
    CLI_STRING_OPT("--results", "DIR", &opt.results, \
                   "the results folder: each suite writes into DIR/SUITE, and the report " \
                   "covers DIR")

static const cli_option suite_options[] = {
    CLI_STRING_OPT("--backend", "NAME[,NAME..]", &opt.backend,
                   "the backends of a train suite's cells, by name or .so path, one cell "
                   "per backend, each tried before the first training (default: "
                   "$VITBENCH_BACKEND, else the first of the default list that loads)"),
    CLI_STRING_OPT("--profile", "P", &opt.profile,
                   "the suite's profile (runsuite --list shows them; default: the suite's)"),
    CLI_EPOCHS(&opt.epochs),
    CLI_LIMIT(&opt.limit),
    CLI_SEED_OPT(&opt.seed, "the first seed"),
    CLI_INT_OPT("--seeds", "N", &opt.seeds, 1, CELL_LIST_MAX,
                "run seeds S..S+N-1 of every cell; the report gives their mean and "
                "confidence interval"),
    CLI_TRAINING_THREADS(&opt.threads),
    CLI_FIXED_THREADS(&opt.fixed_threads),
    CLI_CHUNK(&opt.chunk),
    CLI_TRAINING_PRECISION(&opt.precision),
    CLI_DATA(&opt.data),
    RESULTS,
    CLI_STRING_OPT("--out", "DIR", &opt.out,
                   "write into DIR instead of RESULTS/SUITE, and make no report"),
    CLI_FLAG_OPT("--resume", &opt.resume, "continue the unfinished runs, keep the finished"),
    CLI_FLAG_OPT("--cells", &opt.list_cells,
                 "list a train suite's trainings, one per line, numbered from 0"),
    CLI_INT_OPT("--cell", "K", &opt.cell, 0, CELL_LIST_MAX - 1,
                "run training K of --cells alone, e.g. as one of a cluster's jobs"),
    {0}};

static const cli_option report_options[] = {RESULTS, {0}};

static const cli_command list_command = {
    .name = "--list",
    .summary = "the suites, their profiles and an estimate of their time"};

static const cli_command report_command = {
    .name = "report",
    .summary = "regenerates the plots and RESULTS/README.md from the finished runs",
    .options = report_options};

static const cli_command suite_command = {
    .summary = "runs the suite (a name from runsuite --list, or a .cfg path), then "
               "regenerates its report",
    .args = {{"SUITE", &opt.suite}},
    .options = suite_options};

static const cli_program program = {
    .name = PROGRAM,
    .summary = "Reruns the papers' tables: each suite is a set of trainings, counts or "
               "backend checks whose results are compared with the published figures. "
               "Under mpirun (built --with-mpi) each training runs data-parallel.",
    .commands = (const cli_command *const[]){&list_command, &suite_command, &report_command,
                                             NULL}};

static int list_suites(void)
{
    char names[64][64], err[1024], line[1024];
    int n = suite_list(names, 64);
    if (n == 0) {
        fprintf(stderr, "runsuite: no suites in %s\n", data_dir(DATA_SUITES));
        return 1;
    }
    for (int i = 0; i < n; i++) {
        suite s;
        if (suite_find(&s, names[i], err, sizeof err)) {
            printf("%-14s (does not load: %s)\n", names[i], err);
            continue;
        }
        printf("%-14s %s\n", s.name, s.description);
        if (s.kind == SUITE_PARAMS) {
            estimate_describe(&s, NULL, line, sizeof line);
            printf("%14s %s\n", "", line);
        }
        for (int p = 0; p < s.profile_count; p++) {
            estimate_describe(&s, &s.profiles[p], line, sizeof line);
            int is_default = strcmp(s.profiles[p].name, suite_profile_find(&s, NULL, err,
                                    sizeof err)->name) == 0;
            printf("%14s [%s%s] %s\n", "", s.profiles[p].name, is_default ? ", default" : "",
                   line);
        }
    }
    printf("(times: estimates for onednn with 2 threads on a 2-core AVX-512 machine, from "
           "the images/s measured in %s/throughput.csv)\n", data_dir(DATA_SUITES));
    return 0;
}

/* " ARG", single-quoted when the shell would split or expand it. */
static void put_arg(FILE *f, const char *arg)
{
    if (*arg && strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                            "_-.,/:=+@%") == strlen(arg)) {
        fprintf(f, " %s", arg);
        return;
    }
    fputs(" '", f);
    for (const char *c = arg; *c; c++) {
        if (*c == '\'') fputs("'\\''", f); /* close, an escaped quote, reopen */
        else fputc(*c, f);
    }
    fputc('\'', f);
}

/* The command line that reruns what o plans under profile p, for the manifests' "repro"
 * (cell.h): mpirun when data-parallel, the suite as given, the profile by name (the
 * suite's default may change), every option that shapes the runs or their numbering;
 * --results, --out and --resume, which do not, left out. malloc'd, or NULL. */
static char *repro_command(const options *o, const suite *s, const suite_profile *p)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return NULL;
    if (world.size > 1) fprintf(f, "mpirun -np %d ", world.size);
    fputs("runsuite", f);
    put_arg(f, o->suite);
    fprintf(f, " --profile %s", p->name);
    if (o->backend) {
        fputs(" --backend", f);
        put_arg(f, o->backend);
    }
    if (o->seed != 1) fprintf(f, " --seed %" PRIu64, o->seed);
    if (o->seeds > 1) fprintf(f, " --seeds %" PRId64, o->seeds);
    if (s->kind == SUITE_TRAIN) fprintf(f, " --threads %" PRId64, o->threads);
    if (s->kind == SUITE_TRAIN && o->fixed_threads) fputs(" --fixed-threads", f);
    if (s->kind == SUITE_TRAIN && o->chunk != VB_CHUNK_DEFAULT)
        fprintf(f, " --chunk %" PRId64, o->chunk);
    if (o->precision >= 0)
        fprintf(f, " --precision %s", vb_precision_name((vb_precision)o->precision));
    if (o->epochs) fprintf(f, " --epochs %" PRId64, o->epochs);
    if (o->limit) fprintf(f, " --limit %" PRId64, o->limit);
    if (o->data) {
        fputs(" --data", f);
        put_arg(f, o->data);
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* Runs plan; prints its outcome. 0, or the cell's error code. */
static int run_plan(const cell_plan *plan)
{
    cell_outcome res;
    char err[1024];
    int rc = cell_train(plan, &res, err, sizeof err);
    if (rc) {
        fprintf(stderr, "runsuite: %s/%s seed %llu: %s\n", plan->s->name, plan->label,
                (unsigned long long)plan->seed, err);
    } else if (res.already_done) {
        printf("%s: finished earlier in %s (kept)\n", plan->label, res.dir);
    } else {
        printf("%s: test top-1 %.2f%%, top-5 %.2f%% (best epoch %lld of %lld)\n",
               plan->label, 100 * res.result.test_top1, 100 * res.result.test_top5,
               (long long)res.result.best_epoch, (long long)res.result.epochs_done);
    }
    return rc;
}

/* Every training of the list, or training o->cell only. Failures are reported and the
 * others go on, unless the inputs themselves do not load. */
static int run_train_suite(const cell_list *l, const options *o)
{
    if (o->cell >= l->count) {
        fprintf(stderr, "runsuite: --cell %lld: this suite has %d trainings (0..%d) with "
                "these options (runsuite SUITE --cells lists them)\n", (long long)o->cell,
                l->count, l->count - 1);
        return 2;
    }
    if (o->cell >= 0) return run_plan(&l->plans[o->cell]) ? 1 : 0;
    int failed = 0;
    for (int k = 0; k < l->count; k++) {
        int rc = run_plan(&l->plans[k]);
        failed += rc != 0;
        if (rc == CELL_CANNOT_START) return 1;
    }
    if (failed)
        fprintf(stderr, "runsuite: %s: %d of %d runs failed\n", l->plans[0].s->name, failed,
                l->count);
    return failed ? 1 : 0;
}

/* The trainings of a train suite under the command line's options. */
static int build_cells(cell_list *l, const suite *s, const suite_profile *p,
                       const options *o, const char *out, const char *command)
{
    cell_list_options lo = {.backends = o->backend, .seed = o->seed, .seeds = (int)o->seeds,
                            .common = {.threads = (int)o->threads,
                                       .fixed_threads = o->fixed_threads,
                                       .chunk = o->chunk,
                                       .precision = o->precision, .epochs = o->epochs,
                                       .limit = o->limit, .data = o->data, .out_root = out,
                                       .resume = o->resume,
                                       .progress = cli_progress_line(), .dist = &world,
                                       .command = command}};
    char err[1024];
    if (cell_list_build(l, s, p, &lo, err, sizeof err) == 0) return 0;
    fprintf(stderr, "runsuite: %s: %s\n", s->name, err);
    return -1;
}

/* Each backend of --backend loads, tried as its cells will load it (cell_list.h), before
 * the first training starts (or --cells lists trainings that could not run): a bad name
 * does not wait behind the cells of the good ones. */
static int check_backends(const cell_list *l, const suite *s, const options *o)
{
    char err[1024];
    if (cell_list_check_backends(l, (int)o->threads, err, sizeof err) == 0) return 0;
    fprintf(stderr, "runsuite: %s: %s\n", s->name, err);
    return -1;
}

/* --cells, --cell and mpirun split train suites only: the other kinds compare
 * everything they run in one process. */
static int check_suite_options(const suite *s, const options *o)
{
    if (s->kind == SUITE_TRAIN) return 0;
    if (o->list_cells || o->cell >= 0) {
        fprintf(stderr, "runsuite: %s: --cells/--cell split train suites only; this one runs "
                "as one job\n", s->name);
        return -1;
    }
    if (vb_dist_shared(&world)) {
        fprintf(stderr, "runsuite: %s: only train suites run data-parallel; start this one "
                "without mpirun\n", s->name);
        return -1;
    }
    return 0;
}

static int run_suite(const options *o)
{
    suite s;
    char err[1024], out[PATH_MAX];
    if (suite_find(&s, o->suite, err, sizeof err)) {
        fprintf(stderr, "runsuite: %s\n", err);
        return 2;
    }
    if ((o->out ? vb_path_printf(out, sizeof out, err, sizeof err, "%s", o->out)
                : vb_path_printf(out, sizeof out, err, sizeof err, "%s/%s", o->results,
                                 s.name))) {
        fprintf(stderr, "runsuite: %s\n", err);
        return 2;
    }
    if (check_suite_options(&s, o)) return 2;
    int rc;
    if (s.kind == SUITE_PARAMS) {
        rc = params_suite_run(out);
    } else {
        const suite_profile *p = suite_profile_find(&s, o->profile, err, sizeof err);
        if (!p) {
            fprintf(stderr, "runsuite: %s\n", err);
            return 2;
        }
        char *command = repro_command(o, &s, p);
        if (s.kind == SUITE_BACKENDS) {
            backends_options bo = {.seed = o->seed, .epochs = o->epochs, .limit = o->limit,
                                   .data = o->data, .resume = o->resume,
                                   .progress = cli_progress_line(), .command = command};
            rc = backends_suite_run(&s, p, &bo, out);
        } else {
            static cell_list cells;
            int bad = build_cells(&cells, &s, p, o, out, command) ||
                      check_backends(&cells, &s, o);
            if (bad || o->list_cells) {
                if (!bad) cell_list_print(&cells, stdout);
                free(command);
                return bad ? 2 : 0;
            }
            rc = run_train_suite(&cells, o);
        }
        free(command);
    }
    /* The report covers the folder the suite wrote into only when it is under results;
     * a single cell leaves it to `runsuite report`, since cells finish in any order. */
    if (o->cell >= 0) {
        if (rc == 0)
                printf("runsuite: cell %lld done; `runsuite report --results %s` merges the "
                   "finished cells\n", (long long)o->cell, o->results);
        return rc;
    }
    if (world.rank == 0 && !o->out && access(o->results, F_OK) == 0 &&
        report_run(o->results) != 0)
        rc = rc ? rc : 1;
    return rc;
}

static int run_command(int argc, char **argv)
{
    const cli_command *c = cli_parse(&program, argc, argv);
    if (c == &list_command) return list_suites();
    if (c == &report_command) return world.rank == 0 && report_run(opt.results);
    return run_suite(&opt);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    cli_join_ranks(PROGRAM, &argc, &argv, &world);
    int rc = run_command(argc, argv);
    cli_leave_ranks();
    return rc;
}
