/* vbtrain: train a model with a recipe, resumably, and test it.
 *
 *   vbtrain MODEL RECIPE [--backend NAME] [--threads T] [--epochs N] [--limit N]
 *           [--seed S] [--data DIR] [--out DIR] [--resume] [--quiet] [--step-log FILE]
 *   mpirun -np N vbtrain ...     (built --with-mpi: data-parallel over N processes)
 *
 * MODEL and RECIPE are .cfg paths or names from suites/models and suites/recipes. The
 * dataset is the recipe's, looked for along the data search path (--data first). The run
 * writes OUT/metrics.csv, OUT/checkpoint.safetensors and OUT/summary.json (OUT defaults
 * to results/train/MODEL.RECIPE.seedS); --resume continues a killed run from its last
 * finished epoch. A progress line is redrawn when stdout is a terminal outside CI.
 * --step-log FILE appends every step's loss and learning rate (step,epoch,loss,lr). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "run_inputs.h"
#include "vitbench/files.h"

static const char PROGRAM[] = "vbtrain";

typedef struct options {
    const char *model, *recipe, *backend, *data, *out, *step_log;
    int threads, resume, quiet;
    int64_t epochs, limit;
    uint64_t seed;
} options;

static void usage(FILE *to)
{
    fprintf(to, "usage: vbtrain MODEL RECIPE [--backend NAME] [--threads T] [--epochs N] "
                "[--limit N] [--seed S]\n"
                "               [--data DIR] [--out DIR] [--resume] [--quiet] [--step-log FILE]\n"
                "MODEL: a .cfg path, or the name of a shipped model (in " VB_MODELSDIR
                " when installed, suites/models in the source tree)\n"
                "RECIPE: a .cfg path, or the name of a shipped recipe (in " VB_RECIPESDIR
                " when installed, suites/recipes in the source tree)\n");
}

/* A non-negative integer option value, or exit with a one-line error naming the option. */
static options parse_args(int argc, char **argv)
{
    options o = {.threads = 2, .seed = 1};
    if (argc < 3 || argv[1][0] == '-' || argv[2][0] == '-') {
        usage(stderr);
        exit(2);
    }
    o.model = argv[1];
    o.recipe = argv[2];
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--resume") == 0) { o.resume = 1; continue; }
        if (strcmp(a, "--quiet") == 0) { o.quiet = 1; continue; }
        if (strcmp(a, "--backend") == 0 && v) o.backend = v;
        else if (strcmp(a, "--data") == 0 && v) o.data = v;
        else if (strcmp(a, "--out") == 0 && v) o.out = v;
        else if (strcmp(a, "--step-log") == 0 && v) o.step_log = v;
        else if (strcmp(a, "--threads") == 0) o.threads = CLI_THREADS_ARG(PROGRAM, a, v);
        else if (strcmp(a, "--epochs") == 0) o.epochs = cli_count_arg(PROGRAM, a, v, 1);
        else if (strcmp(a, "--limit") == 0) o.limit = cli_count_arg(PROGRAM, a, v, 1);
        else if (strcmp(a, "--seed") == 0) o.seed = (uint64_t)cli_count_arg(PROGRAM, a, v, 0);
        else {
            fprintf(stderr, "vbtrain: unknown option '%s'\n", a);
            usage(stderr);
            exit(2);
        }
        i++;
    }
    return o;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    /* One line per epoch must reach a log file as it happens, not when the run ends. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    vb_dist world;
    cli_join_ranks(PROGRAM, &argc, &argv, &world);
    options o = parse_args(argc, argv);
    char err[1024], out[PATH_MAX];
    run_inputs in;
    run_request rq = {.model = o.model, .recipe = o.recipe, .backend = o.backend,
                      .data = o.data, .threads = o.threads};
    if (run_inputs_load(&in, &rq, err, sizeof err)) {
        fprintf(stderr, "vbtrain: %s\n", err);
        vb_dist_abort(&world, 1); /* the other ranks may have loaded theirs */
    }
    if (o.out ? vb_path_printf(out, sizeof out, err, sizeof err, "%s", o.out)
              : vb_path_printf(out, sizeof out, err, sizeof err, "results/train/%s.%s.seed%llu",
                               in.model.name, in.recipe.name, (unsigned long long)o.seed)) {
        fprintf(stderr, "vbtrain: %s\n", err);
        vb_dist_abort(&world, 2);
    }
    if (!o.quiet)
        printf("model %s, recipe %s, data %s (%lld images), backend %s (%s), %d threads x %d "
               "rank%s -> %s\n", in.model.name, in.recipe.name, in.train.name,
               (long long)in.train.count, in.backend->name, in.backend->version,
               in.backend->threads, world.size, world.size > 1 ? "s" : "", out);
    vb_train_opts to = {.out_dir = out, .resume = o.resume, .epochs = o.epochs,
                        .limit = o.limit, .seed = o.seed, .quiet = o.quiet,
                        .progress = cli_progress_line(), .step_log = o.step_log,
                        .dist = &world};
    vb_train_result res;
    int rc = vb_train(&in.model, &in.recipe, &in.train, &in.test, in.backend, &to, &res, err,
                      sizeof err);
    if (rc) fprintf(stderr, "vbtrain: %s\n", err);
    else if (!o.quiet)
        printf("test top-1 %.4f top-5 %.4f (best epoch %lld of %lld), %.0f s\n",
               res.test_top1, res.test_top5, (long long)res.best_epoch,
               (long long)res.epochs_done, res.seconds);
    run_inputs_free(&in);
    cli_leave_ranks();
    return rc ? 1 : 0;
}
