/* Data-parallel training over MPI (dist.h) against training alone: the same model (every
 * kind of dropout on: tests/mpi_fashion_cct_dropout.cfg), recipe, seed and global batch
 * of 128, trained for 21 steps (the last batch uneven) by vbtrain alone and by
 * `mpirun -np 2 vbtrain` on this machine. Their loss curves must agree within 1e-4
 * relative at every step: the ranks' gradient block is summed in another order than one
 * process accumulates it, and the backend sees half batches (other GEMM blockings), so
 * float rounding differs (~1e-7 relative per step); a wrong shard, scale, mask offset or
 * a rank left out of the sum is off by ~1e-2 from the first steps. Skipped with a
 * message when vitbench was built without MPI (./configure --with-mpi) or Debian's
 * Fashion-MNIST is absent. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "shell.h"
#include "vitbench/dist.h"

#define VBTRAIN VB_BUILDDIR "/vbtrain"
#define MODEL VB_SRCDIR "/tests/mpi_fashion_cct_dropout.cfg"
#define STEPS 21
#define LIMIT 2900 /* 2,610 training images after the 10% validation split: 21 batches */

static void skip_unless_possible(void)
{
    if (!vb_dist_built_with_mpi() || !VB_MPIRUN[0])
        cr_skip_test("vitbench was built without MPI (./configure --with-mpi, with Debian's "
                     "libopenmpi-dev and openmpi-bin): the 2-rank test does not run");
    shell_skip_without_fashion_mnist();
}

/* The step log's losses (step,epoch,loss,lr rows); returns how many. */
static int read_losses(const char *path, double *loss, int max)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s missing", path);
    int n = 0;
    long long step, epoch;
    double value, lr;
    while (n < max && fscanf(f, "%lld,%lld,%lf,%lf", &step, &epoch, &value, &lr) == 4) {
        cr_assert_eq(step, n + 1, "%s: row %d is step %lld", path, n + 1, step);
        loss[n++] = value;
    }
    fclose(f);
    return n;
}

/* vbtrain on the test model, 1 epoch of LIMIT images, into DIR/NAME with DIR/NAME.steps;
 * `launcher` is "" (alone) or the mpirun command line. */
static void train(const char *dir, const char *name, const char *launcher)
{
    int rc = shell_run("%s %s '%s' fashion_cct --threads 1 --epochs 1 --limit %d --seed 5 "
                       "--out '%s/%s' --step-log '%s/%s.steps' --quiet",
                       launcher, VBTRAIN, MODEL, LIMIT, dir, name, dir, name);
    cr_assert_eq(rc, 0, "%s vbtrain failed:\n%s", launcher, shell_output);
}

/* Open MPI's components leak at exit and are unloaded before LeakSanitizer can name them,
 * so no suppression can match: under --enable-sanitizers (which sets ASAN_OPTIONS) the
 * ranks run without leak checking. ASan and UBSan still check them, and the run alone
 * keeps leak checking of the same code. */
static void no_leak_checks_in_ranks(void)
{
    const char *asan = getenv("ASAN_OPTIONS");
    if (!asan) return;
    char options[1024];
    snprintf(options, sizeof options, "%s:detect_leaks=0", asan);
    setenv("ASAN_OPTIONS", options, 1);
}

Test(mpi, two_ranks_follow_one_process_within_rounding, .timeout = 600)
{
    skip_unless_possible();
    /* Root in containers and CI: Open MPI refuses root unless told. --oversubscribe: two
     * ranks even where fewer cores are counted. */
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    char dir[256];
    shell_make_dir(dir, sizeof dir, "vb-mpi");
    train(dir, "alone", "");
    no_leak_checks_in_ranks();
    train(dir, "two", VB_MPIRUN " --oversubscribe -np 2");

    char path[512];
    double alone[STEPS + 1], two[STEPS + 1];
    snprintf(path, sizeof path, "%s/alone.steps", dir);
    cr_assert_eq(read_losses(path, alone, STEPS + 1), STEPS);
    snprintf(path, sizeof path, "%s/two.steps", dir);
    cr_assert_eq(read_losses(path, two, STEPS + 1), STEPS);
    double worst = 0;
    for (int i = 0; i < STEPS; i++) worst = fmax(worst, fabs(two[i] - alone[i]) / fabs(alone[i]));
    cr_expect_lt(worst, 1e-4, "2 ranks vs 1: loss differs by %.3g relative", worst);
    cr_expect_gt(alone[0] - alone[STEPS - 1], 0.05, "the loss did not fall: nothing trained");

    snprintf(path, sizeof path, "%s/two/summary.json", dir);
    cr_expect_not_null(strstr(shell_slurp(path), "\"ranks\": 2"), "summary.json: no ranks");
    snprintf(path, sizeof path, "%s/alone/summary.json", dir);
    cr_expect_not_null(strstr(shell_slurp(path), "\"ranks\": 1"));
    shell_remove_dir(dir);
}
