/* runsuite end to end, as a user runs it: --list, the params suite, a one-epoch training
 * suite on a Fashion-MNIST subset (its folder, manifest, configuration hash, result row,
 * the refusal to overwrite a run and --resume keeping it), the report, and the one-line
 * errors for an unknown suite or backend. Skips the training cases when Debian's
 * Fashion-MNIST is not installed. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "shell.h"

#define RUNSUITE VB_BUILDDIR "/runsuite"

static char dir[256];
static char *const output = shell_output; /* what the last shell_run printed */

static void make_dir(void)
{
    shell_make_dir(dir, sizeof dir, "vb-runsuite");
}

static void remove_dir(void)
{
    shell_remove_dir(dir);
}

/* A one-cell suite: fashion_cct, 1 epoch on 512 images. */
static void write_tiny_suite(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/tiny.cfg", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("[suite]\nname = tiny\nkind = train\ndescription = test\n"
          "[profile]\nname = short\nepochs = 1\nlimit = 512\n"
          "[cell]\nlabel = cct\nmodel = fashion_cct\nrecipe = fashion_cct\n", f);
    fclose(f);
}

Test(runsuite, list_names_every_suite_with_an_estimate)
{
    cr_assert_eq(shell_run("%s --list", RUNSUITE), 0, "%s", output);
    const char *suites[] = {"quickstart", "params", "cct_cifar10", "vit_cifar10",
                            "vit_small_ds", "cct_paper", "backends"};
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        cr_expect_not_null(strstr(output, suites[i]), "no %s in:\n%s", suites[i], output);
    cr_expect_not_null(strstr(output, "[reduced, default]"), "%s", output);
    cr_expect_not_null(strstr(output, " min"), "no time estimate:\n%s", output);
}

Test(runsuite, unknown_suite_and_backend_are_one_line_errors)
{
    cr_assert_eq(shell_run("%s no_such_suite", RUNSUITE), 2);
    cr_expect_not_null(strstr(output, "unknown suite 'no_such_suite'"), "%s", output);
    cr_expect_not_null(strstr(output, "cct_cifar10"), "known suites not listed: %s", output);
    cr_expect_eq(strchr(output, '\n'), strrchr(output, '\n'), "more than one line: %s", output);
    make_dir();
    cr_assert_neq(shell_run("%s quickstart --backend no_such_backend --out %s/q", RUNSUITE, dir),
                  0);
    cr_expect_not_null(strstr(output, "backend 'no_such_backend' not found"), "%s", output);
    remove_dir();
}

Test(runsuite, params_suite_writes_a_row_per_published_figure)
{
    make_dir();
    int status = shell_run("%s params --out %s/params", RUNSUITE, dir);
    cr_assert(status == 0 || status == 1, "status %d: %s", status, output);
    char path[300];
    snprintf(path, sizeof path, "%s/params/params.csv", dir);
    char *csv = shell_slurp(path);
    cr_expect_not_null(strstr(csv, "qiita_vit,params,150858,150858,150858,1,pass"), "%s", csv);
    cr_expect_not_null(strstr(csv, "cct_2_3x2,params,283723,0.284,0.284,M,pass"), "%s", csv);
    /* A failing row stays visible: status 1 exactly when a row says fail. */
    cr_expect_eq(status == 1, strstr(csv, ",fail,") != NULL, "status %d vs\n%s", status, csv);
    remove_dir();
}

Test(runsuite, training_cell_writes_manifest_config_and_result)
{
    shell_skip_without_fashion_mnist();
    make_dir();
    write_tiny_suite();
    cr_assert_eq(shell_run("%s %s/tiny.cfg --backend openblas --seeds 2 --results %s", RUNSUITE,
                           dir, dir), 0, "%s", output);
    char path[400];
    snprintf(path, sizeof path, "%s/tiny/cct.openblas.seed1/manifest.json", dir);
    char *manifest = shell_slurp(path);
    cr_expect_not_null(strstr(manifest, "\"complete\": true"), "%s", manifest);
    cr_expect_not_null(strstr(manifest, "\"shortened\": true"), "%s", manifest);
    cr_expect_not_null(strstr(manifest, "\"epochs_done\": 1"), "%s", manifest);
    cr_expect_not_null(strstr(manifest, "\"dataset_checksum\""), "%s", manifest);
    const char *h = strstr(manifest, "\"config_hash\": \"");
    cr_assert_not_null(h);
    char hash[17];
    snprintf(hash, sizeof hash, "%s", h + strlen("\"config_hash\": \""));
    snprintf(path, sizeof path, "%s/tiny/cct.openblas.seed1/config.txt", dir);
    char *config = shell_slurp(path);
    cr_expect_not_null(strstr(config, hash), "config.txt does not carry hash %s", hash);
    cr_expect_not_null(strstr(config, "beta2 = 0.999  # default"), "%s", config);
    cr_expect_not_null(strstr(config, "[augment]"), "%s", config);
    snprintf(path, sizeof path, "%s/tiny/cct.openblas.seed1/result.csv", dir);
    cr_expect_not_null(
        strstr(shell_slurp(path), "tiny,short,cct,fashion_cct,fashion_cct,openblas"));

    /* The suite as cells (cell × seed × backend), and one cell run alone: the same
     * configuration on another backend, in another folder with the same hash. */
    const char *cells = "--backend openblas,omp --seeds 2";
    cr_assert_eq(shell_run("%s %s/tiny.cfg %s --results %s --cells", RUNSUITE, dir, cells, dir),
                 0, "%s", output);
    cr_expect_not_null(strstr(output, "1\tcct\tfashion_cct\tfashion_cct\tomp\t1\t"),
                       "%s", output);
    cr_expect_not_null(strstr(output, "3\tcct\t"), "%s", output);
    cr_expect_null(strstr(output, "4\tcct\t"), "%s", output);
    cr_expect_eq(shell_run("%s %s/tiny.cfg %s --results %s --cell 4", RUNSUITE, dir, cells, dir),
                 2);
    cr_expect_not_null(strstr(output, "has 4 trainings (0..3)"), "%s", output);
    cr_assert_eq(shell_run("%s %s/tiny.cfg %s --results %s --cell 1", RUNSUITE, dir, cells, dir),
                 0, "%s", output);
    cr_expect_not_null(strstr(output, "merges the finished cells"), "%s", output);
    snprintf(path, sizeof path, "%s/tiny/cct.omp.seed1/manifest.json", dir);
    cr_expect_not_null(strstr(shell_slurp(path), hash), "the hash depends on the backend");

    /* A finished run is neither overwritten nor rerun. */
    cr_expect_eq(shell_run("%s %s/tiny.cfg --backend openblas --results %s", RUNSUITE, dir, dir),
                 1);
    cr_expect_not_null(strstr(output, "holds a finished run"), "%s", output);
    cr_expect_eq(shell_run("%s %s/tiny.cfg --backend openblas --resume --results %s", RUNSUITE,
                           dir, dir), 0, "%s", output);
    cr_expect_not_null(strstr(output, "finished earlier"), "%s", output);

    /* The report: one row per cell and backend, seeds pooled (mean ± std, best of N, both
     * labelled), shortened runs said so, and the plots. */
    cr_assert_eq(shell_run("%s report --results %s", RUNSUITE, dir), 0, "%s", output);
    snprintf(path, sizeof path, "%s/README.md", dir);
    char *readme = shell_slurp(path);
    cr_expect_not_null(strstr(readme, "SHORTENED"), "%s", readme);
    cr_expect_not_null(strstr(readme, "| cct | 2 |"), "openblas, seeds 1 and 2: %s", readme);
    cr_expect_not_null(strstr(readme, "(mean ± std, 2 seeds)"), "%s", readme);
    cr_expect_not_null(strstr(readme, "(best of 2)"), "%s", readme);
    cr_expect_not_null(strstr(readme, "| cct | 1 |"), "omp, seed 1: %s", readme);
    snprintf(path, sizeof path, "%s/tiny/accuracy.png", dir);
    cr_expect_eq(access(path, R_OK), 0, "no %s", path);
    remove_dir();
}

/* A malformed suite file is refused with one line naming the file and what is wrong. */
Test(runsuite, malformed_suite_files_are_refused)
{
    static const struct { const char *text, *needle; } cases[] = {
        {"[suite]\nname = s\nkind = train\ndescription = d\n[profile]\nname = p\n"
         "[cell]\nlabel = a,b\nmodel = fashion_cct\nrecipe = fashion_cct\n", "label 'a,b'"},
        {"[suite]\nname = s\nkind = train\ndescription = d\n[profile]\nname = p\n"
         "[cell]\nlabel = a\nmodel = m\nrecipe = r\n[cell]\nlabel = a\nmodel = m\n"
         "recipe = r\n", "already a cell's"},
        {"[suite]\nname = s\nkind = train\ndescription = d\n[profile]\nname = full\n"
         "[cell]\nlabel = a\nmodel = m\nrecipe = r\nprofiles = ful\n", "'ful'"},
        {"[suite]\nname = s\nkind = train\ndescription = d\n[profile]\nname =\n"
         "[cell]\nlabel = a\nmodel = m\nrecipe = r\n", "name"},
        {"[suite]\nname = s\nkind = trian\ndescription = d\n", "'trian'"},
        {"[suite]\nname = s\nkind = train\ndescription = d\n[profile]\nname = p\n"
         "epochs = 4611686018427387904\n[cell]\nlabel = a\nmodel = m\nrecipe = r\n",
         ":7: [profile] key 'epochs': 4611686018427387904 is out of range [0, 1000000]"},
    };
    make_dir();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[300];
        snprintf(path, sizeof path, "%s/bad%zu.cfg", dir, i);
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        fputs(cases[i].text, f);
        fclose(f);
        cr_expect_eq(shell_run("%s %s --out %s/out", RUNSUITE, path, dir), 2, "case %zu: %s", i,
                     output);
        cr_expect_not_null(strstr(output, path), "case %zu names no file: %s", i, output);
        cr_expect_not_null(strstr(output, cases[i].needle), "case %zu: %s", i, output);
        cr_expect_eq(strchr(output, '\n'), strrchr(output, '\n'), "case %zu: %s", i, output);
    }
    remove_dir();
}
