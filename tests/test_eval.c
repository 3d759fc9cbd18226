/* vbmodel eval and export end to end, and the PyTorch scripts against them: a one-epoch
 * fashion_cct run on a Fashion-MNIST subset, whose checkpoint's best weights must give
 * summary.json's test figures and metrics.csv's validation figures to the printed digit,
 * in C, in PyTorch (scripts/torch-eval.py) and under the official code's names
 * (scripts/official-cct.py on the export); plain weights files, and one-line errors.
 * Skips without Debian's Fashion-MNIST (and the PyTorch case without python3-torch). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/cpu.h"
#include "shell.h"

#define VBTRAIN VB_BUILDDIR "/vbtrain"
#define VBMODEL VB_BUILDDIR "/vbmodel"
#define TORCH_EVAL "/usr/bin/python3 " VB_SRCDIR "/scripts/torch-eval.py"
#define OFFICIAL_CCT "/usr/bin/python3 " VB_SRCDIR "/scripts/official-cct.py"

static char dir[256];
static char *const output = shell_output; /* what the last shell_run printed */

static void make_dir(void)
{
    shell_make_dir(dir, sizeof dir, "vb-eval");
}

static void remove_dir(void)
{
    shell_remove_dir(dir);
}

/* One epoch of fashion_cct on 1,000 images (900 train, the last 100 validate), with the
 * extra options given, into DIR/run. */
static void train_with(const char *options)
{
    shell_skip_without_fashion_mnist();
    cr_assert_eq(shell_run("%s fashion_cct fashion_cct --epochs 1 --limit 1000 --threads 1 "
                           "--quiet --out %s/run %s", VBTRAIN, dir, options), 0, "%s", output);
}

static void train(void)
{
    train_with("");
}

/* The value text of "key": in summary.json. */
static void json_value(const char *json, const char *key, char *out, size_t len)
{
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\": ", key);
    const char *at = strstr(json, quoted);
    cr_assert_not_null(at, "no %s in summary.json", key);
    at += strlen(quoted);
    snprintf(out, len, "%.*s", (int)strcspn(at, ",\n"), at);
}

/* vbmodel eval on the validation split (with the extra options) prints metrics.csv's
 * row of DIR/run: epoch,train_loss,train_acc,val_loss,val_acc,val_top5,... */
static void expect_the_validation_row(const char *options)
{
    char path[300], want[160], got[160], val_loss[32], val_acc[32], val_top5[32];
    snprintf(path, sizeof path, "%s/run/metrics.csv", dir);
    const char *row = strchr(shell_slurp(path), '\n') + 1;
    cr_assert_eq(sscanf(row, "%*[^,],%*[^,],%*[^,],%31[^,],%31[^,],%31[^,]", val_loss,
                        val_acc, val_top5), 3, "%s", row);
    snprintf(want, sizeof want, "top1 %s top5 %s loss %s", val_acc, val_top5, val_loss);
    cr_assert_eq(shell_run("%s eval fashion_cct %s/run/checkpoint.safetensors --threads 1 "
                           "--split val %s", VBMODEL, dir, options), 0, "%s", output);
    shell_result_line(got, sizeof got);
    cr_expect_str_eq(got, want);
    cr_expect_not_null(strstr(output, "val split: 100 images"), "%s", output);
}

/* Generous: the shared 2-core machines run this at several times its ~35 s of CPU. */
TestSuite(eval, .init = make_dir, .fini = remove_dir, .timeout = 300);

Test(eval, best_weights_give_the_summary_and_the_validation_row)
{
    train();
    char path[300], want[160], got[160], top1[32], top5[32], loss[32];
    snprintf(path, sizeof path, "%s/run/summary.json", dir);
    const char *summary = shell_slurp(path);
    json_value(summary, "test_top1", top1, sizeof top1);
    json_value(summary, "test_top5", top5, sizeof top5);
    json_value(summary, "test_loss", loss, sizeof loss);
    snprintf(want, sizeof want, "top1 %s top5 %s loss %s", top1, top5, loss);
    cr_assert_eq(shell_run("%s eval fashion_cct %s/run/checkpoint.safetensors --threads 1",
                           VBMODEL, dir), 0, "%s", output);
    shell_result_line(got, sizeof got);
    cr_expect_str_eq(got, want);
    cr_expect_not_null(strstr(output, "test split: 10000 images"), "%s", output);

    expect_the_validation_row("");
}

/* A bf16 run (onednn) is evaluated in bf16, as its trainer validated it, unless
 * --precision says otherwise. */
Test(eval, a_bf16_run_is_evaluated_in_its_precision)
{
    if (!vb_cpu_has_bf16()) cr_skip_test("this CPU has no AVX512-BF16");
    train_with("--backend onednn --precision bf16");
    expect_the_validation_row("--backend onednn");
    cr_expect_not_null(strstr(output, "1 threads, bf16\n"), "%s", output);
    char bf16[160], f32[160];
    shell_result_line(bf16, sizeof bf16);
    cr_assert_eq(shell_run("%s eval fashion_cct %s/run/checkpoint.safetensors --threads 1 "
                           "--split val --backend onednn --precision f32", VBMODEL, dir), 0,
                 "%s", output);
    cr_expect_not_null(strstr(output, "1 threads, f32\n"), "%s", output);
    shell_result_line(f32, sizeof f32);
    cr_expect_str_neq(f32, bf16, "f32 and bf16 products gave the same loss to 6 digits");
}

/* torch-eval.py on the checkpoint, and official-cct.py on its compact-transformers export
 * (the official code's names and layouts), each print vbmodel eval's line (the loss to
 * one unit of its last digit: shell_expect_same_result). On the
 * validation split (100 images) to keep the test light: the split's rebuilding is part of
 * what is checked, and the C side is checked on the test set above. */
Test(eval, pytorch_and_the_official_names_agree_to_the_printed_digit)
{
    if (system("/usr/bin/python3 -c 'import numpy, torch' >/dev/null 2>&1") != 0)
        cr_skip_test("python3-torch absent: scripts/torch-eval.py not checked");
    train();
    char c[160], torch[160], official[160];
    cr_assert_eq(shell_run("%s eval fashion_cct %s/run/checkpoint.safetensors --threads 1 "
                           "--split val", VBMODEL, dir), 0, "%s", output);
    shell_result_line(c, sizeof c);
    cr_assert_eq(shell_run("%s fashion_cct %s/run/checkpoint.safetensors --threads 1 "
                           "--split val", TORCH_EVAL, dir), 0, "%s", output);
    shell_result_line(torch, sizeof torch);
    shell_expect_same_result(torch, c, output);
    cr_expect_not_null(strstr(output, "val split: 100 images"), "%s", output);

    cr_assert_eq(shell_run("%s export fashion_cct %s/run/checkpoint.safetensors --format "
                           "compact-transformers --out %s/ct.safetensors", VBMODEL, dir, dir),
                 0, "%s", output);
    cr_assert_eq(shell_run("%s %s/ct.safetensors %s/run/checkpoint.safetensors --threads 1 "
                           "--split val", OFFICIAL_CCT, dir, dir), 0, "%s", output);
    shell_result_line(official, sizeof official);
    shell_expect_same_result(official, c, output);
}

/* A run trained with a recipe file from elsewhere records the recipe's name only: eval
 * says so and how to give the file, in one line. */
Test(eval, a_recipe_from_elsewhere_is_asked_for_by_file)
{
    shell_skip_without_fashion_mnist();
    cr_assert_eq(shell_run("cp %s/suites/recipes/fashion_cct.cfg %s/mine.cfg", VB_SRCDIR, dir),
                 0);
    cr_assert_eq(shell_run("%s fashion_cct %s/mine.cfg --epochs 1 --limit 200 --threads 1 "
                           "--quiet --out %s/run", VBTRAIN, dir, dir), 0, "%s", output);
    cr_assert_eq(shell_run("%s eval fashion_cct %s/run/checkpoint.safetensors", VBMODEL, dir),
                 1);
    cr_expect_not_null(strstr(output, "no recipe 'mine' in") &&
                       strstr(output, "give its file with --recipe FILE"), "%s", output);
    cr_expect_eq(strchr(output, '\n'), strrchr(output, '\n'), "more than one line: %s", output);
    cr_assert_eq(shell_run("%s eval fashion_cct %s/run/checkpoint.safetensors --recipe "
                           "%s/mine.cfg --threads 1", VBMODEL, dir, dir), 0, "%s", output);
}

Test(eval, a_weights_file_needs_a_recipe_and_errors_are_one_line)
{
    shell_skip_without_fashion_mnist();
    cr_assert_eq(shell_run("%s init fashion_cct --out %s/w.safetensors", VBMODEL, dir), 0);
    cr_assert_eq(shell_run("%s eval fashion_cct %s/w.safetensors", VBMODEL, dir), 1);
    cr_expect_not_null(strstr(output, "w.safetensors: a weights file names no recipe: give "
                                      "--recipe NAME"), "%s", output);
    cr_expect_eq(strchr(output, '\n'), strrchr(output, '\n'), "more than one line: %s", output);
    cr_assert_eq(shell_run("%s eval fashion_cct %s/w.safetensors --recipe fashion_cct "
                           "--split val --threads 1", VBMODEL, dir), 0, "%s", output);
    cr_expect_not_null(strstr(output, "val split: 6000 images"), "%s", output);
    cr_assert_eq(shell_run("%s eval keras_cct %s/w.safetensors --recipe fashion_cct",
                           VBMODEL, dir), 1);
    cr_expect_not_null(strstr(output, "'fashion_cct', not 'keras_cct'"), "%s", output);
    cr_assert_eq(shell_run("%s eval fashion_cct %s/none.safetensors", VBMODEL, dir), 1);
    cr_expect_not_null(strstr(output, "none.safetensors"), "%s", output);
    cr_assert_eq(shell_run("%s eval fashion_cct %s/w.safetensors --split train", VBMODEL,
                           dir), 2);
    cr_expect_not_null(strstr(output, "vbmodel eval: --split: expected test or val, got 'train'"),
                       "%s", output);
    cr_assert_eq(shell_run("%s init keras_cct --out %s/k.safetensors", VBMODEL, dir), 0);
    cr_assert_eq(shell_run("%s export keras_cct %s/k.safetensors --format compact-transformers "
                           "--out %s/k.ct.safetensors", VBMODEL, dir, dir), 1);
    cr_expect_not_null(strstr(output, "keras_cct: section [zeropad] has no counterpart in the "
                                      "official code"), "%s", output);
    cr_expect_eq(strchr(output, '\n'), strrchr(output, '\n'), "more than one line: %s", output);
}
