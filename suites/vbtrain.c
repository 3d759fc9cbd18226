/* vbtrain: train a model with a recipe, resumably, and test it.
 *
 *   vbtrain MODEL RECIPE [OPTIONS]   (the options: the table below, or vbtrain --help)
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
#include "cli.h"
#include "cli_process.h"
#include "run_inputs.h"
#include "vitbench/files.h"

static const char PROGRAM[] = "vbtrain";

/* The command line, with its defaults. */
static struct {
    const char *model, *recipe, *backend, *data, *out, *step_log;
    int64_t threads, epochs, limit; /* epochs, limit 0: the recipe's, every image */
    int64_t chunk;
    int resume, quiet, fixed_threads;
    int precision; /* -1: the recipe's */
    uint64_t seed;
} opt = {.threads = 2, .seed = 1, .precision = -1, .chunk = VB_CHUNK_DEFAULT};

static const cli_option options[] = {
    CLI_STRING_OPT("--backend", "NAME", &opt.backend,
                   "the backend, by name or .so path (default: $VITBENCH_BACKEND, else the "
                   "first of the default list that loads)"),
    CLI_TRAINING_THREADS(&opt.threads),
    CLI_FIXED_THREADS(&opt.fixed_threads),
    CLI_CHUNK(&opt.chunk),
    CLI_TRAINING_PRECISION(&opt.precision),
    CLI_EPOCHS(&opt.epochs),
    CLI_LIMIT(&opt.limit),
    CLI_SEED_OPT(&opt.seed, "the run's seed: initial weights, split, order, augmentation"),
    CLI_DATA(&opt.data),
    CLI_STRING_OPT("--out", "DIR", &opt.out,
                   "the run's folder (default: results/train/MODEL.RECIPE.seedS)"),
    CLI_FLAG_OPT("--resume", &opt.resume,
                 "continue a killed run from its last finished epoch"),
    CLI_FLAG_OPT("--quiet", &opt.quiet, "print errors only"),
    CLI_STRING_OPT("--step-log", "FILE", &opt.step_log,
                   "append every step's loss and learning rate (step,epoch,loss,lr)"),
    {0}};

static const cli_command train = {
    .args = {{"MODEL", &opt.model}, {"RECIPE", &opt.recipe}}, .options = options};

static const cli_program program = {
    .name = PROGRAM,
    .summary = "Trains MODEL with RECIPE on the recipe's dataset, resumably, and tests it. "
               "The run writes OUT/metrics.csv, OUT/checkpoint.safetensors and "
               "OUT/summary.json. A progress line is redrawn when stdout is a terminal "
               "outside CI. Under mpirun (built --with-mpi) it trains data-parallel.",
    .commands = (const cli_command *const[]){&train, NULL},
    .notes = "MODEL: a .cfg path, or the name of a shipped model (in " VB_MODELSDIR
             " when installed, suites/models in the source tree).\n"
             "RECIPE: a .cfg path, or the name of a shipped recipe (in " VB_RECIPESDIR
             " when installed, suites/recipes in the source tree)."};

int main(int argc, char **argv)
{
    /* One line per epoch must reach a log file as it happens, not when the run ends. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    vb_dist world;
    cli_join_ranks(PROGRAM, &argc, &argv, &world);
    cli_parse(&program, argc, argv);
    char err[1024], out[PATH_MAX];
    run_inputs in;
    run_request rq = {.model = opt.model, .recipe = opt.recipe, .backend = opt.backend,
                      .data = opt.data, .threads = (int)opt.threads,
                      .precision = opt.precision};
    if (run_inputs_load(&in, &rq, err, sizeof err)) {
        fprintf(stderr, "vbtrain: %s\n", err);
        vb_dist_abort(&world, 1); /* the other ranks may have loaded theirs */
    }
    if (opt.out ? vb_path_printf(out, sizeof out, err, sizeof err, "%s", opt.out)
                : vb_path_printf(out, sizeof out, err, sizeof err, "results/train/%s.%s.seed%llu",
                                 in.model.name, in.recipe.name, (unsigned long long)opt.seed)) {
        fprintf(stderr, "vbtrain: %s\n", err);
        vb_dist_abort(&world, 2);
    }
    if (!opt.quiet)
        printf("model %s, recipe %s, data %s (%lld images), backend %s (%s), %s, %d threads x "
               "%d rank%s -> %s\n", in.model.name, in.recipe.name, in.train.name,
               (long long)in.train.count, in.backend->name, in.backend->version,
               vb_precision_name(in.backend->precision), in.backend->threads, world.size,
               world.size > 1 ? "s" : "", out);
    vb_train_opts to = {.out_dir = out, .resume = opt.resume, .epochs = opt.epochs,
                        .limit = opt.limit, .seed = opt.seed, .quiet = opt.quiet,
                        .progress = cli_progress_line(), .fixed_threads = opt.fixed_threads,
                        .chunk = opt.chunk,
                        .step_log = opt.step_log,
                        .dist = &world};
    vb_train_result res;
    int rc = vb_train(&in.model, &in.recipe, &in.train, &in.test, in.backend, &to, &res, err,
                      sizeof err);
    if (rc) fprintf(stderr, "vbtrain: %s\n", err);
    else if (!opt.quiet)
        printf("test top-1 %.4f top-5 %.4f (best epoch %lld of %lld), %.0f s\n",
               res.test_top1, res.test_top5, (long long)res.best_epoch,
               (long long)res.epochs_done, res.seconds);
    run_inputs_free(&in);
    cli_leave_ranks();
    return rc ? 1 : 0;
}
