/* runsuite end to end, as a user runs it: --list, the params suite, a one-epoch training
 * suite on a Fashion-MNIST subset (its folder, manifest and repro line, configuration
 * hash, result row, the refusal to overwrite a run and --resume keeping it), the report,
 * its statistics on a results folder of known numbers, its one-line refusal of a bad CSV,
 * and the one-line errors for an unknown suite or backend and for a --backend list with a
 * name that does not load, an empty or a repeated one. Skips the training cases when
 * Debian's Fashion-MNIST is not installed. */
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

/* A --backend list is checked whole before the first training: a name that does not load
 * (after one that does), a repeated name and an empty one are each refused in one line,
 * exit 2, with nothing written. */
Test(runsuite, backend_lists_are_checked_before_any_training)
{
    static const struct { const char *list, *needle; } cases[] = {
        {"naive,no_such_backend", "backend 'no_such_backend' not found"},
        {"naive,naive", "'naive' is named twice"},
        {"naive, omp ,naive", "'naive' is named twice"},
        {"", "--backend: expected NAME[,NAME..], got ''"},
        {"naive,,omp", "name 2 is empty"},
        {"naive,", "name 2 is empty"},
    };
    make_dir();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int listing = 0; listing <= 1; listing++) {
            cr_expect_eq(shell_run("%s quickstart --epochs 1 --limit 256 --backend '%s' "
                                   "--results %s/r%s", RUNSUITE, cases[i].list, dir,
                                   listing ? " --cells" : ""), 2,
                         "case %zu: %s", i, output);
            cr_expect_not_null(strstr(output, cases[i].needle), "case %zu: %s", i, output);
            cr_expect_eq(strchr(output, '\n'), strrchr(output, '\n'), "case %zu: %s", i,
                         output);
        }
        char path[300];
        snprintf(path, sizeof path, "%s/r", dir);
        cr_expect_neq(access(path, F_OK), 0, "case %zu trained: %s exists", i, path);
    }
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
    char repro[512];
    snprintf(repro, sizeof repro, "\"repro\": \"runsuite %s/tiny.cfg --profile short --backend "
             "openblas --seeds 2 --threads 2 --cell 0\"", dir);
    cr_expect_not_null(strstr(manifest, repro), "no %s in %s", repro, manifest);
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
    snprintf(repro, sizeof repro, "--backend openblas,omp --seeds 2 --threads 2 --cell 1\"");
    cr_expect_not_null(strstr(shell_slurp(path), repro), "no %s in %s", repro, shell_slurp(path));

    /* A finished run is neither overwritten nor rerun. */
    cr_expect_eq(shell_run("%s %s/tiny.cfg --backend openblas --results %s", RUNSUITE, dir, dir),
                 1);
    cr_expect_not_null(strstr(output, "holds a finished run"), "%s", output);
    cr_expect_eq(shell_run("%s %s/tiny.cfg --backend openblas --resume --results %s", RUNSUITE,
                           dir, dir), 0, "%s", output);
    cr_expect_not_null(strstr(output, "finished earlier"), "%s", output);

    /* The report: one row per cell and backend, seeds pooled (mean ± CI, best of N
     * labelled), shortened runs said so, the command of each row, and the plots. */
    cr_assert_eq(shell_run("%s report --results %s", RUNSUITE, dir), 0, "%s", output);
    snprintf(path, sizeof path, "%s/README.md", dir);
    char *readme = shell_slurp(path);
    cr_expect_not_null(strstr(readme, "SHORTENED"), "%s", readme);
    cr_expect_not_null(strstr(readme, "| cct | 2 |"), "openblas, seeds 1 and 2: %s", readme);
    cr_expect_not_null(strstr(readme, "(best of 2)"), "%s", readme);
    cr_expect_not_null(strstr(readme, "| cct | 1 |"), "omp, seed 1: %s", readme);
    snprintf(repro, sizeof repro, "`runsuite %s/tiny.cfg --profile short --backend openblas "
             "--seeds 2 --threads 2`", dir);
    cr_expect_not_null(strstr(readme, repro), "no %s in %s", repro, readme);
    snprintf(path, sizeof path, "%s/tiny/accuracy.png", dir);
    cr_expect_eq(access(path, R_OK), 0, "no %s", path);
    remove_dir();
}

/* Writes text to DIR/rel, creating its folder. */
static void put_file(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    cr_assert_eq(shell_run("mkdir -p \"$(dirname '%s')\"", path), 0, "%s", output);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* One finished run of the synthetic suite "stats" (backend onednn, 5 epochs of 5) in
 * precision "f32" (a result.csv from before the precision column) or "bf16": its
 * result.csv, metrics.csv with these validation accuracies, and a manifest with a repro
 * line, or without one (as manifests written before it). */
static void put_run_in(const char *precision, const char *label, int seed, int threads,
                       double top1, const double val_acc[5], const char *repro)
{
    const int f32 = strcmp(precision, "f32") == 0;
    char run[128], rel[256], text[2048];
    snprintf(run, sizeof run, "results/stats/%s.onednn%s%s.seed%d", label, f32 ? "" : "-",
             f32 ? "" : precision, seed);
    snprintf(rel, sizeof rel, "%s/result.csv", run);
    snprintf(text, sizeof text,
             "suite,profile,label,model,recipe,backend,threads,seed,epochs_planned,epochs_done,"
             "limit,shortened,best_epoch,best_val_acc,test_top1,test_top5,train_seconds,"
             "epoch_images_per_s,config_hash,epochs_in_recipe%s\n"
             "stats,full,%s,m_%s,r,onednn,%d,%d,5,5,0,0,5,0.8,%.4f,0.99,100.0,300.0,0,5%s%s\n",
             f32 ? "" : ",precision", label, label, threads, seed, top1 / 100, f32 ? "" : ",",
             f32 ? "" : precision);
    put_file(rel, text);
    snprintf(rel, sizeof rel, "%s/metrics.csv", run);
    int used = snprintf(text, sizeof text, "epoch,train_loss,train_acc,val_loss,val_acc,"
                        "val_top5,lr,seconds\n");
    for (int e = 0; e < 5; e++)
        used += snprintf(text + used, sizeof text - used, "%d,1,0.5,1,%.4f,0.9,0.001,10\n",
                         e + 1, val_acc[e]);
    put_file(rel, text);
    snprintf(rel, sizeof rel, "%s/manifest.json", run);
    snprintf(text, sizeof text, "{\n  \"suite\": \"stats\",\n  \"ranks\": 1,\n"
             "  \"dataset_source\": \"/data/sets/cifar-10-binary.tar.xz\",\n%s%s%s"
             "  \"complete\": true\n}\n", repro ? "  \"repro\": \"" : "", repro ? repro : "",
             repro ? "\",\n" : "");
    put_file(rel, text);
}

static void put_run(const char *label, int seed, int threads, double top1,
                    const double val_acc[5], const char *repro)
{
    put_run_in("f32", label, seed, threads, top1, val_acc, repro);
}

/* The report's statistics on known numbers. Cell a, test top-1 77.51, 77.79, 78.64: mean
 * 77.98, std 0.5885, 95% CI 77.98 ± 4.303·0.5885/√3 = ± 1.46, one run's 95% PI 77.98 ±
 * 4.303·0.5885·√(4/3) = 75.06–80.90. Cell b, 75.0, 75.5, 76.0: PI 73.02–77.98. a − b:
 * 2.48, Welch's 3.9 degrees of freedom, t 3.182, CI ± 1.42. Cells c and d: one seed each.
 * Target 75% validation accuracy: a at epochs 2, 4, 3; b at 4, never, 2. A reference run
 * of a at 78.50%: ours − reference = −0.52 pt, within the suite's ±0.6, and one of c at
 * 71.20%: −1.20 pt, outside it. Cell e, under profile alt alone: e − a = 77.00 − 77.98.
 * Cell a in bf16, 77.0 and 77.4: its own row, and bf16 − f32 = 77.20 − 77.98. */
Test(runsuite, report_gives_intervals_verdicts_comparisons_and_commands)
{
    static const double fast[5] = {0.7, 0.76, 0.8, 0.81, 0.82}, mid[5] = {0.7, 0.72, 0.75, 0.8, 0.8},
                        slow[5] = {0.6, 0.7, 0.72, 0.76, 0.8}, never[5] = {0.5, 0.6, 0.7, 0.74, 0.74};
    make_dir();
    put_file("suites/stats.cfg", "[suite]\nname = stats\nkind = train\ndescription = d\n"
             "compare = a - b, c - d, e - a  # differences\ntarget_val_acc = 0.75\n"
             "reference_tolerance = 0.6\ndata_note = JPEG'd pixels, not the original's\n");
    put_file("results/stats/reference-a.torch.seed1.csv", "# a in PyTorch\n"
             "epoch,train_loss,train_acc,val_loss,val_acc,seconds\n1,2,0.5,1.5,0.6,9\n"
             "2,1,0.7,1.0,0.78,9\n# test of epoch 2's weights (final val_acc 0.78): "
             "top-1 0.7850, top-5 0.9900\n");
    put_file("results/stats/reference-c.torch.seed1.csv", "# c in PyTorch, SHORTENED: "
             "--limit 100\nepoch,train_loss,train_acc,val_loss,val_acc,seconds\n"
             "1,2,0.5,1.5,0.6,9\n# test of epoch 1's weights (final val_acc 0.6): "
             "top-1 0.7120, top-5 0.9900\n");
    put_file("published/accuracy.csv", "suite,label,metric,value,model,source\n"
             "stats,a,test_top1,77.61,m_a,one run\nstats,a,test_top1,81.00,m_a,another run\n"
             "stats,a,test_top1,77.82,m_other,a variant\nstats,b,test_top1,73.00,m_b,one run\n");
    const char *repro = "runsuite stats --profile full --backend onednn --seeds 3 --threads 2 "
                        "--data /given";
    char line[256];
    for (int seed = 1; seed <= 3; seed++) {
        snprintf(line, sizeof line, "%s --cell %d", repro, seed - 1);
        put_run("a", seed, 2, (double[]){77.51, 77.79, 78.64}[seed - 1],
                (const double *[]){fast, slow, mid}[seed - 1], line);
        put_run("b", seed, seed == 1 ? 1 : 2, (double[]){75.0, 75.5, 76.0}[seed - 1],
                (const double *[]){slow, never, fast}[seed - 1], NULL);
    }
    put_run_in("bf16", "a", 1, 1, 77.0, fast, NULL);
    put_run_in("bf16", "a", 2, 1, 77.4, mid, NULL);
    put_run("c", 1, 1, 70.0, never, NULL);
    put_run("d", 1, 1, 69.0, never, NULL);
    /* e runs under a profile of its own, and is compared with a all the same. */
    put_run("e", 1, 1, 77.00, never, NULL);
    cr_assert_eq(shell_run("sed -i 's/^stats,full,e,/stats,alt,e,/' %s/results/stats/e.onednn.seed1/"
                           "result.csv", dir), 0, "%s", output);
    cr_assert_eq(shell_run("%s/scripts/report %s/results %s/published %s/suites", VB_SRCDIR, dir,
                           dir, dir), 0, "%s", output);
    char path[300];
    snprintf(path, sizeof path, "%s/results/README.md", dir);
    const char *readme = shell_slurp(path);
    static const char *const expected[] = {
        "| a | 3 | 77.98% ± 1.46 | 0.59 | 78.64% (best of 3) | 75.06–80.90% | 77.61%: consistent"
        " / 81.00%: above / 77.82% (other variant: m_other) |",
        "| b | 3 | 75.50% ± 1.24 | 0.50 | 76.00% (best of 3) | 73.02–77.98% | 73.00%: below |",
        "| c | 1 | 70.00% | - | - | - | - |",
        "| a | 5 of 5 epochs | onednn x2 | 300 | 3.0 (2, 4, 3) | `runsuite stats --profile full "
        "--backend onednn --seeds 3 --threads 2 --data /given` |",
        "| b | 5 of 5 epochs | onednn x1 (1) / x2 (2) | 300 / 300 | not reached by 1 of 3 seeds "
        "(the others: 4, 2) | `runsuite stats --profile full --backend onednn --seeds 3 "
        "--threads 2 --data /data/sets` |",
        "| c | 5 of 5 epochs | onednn x1 | 300 | not reached | `runsuite stats --profile full "
        "--backend onednn --threads 1 --data /data/sets` |",
        "| a − b | onednn, full | +2.48 pt | +1.06 to +3.90 pt (Welch, 3.9 df) | 3 / 3 |",
        "| c − d | onednn, full | +1.00 pt | n/a (1 seed each) | 1 / 1 |",
        "| e − a | onednn, alt vs full | -0.98 pt | n/a (1 and 3 seeds) | 1 / 3 |",
        "| a (bf16) | 2 | 77.20% ± ",
        "| a | 5 of 5 epochs | onednn-bf16 x1 | 300 | 2.5 (2, 3) | `runsuite stats --profile full "
        "--backend onednn --precision bf16 --seeds 2 --threads 1 --data /data/sets` |",
        "| a bf16 − f32 | onednn, full | -0.78 pt | ",
        "| `reference-a.torch.seed1` | 2 | 78.50 | a (onednn, 3) | 77.98 | -0.52 | yes |",
        "| `reference-c.torch.seed1` (shortened) | 1 | 71.20 | c (onednn, 1) | 70.00 | -1.20 "
        "| **no** |",
        "**Data:** JPEG'd pixels, not the original's.",
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        cr_expect_not_null(strstr(readme, expected[i]), "no\n%s\nin\n%s", expected[i], readme);
    /* The data note is on the plots too, its quote undoubled. */
    snprintf(path, sizeof path, "%s/results/stats/accuracy.svg", dir);
    cr_expect_not_null(strstr(shell_slurp(path), "data: JPEG'd pixels"), "no data note in %s",
                       path);
    remove_dir();
}

/* A finished one-epoch run of the synthetic suite "one" under DIR/results, good in every
 * file the report reads. */
static void put_one_epoch_run(void)
{
    put_file("results/one/a.onednn.seed1/result.csv",
             "suite,profile,label,model,recipe,backend,threads,seed,epochs_planned,epochs_done,"
             "limit,shortened,best_epoch,best_val_acc,test_top1,test_top5,train_seconds,"
             "epoch_images_per_s,config_hash,epochs_in_recipe,precision\n"
             "one,full,a,m_a,r,onednn,1,1,1,1,256,1,1,0.5,0.4,0.9,1.5,300.0,1ea9b7437c4453eb,5,"
             "f32\n");
    put_file("results/one/a.onednn.seed1/metrics.csv",
             "epoch,train_loss,train_acc,val_loss,val_acc,val_top5,lr,seconds\n"
             "1,2.3,0.1,2.3,0.5,0.9,0.003,0.1\n");
    put_file("results/one/a.onednn.seed1/manifest.json",
             "{\n  \"suite\": \"one\",\n  \"ranks\": 1,\n  \"complete\": true\n}\n");
}

/* One epoch plots without a word from gnuplot (whose x axis cannot autoscale over a single
 * epoch); every CSV the report reads is checked, and a bad one is refused in one line
 * naming the file, the line and the field. */
Test(runsuite, report_refuses_a_bad_csv_in_one_line)
{
    static const struct { const char *file, *text, *needle; } cases[] = {
        {"result.csv", "suite,profile,label,model,recipe,backend,threads,seed,epochs_planned,"
         "epochs_done,limit,shortened,best_epoch,best_val_acc,test_top1,test_top5,"
         "train_seconds,epoch_images_per_s,config_hash,epochs_in_recipe\n"
         "one,full,a,m_a,r,onednn,1,1,1,1,256,1,1,0.5,nan,0.9,1.5,300.0,1e,5\n",
         "result.csv:2: field test_top1: \"nan\""},
        {"result.csv", "suite,profile,label,model,recipe,backend,threads,seed,epochs_planned,"
         "epochs_done,limit,shortened,best_epoch,best_val_acc,test_top1,test_top5,"
         "train_seconds,epoch_images_per_s,config_hash,epochs_in_recipe\n"
         "one,full,a,m_a,r,onednn,1,1,1,1,256,1,1,0.5,0.4,abc,1.5,300.0,1e,5\n",
         "result.csv:2: field test_top5: \"abc\""},
        {"result.csv", "suite,profile,label,model,recipe,backend,threads,seed,epochs",
         "result.csv:1: cut short"},
        {"result.csv", "suite,profile,label,model,recipe,backend,threads,seed,epochs_planned,"
         "epochs_done,limit,shortened,best_epoch,best_val_acc,test_top1,test_top5,"
         "train_seconds,epoch_images_per_s,config_hash,epochs_in_recipe\n"
         "one,full,a,m_a,r,onednn,1,1,1,1,256,1,1,0.5,0.4,0.9,1.5\n",
         "result.csv:2: 17 fields, the header has 20"},
        {"metrics.csv", NULL, "metrics.csv: missing"},
        {"metrics.csv", "epoch,train_loss\n1,abc\n", "metrics.csv:1: header field 3"},
        {"metrics.csv", "epoch,train_loss,train_acc,val_loss,val_acc,val_top5,lr,seconds\n"
         "1,2.3,0.1,2.3,1.5,0.9,0.003,0.1\n", "metrics.csv:2: field val_acc: \"1.5\""},
        {"metrics.csv", "epoch,train_loss,train_acc,val_loss,val_acc,val_top5,lr,seconds\n",
         "metrics.csv:1: no rows"},
    };
    make_dir();
    put_one_epoch_run();
    cr_assert_eq(shell_run("%s report --results %s/results", RUNSUITE, dir), 0, "%s", output);
    cr_expect_eq(strchr(output, '\n'), strrchr(output, '\n'), "gnuplot spoke: %s", output);
    cr_expect_not_null(strstr(output, "report: wrote"), "%s", output);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rel[256];
        put_one_epoch_run();
        snprintf(rel, sizeof rel, "results/one/a.onednn.seed1/%s", cases[i].file);
        if (cases[i].text) {
            put_file(rel, cases[i].text);
        } else {
            char path[512];
            snprintf(path, sizeof path, "%s/%s", dir, rel);
            cr_assert_eq(unlink(path), 0, "%s", path);
        }
        cr_expect_eq(shell_run("%s report --results %s/results", RUNSUITE, dir), 1,
                     "case %zu: %s", i, output);
        cr_expect_not_null(strstr(output, cases[i].needle), "case %zu: %s", i, output);
        cr_expect_not_null(strstr(output, "/results/one/a.onednn.seed1/"), "case %zu: %s", i,
                           output);
        cr_expect_eq(strchr(output, '\n'), strrchr(output, '\n'), "case %zu: %s", i, output);
    }
    remove_dir();
}

/* 257 characters: one more than a suite's text keys hold. */
#define TEXT_64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define LONG_TEXT TEXT_64 TEXT_64 TEXT_64 TEXT_64 "x"

/* A malformed suite file is refused with one line naming the file and what is wrong. */
Test(runsuite, malformed_suite_files_are_refused)
{
    static const struct { const char *text, *needle; } cases[] = {
        {"[suite]\nname = s\nkind = train\ndescription = d\n[profile]\nname = p\n"
         "[cell]\nlabel = a,b\nmodel = fashion_cct\nrecipe = fashion_cct\n", "key 'label': 'a,b'"},
        {"[suite]\nname = s\nkind = train\ndescription = d\n[profile]\nname = p\n"
         "[cell]\nlabel = a\nmodel = m\nrecipe = r\n[cell]\nlabel = a\nmodel = m\n"
         "recipe = r\n", "already a cell's"},
        {"[suite]\nname = s\nkind = train\ndescription = d\n[profile]\nname = full\n"
         "[cell]\nlabel = a\nmodel = m\nrecipe = r\nprofiles = ful\n", "'ful'"},
        {"[suite]\nname = s\nkind = train\ndescription = d\n[profile]\nname =\n"
         "[cell]\nlabel = a\nmodel = m\nrecipe = r\n", "name"},
        {"[suite]\nname = s\nkind = trian\ndescription = d\n", "'trian'"},
        /* a profile's epochs = 0 once meant the recipe's epochs, where --epochs 0 is refused */
        {"[suite]\nname = s\nkind = train\ndescription = d\n[profile]\nname = p\n"
         "epochs = 0\n[cell]\nlabel = a\nmodel = m\nrecipe = r\n",
         ":7: [profile] key 'epochs': 0 is out of range [1, 1000000]"},
        {"[suite]\nname = s\nkind = train\ndescription = d\n[profile]\nname = p\n"
         "epochs = 4611686018427387904\n[cell]\nlabel = a\nmodel = m\nrecipe = r\n",
         ":7: [profile] key 'epochs': 4611686018427387904 is out of range [1, 1000000]"},
        {"[suite]\nname = s\nkind = train\ndescription = d\ncompare = a - b\n[profile]\n"
         "name = p\n[cell]\nlabel = a\nmodel = m\nrecipe = r\n", "'a - b'"},
        {"[suite]\nname = s\nkind = train\ndescription = d\ntarget_val_acc = 75\n"
         "[profile]\nname = p\n[cell]\nlabel = a\nmodel = m\nrecipe = r\n", "between 0 and 1"},
        {"[suite]\nname = s\nkind = train\ndescription = d\nreference_tolerance = -1\n"
         "[profile]\nname = p\n[cell]\nlabel = a\nmodel = m\nrecipe = r\n", "between 0 and 100"},
        {"[suite]\nname = s\nkind = train\ndescription = d\ndata_note = " LONG_TEXT "\n"
         "[profile]\nname = p\n[cell]\nlabel = a\nmodel = m\nrecipe = r\n",
         "'data_note' is longer than 255 characters"},
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
