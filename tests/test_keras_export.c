/* vbmodel export --format keras: the names, shapes and values of each seed's Keras weights
 * (from vbmodel init's weights: C only), and the PyTorch models written with those names
 * (scripts/keras-seeds.py) against vbmodel eval on one-epoch runs of each seed model on
 * 300 real CIFAR-10 images (skipped without the CIFAR-10 archive or python3-torch); other
 * models and formats refused in one line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "shell.h"
#include "vitbench/safetensors.h"

#define VBTRAIN VB_BUILDDIR "/vbtrain"
#define VBMODEL VB_BUILDDIR "/vbmodel"
#define KERAS_SEEDS "/usr/bin/python3 " VB_SRCDIR "/scripts/keras-seeds.py"
/* seed 002's recipe on CIFAR-10 in batches of 32 (the file says why) */
#define VIT_RECIPE VB_SRCDIR "/tests/keras_vit_small_ds_cifar10.cfg"

static char dir[256];
static char *const output = shell_output; /* what the last shell_run printed */

static void make_dir(void)
{
    shell_make_dir(dir, sizeof dir, "vb-keras");
}

static void remove_dir(void)
{
    shell_remove_dir(dir);
}

/* Generous: the vit_small_ds cases take ~40 s of CPU, several times that on a busy machine. */
TestSuite(keras_export, .init = make_dir, .fini = remove_dir, .timeout = 400);

/* ---- the names, from the weights vbmodel init makes ------------------------------------ */

static vb_st_file ours, keras; /* the init weights and their export */

static void export_init(const char *model)
{
    cr_assert_eq(shell_run("%s init %s --out %s/w.safetensors", VBMODEL, model, dir), 0, "%s",
                 output);
    cr_assert_eq(shell_run("%s export %s %s/w.safetensors --format keras --out %s/k.safetensors",
                           VBMODEL, model, dir, dir), 0, "%s", output);
    char path[300], err[512];
    snprintf(path, sizeof path, "%s/w.safetensors", dir);
    cr_assert_eq(vb_st_read(&ours, path, err, sizeof err), 0, "%s", err);
    snprintf(path, sizeof path, "%s/k.safetensors", dir);
    cr_assert_eq(vb_st_read(&keras, path, err, sizeof err), 0, "%s", err);
}

static void close_files(void)
{
    vb_st_close(&ours);
    vb_st_close(&keras);
}

/* Keras's tensor `name` exists with shape (ndim values) and holds columns [col0, col0 +
 * cols) of our parameter `param` viewed as (rows, its last axis), in order. */
static void expect_columns(const char *name, int ndim, const int64_t *shape, const char *param,
                           int64_t col0, int64_t cols)
{
    const vb_st_tensor *k = vb_st_find(&keras, name), *p = vb_st_find(&ours, param);
    cr_assert_not_null(k, "the export has no %s", name);
    cr_assert_not_null(p, "the weights have no %s", param);
    cr_assert_eq(k->ndim, ndim, "%s has %d axes, not %d", name, k->ndim, ndim);
    for (int d = 0; d < ndim; d++)
        cr_assert_eq(k->shape[d], shape[d], "%s: axis %d is %lld, not %lld", name, d,
                     (long long)k->shape[d], (long long)shape[d]);
    int64_t last = p->shape[p->ndim - 1], rows = p->numel / last;
    cr_assert_eq(k->numel, rows * cols, "%s: %lld values", name, (long long)k->numel);
    const float *kv = k->data, *pv = p->data;
    for (int64_t r = 0; r < rows; r++)
        for (int64_t c = 0; c < cols; c++)
            cr_assert_eq(kv[r * cols + c], pv[r * last + col0 + c],
                         "%s[%lld] is not %s[%lld, %lld]", name, (long long)(r * cols + c),
                         param, (long long)r, (long long)(col0 + c));
}

/* The whole of our parameter as Keras's tensor `name` of that shape. */
static void expect_whole(const char *name, int ndim, const int64_t *shape, const char *param)
{
    const vb_st_tensor *p = vb_st_find(&ours, param);
    cr_assert_not_null(p, "the weights have no %s", param);
    expect_columns(name, ndim, shape, param, 0, p->shape[p->ndim - 1]);
}

/* A shape's axis count and values, for the two arguments above. */
#define SHAPE(...) \
    (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), (int64_t[]){__VA_ARGS__}

Test(keras_export, seeds_000_001_names_split_qkv_and_the_constant_table)
{
    export_init("keras_cct");
    cr_expect_eq(keras.count, 41, "%d tensors", keras.count);
    expect_whole("conv2d_1/kernel:0", SHAPE(3, 3, 64, 128), "conv.1.weight");
    expect_whole("constant/position_embeddings", SHAPE(64, 128), "posemb.0.table");
    expect_columns("multi_head_attention_1/query/kernel:0", SHAPE(128, 2, 128),
                   "encoder.1.attn.qkv.weight", 0, 256);
    expect_columns("multi_head_attention_1/value/kernel:0", SHAPE(128, 2, 128),
                   "encoder.1.attn.qkv.weight", 512, 256);
    expect_columns("multi_head_attention_1/key/bias:0", SHAPE(2, 128), "encoder.1.attn.qkv.bias",
                   256, 256);
    expect_whole("multi_head_attention_1/attention_output/kernel:0", SHAPE(2, 128, 128),
                 "encoder.1.attn.out.weight");
    expect_whole("layer_normalization_3/gamma:0", SHAPE(128), "encoder.1.norm2.gamma");
    expect_whole("dense_3/kernel:0", SHAPE(128, 128), "encoder.1.mlp.1.weight");
    expect_whole("layer_normalization_4/beta:0", SHAPE(128), "layernorm.0.beta");
    expect_whole("dense_4/kernel:0", SHAPE(128, 1), "seqpool.0.weight");
    expect_whole("dense_5/bias:0", SHAPE(10), "dense.0.bias");
    close_files();
}

Test(keras_export, seed_004_keras3_paths)
{
    export_init("keras_cct_keras3");
    cr_expect_eq(keras.count, 41, "%d tensors", keras.count);
    expect_whole("cct_tokenizer/sequential/conv2d/kernel", SHAPE(3, 3, 3, 64), "conv.0.weight");
    expect_whole("position_embedding/embeddings", SHAPE(64, 128), "posemb.0.table");
    expect_columns("multi_head_attention/key/kernel", SHAPE(128, 2, 128),
                   "encoder.0.attn.qkv.weight", 256, 256);
    expect_whole("sequence_pooling/dense_4/kernel", SHAPE(128, 1), "seqpool.0.weight");
    expect_whole("dense_5/kernel", SHAPE(128, 10), "dense.0.weight");
    close_files();
}

Test(keras_export, seed_002_spt_lsa_and_vanilla_names)
{
    export_init("keras_vit_small_ds_spt_lsa");
    cr_expect_eq(keras.count, 149, "%d tensors", keras.count);
    expect_whole("shifted_patch_tokenization/layer_normalization/gamma:0", SHAPE(540),
                 "layernorm.0.gamma");
    expect_whole("shifted_patch_tokenization/dense/kernel:0", SHAPE(540, 64), "dense.0.weight");
    expect_whole("patch_encoder/embedding/embeddings:0", SHAPE(144, 64), "posemb.0.table");
    expect_whole("multi_head_attention_lsa_7/tau:0", 0, NULL, "encoder.7.attn.tau");
    expect_columns("multi_head_attention_lsa_7/query/bias:0", SHAPE(4, 64),
                   "encoder.7.attn.qkv.bias", 0, 256);
    expect_whole("layer_normalization_16/gamma:0", SHAPE(64), "encoder.7.norm2.gamma");
    expect_whole("dense_16/kernel:0", SHAPE(128, 64), "encoder.7.mlp.1.weight");
    expect_whole("layer_normalization_17/gamma:0", SHAPE(64), "layernorm.1.gamma");
    expect_whole("dense_19/kernel:0", SHAPE(1024, 100), "dense.3.weight");
    close_files();

    /* vanilla: its tokenizer's LayerNormalization is made (taking a name) but never built */
    export_init("keras_vit_small_ds_vanilla");
    cr_expect_eq(keras.count, 139, "%d tensors", keras.count);
    expect_whole("shifted_patch_tokenization/dense/kernel:0", SHAPE(108, 64), "dense.0.weight");
    cr_expect_null(vb_st_find(&keras, "shifted_patch_tokenization/layer_normalization/gamma:0"));
    expect_columns("multi_head_attention_7/value/kernel:0", SHAPE(64, 4, 64),
                   "encoder.7.attn.qkv.weight", 512, 256);
    expect_whole("layer_normalization_17/beta:0", SHAPE(64), "layernorm.0.beta");
    close_files();
}

/* The seed's own model.summary() lists dense_25, dense_26 and layer_normalization_7. */
Test(keras_export, seed_003_names_match_its_printed_summary)
{
    export_init("qiita_vit");
    cr_expect_eq(keras.count, 72, "%d tensors", keras.count);
    expect_whole("add__embedding__layer/patch_emb:0", SHAPE(1, 1, 64), "class_token.0.token");
    expect_whole("add__embedding__layer/pos_emb:0", SHAPE(1, 65, 64), "posemb.0.table");
    expect_columns("dense_2/kernel:0", SHAPE(64, 64), "encoder.0.attn.qkv.weight", 64, 64);
    expect_columns("dense_3/bias:0", SHAPE(64), "encoder.0.attn.qkv.bias", 128, 64);
    expect_whole("dense_4/kernel:0", SHAPE(64, 64), "encoder.0.attn.out.weight");
    expect_whole("layer_normalization_7/gamma:0", SHAPE(64), "encoder.3.norm2.gamma");
    expect_whole("dense_25/kernel:0", SHAPE(64, 128), "dense.1.weight");
    expect_whole("dense_26/kernel:0", SHAPE(128, 10), "dense.2.weight");
    close_files();
}

/* ---- PyTorch under the Keras names against vbmodel eval -------------------------------- */

static const char *data_dir(void)
{
    const char *env = getenv("VITBENCH_DATA");
    return env && *env ? env : VB_SRCDIR "/../shared/datasets";
}

/* dir/data/cifar-10-batches-bin: the first 300 images of the real training set, 40 in
 * each training batch and the last 100 as the test batch (read from the start of the
 * archive, so in a second). */
static void make_cifar10_excerpt(void)
{
    char archive[512];
    snprintf(archive, sizeof archive, "%s/cifar-10-binary.tar.xz", data_dir());
    if (access(archive, R_OK) != 0)
        cr_skip_test("%s absent (set VITBENCH_DATA): the Keras export not run in PyTorch",
                     archive);
    if (system("/usr/bin/python3 -c 'import numpy, torch' >/dev/null 2>&1") != 0)
        cr_skip_test("python3-torch absent: scripts/keras-seeds.py not checked");
    cr_assert_eq(shell_run(
        "set -e; d=%s/data/cifar-10-batches-bin; mkdir -p $d; cd $d; "
        "xz -dc %s | tar -xO cifar-10-batches-bin/batches.meta.txt > batches.meta.txt; "
        "xz -dc %s | tar -xO cifar-10-batches-bin/data_batch_1.bin | head -c 921900 > all; "
        "for b in 1 2 3 4 5; do dd if=all of=data_batch_$b.bin bs=3073 skip=$(((b-1)*40)) "
        "count=40 status=none; done; "
        "dd if=all of=test_batch.bin bs=3073 skip=200 count=100 status=none; rm all; "
        "test $(wc -c < test_batch.bin) = 307300", dir, archive, archive), 0, "%s", output);
}

/* One epoch of MODEL with RECIPE (a shipped name or a path) on the excerpt, exported with
 * --format keras (plus export_options); keras-seeds.py on the export must print vbmodel
 * eval's line for the checkpoint, on the excerpt's 100 test images (the loss to one unit
 * of its last digit: shell_expect_same_result). */
static void expect_pytorch_agrees(const char *model, const char *recipe,
                                  const char *export_options)
{
    make_cifar10_excerpt();
    char recipe_option[300] = "", c[160], torch[160];
    if (strchr(recipe, '/')) snprintf(recipe_option, sizeof recipe_option, "--recipe %s", recipe);
    cr_assert_eq(shell_run("%s %s %s --epochs 1 --threads 1 --quiet --data %s/data --out %s/run",
                           VBTRAIN, model, recipe, dir, dir), 0, "%s", output);
    cr_assert_eq(shell_run("%s export %s %s/run/checkpoint.safetensors --format keras --out "
                           "%s/keras.safetensors %s", VBMODEL, model, dir, dir, export_options),
                 0, "%s", output);
    cr_assert_eq(shell_run("%s eval %s %s/run/checkpoint.safetensors --threads 1 --data %s/data %s",
                           VBMODEL, model, dir, dir, recipe_option), 0, "%s", output);
    shell_result_line(c, sizeof c);
    cr_expect_not_null(strstr(output, "test split: 100 images"), "%s", output);
    cr_assert_eq(shell_run("%s %s/keras.safetensors %s/run/checkpoint.safetensors --threads 1 "
                           "--data %s/data %s", KERAS_SEEDS, dir, dir, dir, recipe_option),
                 0, "%s", output);
    shell_result_line(torch, sizeof torch);
    shell_expect_same_result(torch, c, output);
}

Test(keras_export, pytorch_agrees_on_seeds_000_001_keras_cct)
{
    expect_pytorch_agrees("keras_cct", "keras_cct", "");
}

Test(keras_export, pytorch_agrees_on_seed_004_keras_cct_keras3)
{
    expect_pytorch_agrees("keras_cct_keras3", "keras_cct_keras3", "");
}

Test(keras_export, pytorch_agrees_on_seed_002_spt_lsa)
{
    expect_pytorch_agrees("keras_vit_small_ds_spt_lsa", VIT_RECIPE, "--classes 10");
}

Test(keras_export, pytorch_agrees_on_seed_002_vanilla)
{
    expect_pytorch_agrees("keras_vit_small_ds_vanilla", VIT_RECIPE, "--classes 10");
}

Test(keras_export, pytorch_agrees_on_seed_003_qiita_vit)
{
    expect_pytorch_agrees("qiita_vit", "qiita_vit", "");
}

/* ---- refusals ------------------------------------------------------------------------- */

/* The last shell_run failed with `status` and printed `message` on one line. */
static void expect_refused(int rc, int status, const char *message)
{
    cr_expect_eq(rc, status, "exit %d: %s", rc, output);
    cr_expect_not_null(strstr(output, message), "%s", output);
    cr_expect_eq(strchr(output, '\n'), strrchr(output, '\n'), "more than one line: %s", output);
}

Test(keras_export, other_models_and_formats_are_refused_in_one_line)
{
    cr_assert_eq(shell_run("%s init keras_cct --out %s/w.safetensors", VBMODEL, dir), 0);
    expect_refused(shell_run("%s export keras_cct %s/w.safetensors --format tf --out %s/x",
                             VBMODEL, dir, dir),
                   2, "vbmodel export: --format: expected compact-transformers|keras, got 'tf'");
    expect_refused(shell_run("%s export cct_7_3x2 %s/w.safetensors --format keras --out %s/x",
                             VBMODEL, dir, dir),
                   1, "cct_7_3x2: not a model of the Keras seeds, which --format keras covers");
    expect_refused(shell_run("%s export keras_vit_small_ds_spt %s/w.safetensors --format keras "
                             "--out %s/x", VBMODEL, dir, dir),
                   1, "keras_vit_small_ds_spt: [encoder] diag_mask = no, but seed 002's "
                      "create_vit_classifier(vanilla=False) has yes (--format keras)");
    expect_refused(shell_run("%s export qiita_vit_cls %s/w.safetensors --format keras --out %s/x",
                             VBMODEL, dir, dir),
                   1, "qiita_vit_cls: [token] index = -1, but seed 003's make_ViT()");
    char path[300];
    snprintf(path, sizeof path, "%s/x", dir);
    cr_expect_neq(access(path, F_OK), 0, "a refused export wrote %s", path);
}
