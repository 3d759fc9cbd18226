/* The trainer (train.h): recipes and their errors, schedules, checkpoints, determinism,
 * and resuming a run killed mid-epoch to the same bytes as an uninterrupted one.
 *
 * Runs use a tiny CCT-like model on a synthetic 8x8x1 dataset of 3 classes (a bright
 * row, column or diagonal on noise) on the built-in reference backend: seconds each. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <criterion/criterion.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../lib/train/internal.h"
#include "vitbench/claim.h"
#include "vitbench/cpu.h"
#include "vitbench/rng.h"
#include "vitbench/safetensors.h"

static char err[1024];

/* ---- helpers ------------------------------------------------------------------------ */

/* A fresh temporary folder for one test, removed by its .fini. */
static char made_dir[64];

static char *temp_dir(char *buf, size_t len)
{
    snprintf(buf, len, "/tmp/vb_test_train.XXXXXX");
    cr_assert_not_null(mkdtemp(buf));
    snprintf(made_dir, sizeof made_dir, "%s", buf);
    return buf;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_temp_dir(void)
{
    if (made_dir[0]) nftw(made_dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(recipe, .fini = remove_temp_dir);
TestSuite(checkpoint, .fini = remove_temp_dir);
TestSuite(train, .fini = remove_temp_dir);

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* The whole file in a malloc'd buffer (*len bytes), NULL if absent. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static void assert_same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = slurp(a, &la), *y = slurp(b, &lb);
    cr_assert(x && y, "missing %s or %s", a, b);
    cr_assert(la == lb && memcmp(x, y, la) == 0, "%s and %s differ", a, b);
    free(x);
    free(y);
}

/* A recipe file in dir from [recipe] body text (+ optional [augment] text). */
static int load_recipe_text(vb_recipe *r, const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.cfg", dir, name);
    write_file(path, text);
    return vb_recipe_load(r, path, err, sizeof err);
}

/* ---- recipes ------------------------------------------------------------------------ */

Test(recipe, every_key)
{
    char dir[64];
    vb_recipe r;
    int rc = load_recipe_text(&r, temp_dir(dir, sizeof dir), "full",
                              "[recipe]\ndataset = cifar10\nepochs = 30\nbatch = 128\n"
                              "optimizer = adamw\nlr = 5e-4\nbeta1 = 0.8\nbeta2 = 0.99\n"
                              "eps = 1e-8\neps_mode = torch\nweight_decay = 0.05\n"
                              "decay = decoupled_lr\nschedule = warmup_cosine\n"
                              "warmup_epochs = 5\nstep_epochs = 10\nstep_gamma = 0.5\n"
                              "min_lr = 1e-5\nlabel_smoothing = 0.1\nval_split = 0.2\n"
                              "val_mode = random\nkeep_best = yes\nclip_norm = 1\n"
                              "precision = bf16\n"
                              "[augment]\ncrop_pad = 4\ncrop_scale_min = 0.8\nflip = yes\n"
                              "rotation = 0.02\nzoom = 0.2\nautoaugment = yes\n"
                              "randaugment_n = 2\nrandaugment_m = 9\nnormalize = fixed\n"
                              "mean = 0.5, 0.4, 0.3\nstd = 0.25\nerasing = 0.25\n"
                              "mixup_alpha = 0.8\ncutmix_alpha = 1.0\n");
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_str_eq(r.name, "full");
    cr_assert_str_eq(r.dataset, "cifar10");
    cr_assert(r.epochs == 30 && r.batch == 128);
    cr_assert(r.adam.lr == 5e-4f && r.adam.beta1 == 0.8f && r.adam.beta2 == 0.99f &&
              r.adam.eps == 1e-8f && r.adam.weight_decay == 0.05f);
    cr_assert(r.adam.eps_mode == VB_EPS_TORCH && r.adam.decay_mode == VB_DECAY_DECOUPLED_LR);
    cr_assert(r.schedule == VB_SCHEDULE_WARMUP_COSINE && r.warmup_epochs == 5 &&
              r.step_epochs == 10 && r.step_gamma == 0.5 && r.min_lr == 1e-5);
    cr_assert(r.label_smoothing == 0.1f && r.val_split == 0.2 && r.val_mode == VB_VAL_RANDOM);
    cr_assert(r.keep_best == 1 && r.clip_norm == 1.0f);
    cr_assert_eq(r.precision, VB_PRECISION_BF16);
    cr_assert_not_null(strstr(r.config, "precision = bf16"));
    const vb_augment *a = &r.augment;
    cr_assert(a->crop_pad == 4 && a->crop_scale_min == 0.8f && a->flip && a->autoaugment);
    cr_assert(a->rotation == 0.02f && a->zoom == 0.2f);
    cr_assert(a->randaugment_n == 2 && a->randaugment_m == 9);
    cr_assert(a->mean[0] == 0.5f && a->mean[2] == 0.3f && a->mean[3] == 0.3f);
    cr_assert(a->std[0] == 0.25f && a->std[3] == 0.25f);
    cr_assert(a->erasing == 0.25f && a->mixup_alpha == 0.8f && a->cutmix_alpha == 1.0f);
    cr_assert_eq(r.adapt_normalization, 0);
    vb_recipe_free(&r);
}

Test(recipe, defaults_are_keras_adam)
{
    char dir[64];
    vb_recipe r;
    cr_assert_eq(load_recipe_text(&r, temp_dir(dir, sizeof dir), "min",
                                  "[recipe]\ndataset = mnist\nepochs = 2\nbatch = 32\n"),
                 0, "%s", err);
    cr_assert(r.adam.lr == 1e-3f && r.adam.beta1 == 0.9f && r.adam.beta2 == 0.999f &&
              r.adam.eps == 1e-7f);
    cr_assert(r.adam.eps_mode == VB_EPS_KERAS && r.adam.decay_mode == VB_DECAY_NONE);
    cr_assert(r.schedule == VB_SCHEDULE_CONSTANT && r.val_mode == VB_VAL_KERAS_LAST &&
              r.val_split == 0.1 && !r.keep_best && r.clip_norm == 0);
    cr_assert(r.augment.std[0] == 1 && r.augment.mean[0] == 0 && !r.augment.flip);
    /* f32 by default, and absent from the resolved text, so an f32 recipe's identity is
     * what it was before the key existed */
    cr_assert_eq(r.precision, VB_PRECISION_F32);
    cr_assert_null(strstr(r.config, "precision"));
    vb_recipe_free(&r);
}

/* Each broken recipe fails with a message that contains the expected text. */
Test(recipe, errors_name_file_line_key)
{
    static const struct { const char *text, *want; } cases[] = {
        {"[recipe]\ndataset = x\nepochs = 2\nbatch = 8\nlr_max = 1\n",
         "bad.cfg:5: [recipe] unknown key 'lr_max'"},
        {"[recipe]\ndataset = x\nepochs = 2\nbatch = 8\n[augment]\nflip = maybe\n",
         "bad.cfg:6: [augment] key 'flip'"},
        {"[recipe]\ndataset = x\nepochs = 0\nbatch = 8\n", "bad.cfg:3: [recipe] key 'epochs'"},
        {"[recipe]\nepochs = 2\nbatch = 8\n", "missing key 'dataset'"},
        {"[recipe]\ndataset = x\nepochs = 2\nbatch = 8\nweight_decay = 1e-4\n",
         "bad.cfg:5: [recipe] key 'weight_decay': plain adam"},
        {"[recipe]\ndataset = x\nepochs = 2\nbatch = 8\nschedule = step\n",
         "missing key 'step_epochs'"},
        {"[recipe]\ndataset = x\nepochs = 2\nbatch = 8\nschedule = linear\n",
         "bad.cfg:5: [recipe] key 'schedule': 'linear' is not one of"},
        {"[recipe]\ndataset = x\nepochs = 2\nbatch = 8\nval_split = 1.5\n",
         "bad.cfg:5: [recipe] key 'val_split'"},
        {"[recipe]\ndataset = x\nepochs = 2\nbatch = 8\n[augment]\nmean = 0.5\n",
         "key 'mean': only with normalize = fixed"},
        {"[recipe]\ndataset = x\nepochs = 2\nbatch = 8\n[augment]\nnormalize = fixed\n"
         "mean = 0.5\nstd = 0\n",
         "bad.cfg:8: [augment] key 'std'"},
        {"[recipe]\ndataset = x\nepochs = 2\nbatch = 8\n[model]\n", "bad.cfg:5: [model] unknown"},
        {"[augment]\nflip = yes\n", "no [recipe] section"},
        {"[recipe]\ndataset = x\nepochs = 2\nbatch = 8\nprecision = fp16\n",
         "bad.cfg:5: [recipe] key 'precision': expected f32 or bf16, got 'fp16'"},
    };
    char dir[64];
    temp_dir(dir, sizeof dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vb_recipe r;
        cr_assert_eq(load_recipe_text(&r, dir, "bad", cases[i].text), -1, "case %zu passed", i);
        cr_assert_not_null(strstr(err, cases[i].want), "case %zu: '%s' lacks '%s'", i, err,
                           cases[i].want);
    }
}

/* Each broken recipe fails with exactly the one-line message given (bad.cfg in dir). */
static void recipe_cases_fail(const char *const (*cases)[2], size_t n)
{
    char dir[64];
    temp_dir(dir, sizeof dir);
    for (size_t i = 0; i < n; i++) {
        vb_recipe r;
        cr_assert_eq(load_recipe_text(&r, dir, "bad", cases[i][0]), -1, "case %zu passed", i);
        char want[512];
        snprintf(want, sizeof want, "%s/bad.cfg:%s", dir, cases[i][1]);
        cr_expect_str_eq(err, want, "case %zu", i);
    }
}

#define RECIPE "[recipe]\ndataset = x\nepochs = 2\nbatch = 8\n"

/* Numbers the training uses as floats are checked as those floats, not as the doubles
 * they were read as, and the message quotes the value as written. */
Test(recipe, numbers_are_checked_as_the_floats_used)
{
    static const char *const cases[][2] = {
        {RECIPE "beta2 = 0.99999999999\n",
         "5: [recipe] key 'beta2': 0.99999999999 is 1 as a float: expected a number in [0, 1)"},
        {RECIPE "lr = 1e-50\n", "5: [recipe] key 'lr': 1e-50 is below the smallest normal "
         "float (1.17549e-38)"},
        {RECIPE "lr = 0\n", "5: [recipe] key 'lr': 0: expected a number > 0"},
        {RECIPE "optimizer = adamw\nweight_decay = 1e-60\n", "6: [recipe] key 'weight_decay': "
         "1e-60 is below the smallest normal float (1.17549e-38)"},
        {RECIPE "eps = 1e-40\n", "5: [recipe] key 'eps': 1e-40 is below the smallest normal "
         "float (1.17549e-38)"},
        {RECIPE "clip_norm = 1e39\n", "5: [recipe] key 'clip_norm': 1e39 does not fit a float "
         "(at most 3.40282e+38)"},
        {RECIPE "[augment]\nmixup_alpha = 1e300\n", "6: [augment] key 'mixup_alpha': 1e300: "
         "expected a number in [0, 1000]"},
        {RECIPE "[augment]\nnormalize = fixed\nmean = 0.5\nstd = 0.5, 1e-50\n",
         "8: [augment] key 'std': 1e-50 is below the smallest normal float (1.17549e-38)"},
        {RECIPE "[augment]\nnormalize = fixed\nmean = nan\nstd = 1\n",
         "7: [augment] key 'mean': nan does not fit a float (at most 3.40282e+38)"},
    };
    recipe_cases_fail(cases, sizeof cases / sizeof cases[0]);
}

/* The recipe's augmentation ranges are those vb_augment_batch takes (augment.h): values
 * between the two once passed the recipe and stopped the run at its first epoch with
 * "cannot start the data loader", naming no file or key. */
Test(recipe, augmentation_ranges_are_the_loaders)
{
    static const char *const cases[][2] = {
        {RECIPE "[augment]\nrotation = 1.5\n",
         "6: [augment] key 'rotation': 1.5: expected a number in [0, 1] (turns)"},
        {RECIPE "[augment]\ncutmix_alpha = 1e30\n",
         "6: [augment] key 'cutmix_alpha': 1e30: expected a number in [0, 1000]"},
        {RECIPE "[augment]\nnormalize = fixed\nmean = 0.5, 2000\nstd = 1\n",
         "7: [augment] key 'mean': 2000 is 2000 as a float: expected a number in [0, 1000]"},
    };
    recipe_cases_fail(cases, sizeof cases / sizeof cases[0]);
}

/* Counts are bounded where the recipe is read, so nothing computed from them overflows:
 * a batch of 2^62 used to wrap the memory estimate to "0.4 MiB". */
Test(recipe, counts_are_bounded)
{
    static const char *const cases[][2] = {
        {"[recipe]\ndataset = x\nepochs = 2\nbatch = 4611686018427387904\n",
         "4: [recipe] key 'batch': 4611686018427387904 is out of range [1, 1048576]"},
        {"[recipe]\ndataset = x\nepochs = 4611686018427387904\nbatch = 8\n",
         "3: [recipe] key 'epochs': 4611686018427387904 is out of range [1, 1000000]"},
        {RECIPE "schedule = warmup_cosine\nwarmup_epochs = 1e300\n",
         "6: [recipe] key 'warmup_epochs': 1e300: expected a number in [0, 1000000]"},
        {RECIPE "[augment]\ncrop_pad = 65\n",
         "6: [augment] key 'crop_pad': 65 is out of range [0, 64]"},
    };
    recipe_cases_fail(cases, sizeof cases / sizeof cases[0]);
}

Test(recipe, shipped_recipes_load)
{
    static const char *const names[] = {"keras_cct", "fashion_cct", "qiita_vit",
                                        "keras_vit_small_ds", "keras_vit_small_ds_cosine"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[512];
        vb_recipe r;
        snprintf(path, sizeof path, "%s/suites/recipes/%s.cfg", VB_SRCDIR, names[i]);
        cr_assert_eq(vb_recipe_load(&r, path, err, sizeof err), 0, "%s", err);
        cr_assert_str_eq(r.name, names[i]);
        vb_recipe_free(&r);
    }
}

/* ---- schedules ---------------------------------------------------------------------- */

Test(schedule, values)
{
    vb_recipe r = {.epochs = 10, .adam = {.lr = 1e-3f}};
    double lr = r.adam.lr; /* the float 1e-3 */
    cr_assert_float_eq(vb_recipe_lr(&r, 0, 100), lr, 1e-15);
    cr_assert_float_eq(vb_recipe_lr(&r, 999, 100), lr, 1e-15);

    r.schedule = VB_SCHEDULE_STEP;
    r.step_epochs = 3;
    r.step_gamma = 0.5;
    cr_assert_float_eq(vb_recipe_lr(&r, 299, 100), lr, 1e-15);        /* epoch 2 */
    cr_assert_float_eq(vb_recipe_lr(&r, 300, 100), lr * 0.5, 1e-15);  /* epoch 3 */
    cr_assert_float_eq(vb_recipe_lr(&r, 600, 100), lr * 0.25, 1e-15); /* epoch 6 */

    /* 10 epochs of 100 steps, 2 warmup epochs, down to 1e-4. */
    r.schedule = VB_SCHEDULE_WARMUP_COSINE;
    r.warmup_epochs = 2;
    r.min_lr = 1e-4;
    cr_assert_float_eq(vb_recipe_lr(&r, 0, 100), 0, 1e-15);
    cr_assert_float_eq(vb_recipe_lr(&r, 50, 100), lr * 0.25, 1e-12);
    cr_assert_float_eq(vb_recipe_lr(&r, 200, 100), lr, 1e-12);        /* warmup done */
    cr_assert_float_eq(vb_recipe_lr(&r, 600, 100), 1e-4 + 0.5 * (lr - 1e-4), 1e-12);
    cr_assert_float_eq(vb_recipe_lr(&r, 1000, 100), 1e-4, 1e-12);     /* the end */
    cr_assert(vb_recipe_lr(&r, 400, 100) > vb_recipe_lr(&r, 401, 100));
}

/* ---- a tiny model and dataset ------------------------------------------------------- */

static const char *const TINY_MODEL =
    "[model]\nname = tiny\ninput = 8x8x1\nclasses = 3\n"
    "[conv]\nfilters = 8\nsize = 3\nstride = 1\npadding = 1\nbias = no\nactivation = relu\n"
    "[maxpool]\nsize = 3\nstride = 2\npadding = 1\n"
    "[posemb]\nkind = learnable\n"
    "[encoder]\ndepth = 1\nheads = 2\nkey_dim = 4\nnorm = pre\nattn_dropout = 0.1\n"
    "mlp = 16, 8\nmlp_activation = gelu\nmlp_dropout = 0.1\nstochastic_depth = 0.1\n"
    "[layernorm]\n[seqpool]\n[dense]\nunits = classes\n";

static void tiny_model_of(vb_model *m, const char *text)
{
    cr_assert_eq(vb_model_parse(m, "tiny.cfg", text, err, sizeof err), 0, "%s", err);
}

static void tiny_model(vb_model *m)
{
    tiny_model_of(m, TINY_MODEL);
}

/* count images of 8x8x1: noise plus a bright row (class 0), column (1) or diagonal (2). */
static void tiny_dataset(vb_dataset *d, int64_t count, uint64_t seed)
{
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "tiny");
    snprintf(d->source, sizeof d->source, "tiny.synthetic");
    d->count = count;
    d->h = d->w = 8;
    d->c = 1;
    d->classes = 3;
    d->images = vb_alloc((size_t)count * 64);
    d->labels = vb_alloc((size_t)count * sizeof(int32_t));
    for (int64_t i = 0; i < count; i++) {
        int32_t y = (int32_t)(vb_hash64(seed, (uint64_t)i) % 3);
        int64_t k = (int64_t)(vb_hash64(seed + 1, (uint64_t)i) % 8);
        uint8_t *img = d->images + i * 64;
        for (int p = 0; p < 64; p++)
            img[p] = (uint8_t)(vb_hash64(seed + 2, (uint64_t)(i * 64 + p)) % 100);
        for (int j = 0; j < 8; j++)
            img[y == 0 ? k * 8 + j : y == 1 ? j * 8 + k : j * 8 + j] = 250;
        d->labels[i] = y;
    }
    vb_dataset_checksum(d);
}

static void free_dataset(vb_dataset *d)
{
    vb_free(d->images);
    vb_free(d->labels);
}

#define TINY_RECIPE_MAIN \
    "[recipe]\ndataset = tiny\nepochs = 3\nbatch = 16\noptimizer = adamw\nlr = 3e-3\n" \
    "weight_decay = 1e-4\nschedule = warmup_cosine\nwarmup_epochs = 0.5\nlabel_smoothing = 0.1\n" \
    "val_split = 0.25\nkeep_best = yes\nclip_norm = 5\n"
static const char *const TINY_RECIPE = TINY_RECIPE_MAIN "[augment]\nflip = yes\n";

typedef struct tiny_run {
    vb_dataset train, test;
    const char *model_text; /* TINY_MODEL, or an edited description */
    vb_recipe recipe;
    vb_loaded_backend *backend;
    int64_t chunk; /* vb_train_opts.chunk: 0, the whole batch on the model */
    const char *step_log; /* vb_train_opts.step_log: NULL, none */
} tiny_run;

static void tiny_setup(tiny_run *t, const char *dir)
{
    tiny_dataset(&t->train, 400, 11); /* 300 train (19 steps, the last of 12), 100 val */
    tiny_dataset(&t->test, 60, 99);
    t->model_text = TINY_MODEL;
    cr_assert_eq(load_recipe_text(&t->recipe, dir, "tiny", TINY_RECIPE), 0, "%s", err);
    t->backend = vb_backend_load("reference", 1, err, sizeof err);
    cr_assert_not_null(t->backend, "%s", err);
}

static void tiny_teardown(tiny_run *t)
{
    free_dataset(&t->train);
    free_dataset(&t->test);
    vb_recipe_free(&t->recipe);
    vb_backend_unload(t->backend);
}

static int tiny_train(tiny_run *t, const char *out, int resume, vb_train_result *res,
                      void (*on_step)(void *, int64_t, int64_t), void *user)
{
    vb_model m;
    tiny_model_of(&m, t->model_text);
    vb_train_opts o = {.out_dir = out, .resume = resume, .seed = 7, .quiet = 1,
                       .zero_seconds = 1, .on_step = on_step, .user = user,
                       .chunk = t->chunk, .step_log = t->step_log};
    int rc = vb_train(&m, &t->recipe, &t->train, &t->test, t->backend, &o, res, err,
                      sizeof err);
    vb_model_free(&m);
    return rc;
}

/* ---- the mixed loss (step.h) ------------------------------------------------------- */

/* λ·CE(a) + (1−λ)·CE(b): the loss is the mix of the two plain losses, and with b = a the
 * gradients are the plain step's (up to rounding). */
Test(step, mixed_loss)
{
    vb_model m, p;
    vb_step_scratch sm, sp;
    tiny_model(&m);
    tiny_model(&p);
    cr_assert(vb_model_alloc(&m, 6) == 0 && vb_step_scratch_alloc(&sm, &m) == 0);
    cr_assert(vb_model_alloc(&p, 6) == 0 && vb_step_scratch_alloc(&sp, &p) == 0);
    vb_model_init_params(&m, 3);
    vb_model_init_params(&p, 3);
    float images[6 * 64];
    int32_t a[6] = {0, 1, 2, 0, 1, 2}, b[6] = {2, 2, 1, 1, 0, 0};
    for (int i = 0; i < 6 * 64; i++) images[i] = vb_uniform(5, (uint64_t)i);
    vb_loaded_backend *ref = vb_backend_load("reference", 1, err, sizeof err);
    cr_assert_not_null(ref, "%s", err);
    vb_run r = {.backend = ref, .params = &m.params, .training = 0};
    const float *logits;
    double la, lb, mixed, plain;
    cr_assert_eq(vb_eval_loss(&m, &r, &sm, images, a, 0.1f, &logits, &la), 0, "%s", r.err);
    cr_assert_eq(vb_eval_loss(&m, &r, &sm, images, b, 0.1f, &logits, &lb), 0, "%s", r.err);
    vb_adam_desc adam = {.lr = 1e-2f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-7f,
                         .step = 1, .eps_mode = VB_EPS_KERAS};
    vb_step_opts mix = {.labels_b = b, .lambda = 0.3f};
    cr_assert_eq(vb_train_step_opts(&m, &r, &sm, images, a, 0.1f, adam, &mix, &mixed), 0);
    cr_assert_float_eq(mixed, 0.3 * la + 0.7 * lb, 1e-6);

    vb_model_init_params(&m, 3);
    memset(sm.adam_m, 0, m.params.total * sizeof(float));
    memset(sm.adam_v, 0, m.params.total * sizeof(float));
    mix.labels_b = a;
    cr_assert_eq(vb_train_step_opts(&m, &r, &sm, images, a, 0.1f, adam, &mix, &mixed), 0);
    r.params = &p.params;
    cr_assert_eq(vb_train_step(&p, &r, &sp, images, a, 0.1f, adam, &plain), 0);
    cr_assert_float_eq(mixed, plain, 1e-6);
    /* Compare the gradients the steps left (Adam's first step is ±lr wherever g ≠ 0, so
     * rounding-level differences of tiny gradients would show in the parameters). */
    float gmax = 0;
    for (size_t i = 0; i < p.params.total; i++) gmax = fmaxf(gmax, fabsf(p.params.grad[i]));
    for (size_t i = 0; i < m.params.total; i++)
        cr_assert_float_eq(m.params.grad[i], p.params.grad[i], 1e-5f * gmax, "gradient %zu", i);
    vb_backend_unload(ref);
    vb_step_scratch_free(&sm);
    vb_step_scratch_free(&sp);
    vb_model_free(&m);
    vb_model_free(&p);
}

/* A frozen position table (seeds 000/001's Keras CCT) keeps its values through a step with
 * decoupled weight decay, gets no gradient, and leaves the optimizer's moments at zero;
 * every other tensor moves. The same step moves a learnable table. */
static int table_moves(const char *kind)
{
    char text[1024];
    const char *at = strstr(TINY_MODEL, "kind = learnable");
    snprintf(text, sizeof text, "%.*skind = %s%s", (int)(at - TINY_MODEL), TINY_MODEL, kind,
             at + strlen("kind = learnable"));
    vb_model m;
    vb_step_scratch s;
    cr_assert_eq(vb_model_parse(&m, "tiny.cfg", text, err, sizeof err), 0, "%s", err);
    cr_assert(vb_model_alloc(&m, 6) == 0 && vb_step_scratch_alloc(&s, &m) == 0);
    vb_model_init_params(&m, 3);
    int table = vb_param_block_find(&m.params, "posemb.0.table");
    cr_assert_geq(table, 0);
    float *before = malloc(m.params.total * sizeof(float));
    memcpy(before, m.params.data, m.params.total * sizeof(float));
    float images[6 * 64];
    int32_t labels[6] = {0, 1, 2, 0, 1, 2};
    for (int i = 0; i < 6 * 64; i++) images[i] = vb_uniform(5, (uint64_t)i);
    vb_loaded_backend *ref = vb_backend_load("reference", 1, err, sizeof err);
    cr_assert_not_null(ref, "%s", err);
    vb_run r = {.backend = ref, .params = &m.params};
    vb_adam_desc adam = {.lr = 1e-2f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-7f,
                         .step = 1, .weight_decay = 0.1f, .decay_mode = VB_DECAY_DECOUPLED,
                         .eps_mode = VB_EPS_KERAS};
    double loss;
    cr_assert_eq(vb_train_step(&m, &r, &s, images, labels, 0.1f, adam, &loss), 0, "%s", r.err);
    int moved = -1;
    for (int i = 0; i < m.params.count; i++) {
        const vb_param *p = &m.params.params[i];
        int changed = memcmp(before + p->offset, m.params.data + p->offset,
                             p->numel * sizeof(float)) != 0;
        if (i == table) {
            moved = changed;
            continue;
        }
        cr_expect(changed, "%s (%s table): %s did not move", kind, kind, p->name);
    }
    if (m.params.params[table].frozen)
        for (size_t j = 0; j < m.params.params[table].numel; j++) {
            size_t k = m.params.params[table].offset + j;
            cr_expect(m.params.grad[k] == 0 && s.adam_m[k] == 0 && s.adam_v[k] == 0,
                      "frozen table, element %zu: gradient or moments", j);
        }
    free(before);
    vb_backend_unload(ref);
    vb_step_scratch_free(&s);
    vb_model_free(&m);
    return moved;
}

Test(step, frozen_parameters_keep_their_values)
{
    cr_expect_eq(table_moves("frozen"), 0);
    cr_expect_eq(table_moves("learnable"), 1);
}

/* ---- checkpoints -------------------------------------------------------------------- */

Test(checkpoint, round_trip_and_refusal)
{
    char dir[64], path[128];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/checkpoint.safetensors", dir);
    vb_model a, b;
    vb_step_scratch sa, sb;
    tiny_model(&a);
    tiny_model(&b);
    cr_assert(vb_model_alloc(&a, 4) == 0 && vb_step_scratch_alloc(&sa, &a) == 0);
    cr_assert(vb_model_alloc(&b, 4) == 0 && vb_step_scratch_alloc(&sb, &b) == 0);
    size_t n = a.params.total;
    float *best_a = vb_alloc(n * sizeof(float)), *best_b = vb_alloc(n * sizeof(float));
    vb_model_init_params(&a, 1);
    for (int i = 0; i < a.params.count; i++) {
        const vb_param *p = &a.params.params[i];
        for (size_t j = p->offset; j < p->offset + p->numel; j++) {
            sa.adam_m[j] = vb_uniform(2, j);
            sa.adam_v[j] = vb_uniform(3, j);
            best_a[j] = vb_uniform(4, j);
        }
    }
    vb_ckpt_identity id = {.model = "tiny", .recipe = "r", .recipe_text = "[recipe]\n",
                           .recipe_hash = 42, .seed = 7, .dataset = 0xabc,
                           .train_images = 75, .epochs = 3, .steps_per_epoch = 5};
    vb_ckpt_state st = {.epoch = 2, .step = 10, .best_epoch = 1, .best_val_acc = 0.5,
                        .seconds = 3.25}, back;
    cr_assert_eq(vb_checkpoint_save(path, &a, &sa, best_a, &id, &st, err, sizeof err), 0,
                 "%s", err);
    cr_assert_eq(vb_checkpoint_load(path, &b, &sb, best_b, &id, &back, err, sizeof err), 0,
                 "%s", err);
    cr_assert(memcmp(&st, &back, sizeof st) == 0);
    cr_assert(memcmp(a.params.data, b.params.data, n * sizeof(float)) == 0);
    cr_assert(memcmp(sa.adam_m, sb.adam_m, n * sizeof(float)) == 0);
    cr_assert(memcmp(sa.adam_v, sb.adam_v, n * sizeof(float)) == 0);
    cr_assert(memcmp(best_a, best_b, n * sizeof(float)) == 0);

    vb_ckpt_identity other = id;
    other.recipe_hash = 43;
    cr_assert_eq(vb_checkpoint_load(path, &b, &sb, best_b, &other, &back, err, sizeof err), -1);
    cr_assert(strstr(err, path) && strstr(err, "resolved recipe"), "%s", err);
    other = id;
    other.model = "big";
    cr_assert_eq(vb_checkpoint_load(path, &b, &sb, best_b, &other, &back, err, sizeof err), -1);
    cr_assert(strstr(err, "model is 'tiny', this run's is 'big'"), "%s", err);
    cr_assert_null(strchr(err, '\n'));

    /* One written before checkpoints kept their resolved recipe: its hash came from a
     * hand-kept field list that nothing computes any more, so it is refused, saying so. */
    vb_st_writer w;
    vb_st_writer_init(&w);
    cr_assert(!vb_st_writer_meta(&w, "format", VB_CHECKPOINT_FORMAT) &&
              !vb_st_writer_meta(&w, "model", "tiny") && !vb_st_writer_meta(&w, "recipe", "r") &&
              !vb_st_writer_meta(&w, "recipe_hash", "000000000000002a"));
    cr_assert_eq(vb_st_writer_write(&w, path, err, sizeof err), 0, "%s", err);
    vb_st_writer_free(&w);
    cr_assert_eq(vb_checkpoint_load(path, &b, &sb, best_b, &id, &back, err, sizeof err), -1);
    cr_assert(strstr(err, "cannot resume: the checkpoint keeps no resolved recipe"), "%s", err);

    vb_free(best_a);
    vb_free(best_b);
    vb_step_scratch_free(&sa);
    vb_step_scratch_free(&sb);
    vb_model_free(&a);
    vb_model_free(&b);
}

/* A checkpoint holding what no run writes — a state outside the run's plan, a non-finite
 * value, a negative second moment — is refused on load, naming the file and the field,
 * before anything of the run is touched. */
Test(checkpoint, refuses_values_no_run_writes)
{
    char dir[64], path[128];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/checkpoint.safetensors", dir);
    vb_model m;
    vb_step_scratch s;
    tiny_model(&m);
    cr_assert(vb_model_alloc(&m, 4) == 0 && vb_step_scratch_alloc(&s, &m) == 0);
    vb_model_init_params(&m, 1);
    vb_ckpt_identity id = {.model = "tiny", .recipe = "r", .recipe_text = "[recipe]\n",
                           .seed = 7, .epochs = 30, .steps_per_epoch = 5};
    const vb_ckpt_state good = {.epoch = 2, .step = 10, .best_epoch = 1, .best_val_acc = 0.5};
    const struct { const char *field; vb_ckpt_state st; } states[] = {
        {"'epoch' is -5", {.epoch = -5, .step = 10}},
        {"'epoch' is 1099511627777", {.epoch = (1ll << 40) + 1, .step = 10}},
        {"'step' is 1000000000000", {.epoch = 2, .step = 1000000000000ll}},
        {"'best_epoch' is 3", {.epoch = 2, .step = 10, .best_epoch = 3}},
        {"'best_val_acc' is nan", {.epoch = 2, .step = 10, .best_val_acc = NAN}},
        {"'seconds' is -1", {.epoch = 2, .step = 10, .best_val_acc = 0.5, .seconds = -1}},
    };
    vb_ckpt_state back;
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        cr_assert_eq(vb_checkpoint_save(path, &m, &s, NULL, &id, &states[i].st, err,
                                        sizeof err), 0, "%s", err);
        cr_expect_eq(vb_checkpoint_load(path, &m, &s, NULL, &id, &back, err, sizeof err), -1,
                     "%s was accepted", states[i].field);
        cr_expect(strstr(err, path) && strstr(err, states[i].field), "%s", err);
    }
    /* Values: a NaN weight, a negative Adam v. */
    const struct { float *block; float value; const char *tensor; } values[] = {
        {m.params.data, NAN, "'param."}, {s.adam_v, -1.0f, "'adam_v."}};
    for (size_t i = 0; i < 2; i++) {
        float kept = values[i].block[3];
        values[i].block[3] = values[i].value;
        cr_assert_eq(vb_checkpoint_save(path, &m, &s, NULL, &id, &good, err, sizeof err), 0);
        values[i].block[3] = kept;
        cr_expect_eq(vb_checkpoint_load(path, &m, &s, NULL, &id, &back, err, sizeof err), -1);
        cr_expect(strstr(err, values[i].tensor) && strstr(err, "at index 3"), "%s", err);
    }
    cr_assert_eq(vb_checkpoint_save(path, &m, &s, NULL, &id, &good, err, sizeof err), 0);
    cr_expect_eq(vb_checkpoint_load(path, &m, &s, NULL, &id, &back, err, sizeof err), 0, "%s",
                 err);
    /* A folder where the file should be: said so, not read as a huge file. */
    cr_expect_eq(vb_checkpoint_load(dir, &m, &s, NULL, &id, &back, err, sizeof err), -1);
    cr_expect(strstr(err, "not a regular file (a folder)"), "%s", err);
    vb_step_scratch_free(&s);
    vb_model_free(&m);
}

/* m's parameters equal `want` (a block of m's layout), padding between them aside. */
static int params_are(const vb_model *m, const float *want)
{
    for (int i = 0; i < m->params.count; i++) {
        const vb_param *p = &m->params.params[i];
        if (memcmp(m->params.data + p->offset, want + p->offset, p->numel * sizeof(float)))
            return 0;
    }
    return 1;
}

/* vb_weights_load: the kept weights when the run kept some (and asked for), else the last;
 * vb_weights_info_read: what an evaluation needs to rebuild the run. */
Test(checkpoint, weights_read_back_best_or_last)
{
    char dir[64], with_best[128], without[128];
    temp_dir(dir, sizeof dir);
    snprintf(with_best, sizeof with_best, "%s/best.safetensors", dir);
    snprintf(without, sizeof without, "%s/last.safetensors", dir);
    vb_model a, b;
    vb_step_scratch sa;
    tiny_model(&a);
    tiny_model(&b);
    cr_assert(vb_model_alloc(&a, 4) == 0 && vb_step_scratch_alloc(&sa, &a) == 0);
    cr_assert(vb_model_alloc(&b, 4) == 0);
    size_t n = a.params.total;
    float *best = vb_alloc(n * sizeof(float));
    vb_model_init_params(&a, 1);
    for (size_t j = 0; j < n; j++) best[j] = a.params.data[j] + 1.0f;
    vb_ckpt_identity id = {.model = a.name, .recipe = "r", .recipe_text = "[recipe]\n",
                           .recipe_hash = 42, .seed = 7, .dataset = 0xabc,
                           .train_images = 75, .limit = 100, .epochs = 5};
    vb_ckpt_state st = {.epoch = 2, .step = 10, .best_epoch = 1, .best_val_acc = 0.5};
    cr_assert_eq(vb_checkpoint_save(with_best, &a, &sa, best, &id, &st, err, sizeof err), 0);
    cr_assert_eq(vb_checkpoint_save(without, &a, &sa, NULL, &id, &st, err, sizeof err), 0);

    vb_weights_info info;
    cr_assert_eq(vb_weights_info_read(with_best, &info, err, sizeof err), 0, "%s", err);
    cr_expect(info.checkpoint && info.has_best && info.limit == 100 && info.epochs == 5 &&
              info.seed == 7 && info.dataset == 0xabc && info.train_images == 75 &&
              info.recipe_hash == 42 && info.recipe_text && info.epoch == 2 &&
              info.best_epoch == 1);
    cr_expect_str_eq(info.model, a.name);
    cr_expect_str_eq(info.recipe, "r");
    int used_best;
    cr_assert_eq(vb_weights_load(with_best, &b, 1, &used_best, err, sizeof err), 0, "%s", err);
    cr_expect(used_best && params_are(&b, best));
    cr_assert_eq(vb_weights_load(with_best, &b, 0, &used_best, err, sizeof err), 0, "%s", err);
    cr_expect(!used_best && params_are(&b, a.params.data));
    cr_assert_eq(vb_weights_info_read(without, &info, err, sizeof err), 0, "%s", err);
    cr_expect(!info.has_best);
    cr_assert_eq(vb_weights_load(without, &b, 1, &used_best, err, sizeof err), 0, "%s", err);
    cr_expect(!used_best && params_are(&b, a.params.data));

    vb_free(best);
    vb_step_scratch_free(&sa);
    vb_model_free(&a);
    vb_model_free(&b);
}

/* ---- whole runs --------------------------------------------------------------------- */

Test(train, deterministic_and_learns)
{
    char dir[64], out1[128], out2[128], a[160], b[160];
    tiny_run t;
    tiny_setup(&t, temp_dir(dir, sizeof dir));
    snprintf(out1, sizeof out1, "%s/run1", dir);
    snprintf(out2, sizeof out2, "%s/run2", dir);
    vb_train_result r1, r2;
    cr_assert_eq(tiny_train(&t, out1, 0, &r1, NULL, NULL), 0, "%s", err);
    cr_assert_eq(tiny_train(&t, out2, 0, &r2, NULL, NULL), 0, "%s", err);
    const char *files[] = {"metrics.csv", "checkpoint.safetensors", "summary.json"};
    for (int i = 0; i < 3; i++) {
        snprintf(a, sizeof a, "%s/%s", out1, files[i]);
        snprintf(b, sizeof b, "%s/%s", out2, files[i]);
        assert_same_file(a, b);
    }
    cr_assert_eq(r1.epochs_done, 3);
    cr_assert(r1.best_epoch >= 1 && r1.best_epoch <= 3);
    cr_assert(r1.test_top1 > 0.5, "test top-1 %.3f: the tiny task is not learnt", r1.test_top1);
    cr_assert_float_eq(r1.test_top5, 1.0, 1e-12); /* 3 classes */
    size_t len;
    snprintf(a, sizeof a, "%s/metrics.csv", out1);
    char *csv = slurp(a, &len);
    cr_assert(strncmp(csv, "epoch,train_loss,train_acc,val_loss,val_acc,val_top5,lr,seconds\n"
                           "1,", 66) == 0, "%s", csv);
    int rows = 0;
    for (char *p = csv; *p; p++) rows += *p == '\n';
    cr_assert_eq(rows, 4, "%s", csv);
    free(csv);
    tiny_teardown(&t);
}

/* The child's hook: once inside epoch 2, tell the parent and wait to be killed. */
typedef struct kill_point {
    int fd;
    int64_t epoch, step;
} kill_point;

static void signal_and_wait(void *user, int64_t epoch, int64_t step)
{
    const kill_point *k = user;
    if (epoch == k->epoch && step == k->step) {
        (void)!write(k->fd, "k", 1);
        for (;;) pause();
    }
}

Test(train, resume_after_sigkill_is_bit_identical, .timeout = 60)
{
    char dir[64], whole[128], resumed[128], a[160], b[160];
    tiny_run t;
    tiny_setup(&t, temp_dir(dir, sizeof dir));
    snprintf(whole, sizeof whole, "%s/whole", dir);
    snprintf(resumed, sizeof resumed, "%s/resumed", dir);
    vb_train_result r1, r2;
    cr_assert_eq(tiny_train(&t, whole, 0, &r1, NULL, NULL), 0, "%s", err);

    /* 19 steps per epoch: kill after global step 21, the second step of epoch 2. */
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    fflush(NULL);
    pid_t child = fork();
    cr_assert_neq(child, -1);
    if (child == 0) {
        close(fds[0]);
        kill_point k = {.fd = fds[1], .epoch = 2, .step = 21};
        vb_train_result r;
        tiny_train(&t, resumed, 0, &r, signal_and_wait, &k);
        _exit(3); /* never reached: the hook waits for SIGKILL */
    }
    close(fds[1]);
    char c;
    cr_assert_eq(read(fds[0], &c, 1), 1, "the child ended before epoch 2");
    close(fds[0]);
    kill(child, SIGKILL);
    int status;
    waitpid(child, &status, 0);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    /* What the kill left: epoch 1's row and checkpoint, no summary. */
    snprintf(b, sizeof b, "%s/summary.json", resumed);
    cr_assert_neq(access(b, F_OK), 0);
    cr_assert_eq(tiny_train(&t, resumed, 1, &r2, NULL, NULL), 0, "%s", err);

    const char *files[] = {"metrics.csv", "checkpoint.safetensors", "summary.json"};
    for (int i = 0; i < 3; i++) {
        snprintf(a, sizeof a, "%s/%s", whole, files[i]);
        snprintf(b, sizeof b, "%s/%s", resumed, files[i]);
        assert_same_file(a, b);
    }
    cr_assert(r1.test_top1 == r2.test_top1 && r1.test_loss == r2.test_loss);
    tiny_teardown(&t);
}

Test(train, metrics_rows_after_the_checkpoint_are_dropped)
{
    char dir[64], path[160];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    write_file(path, "epoch,train_loss,train_acc,val_loss,val_acc,val_top5,lr,seconds\n"
                     "1,1,0,1,0,0,0.001,0.00\n2,1,0,1,0,0,0.001,0.00\n3,1,0,1");
    vb_metrics_file mf;
    cr_assert_eq(vb_metrics_open(&mf, dir, 1, err, sizeof err), 0, "%s", err);
    vb_epoch_metrics e = {.epoch = 2, .train_loss = 0.5, .lr = 1e-3};
    cr_assert_eq(vb_metrics_append(&mf, &e, err, sizeof err), 0, "%s", err);
    vb_metrics_close(&mf);
    size_t len;
    char *csv = slurp(path, &len);
    cr_assert_str_eq(csv, "epoch,train_loss,train_acc,val_loss,val_acc,val_top5,lr,seconds\n"
                          "1,1,0,1,0,0,0.001,0.00\n"
                          "2,0.500000,0.000000,0.000000,0.000000,0.000000,0.001,0.00\n");
    free(csv);
}

/* Resuming under recipe `text` (loaded as the run's recipe file) is refused, saying `want`. */
static void expect_refused_under(tiny_run *t, const char *dir, const char *out,
                                 const char *text, const char *want)
{
    vb_recipe other;
    vb_train_result r;
    cr_assert_eq(load_recipe_text(&other, dir, "tiny", text), 0, "%s", err);
    vb_recipe kept = t->recipe;
    t->recipe = other;
    t->recipe.epochs = 1;
    int rc = tiny_train(t, out, 1, &r, NULL, NULL);
    vb_recipe_free(&t->recipe);
    t->recipe = kept;
    cr_assert_eq(rc, -1, "resumed under another recipe");
    cr_assert(strstr(err, "checkpoint.safetensors: cannot resume") && strstr(err, want),
              "%s", err);
}

/* A recipe's identity is its resolved text, every key with its default written out: any key
 * that differs is refused on --resume, naming the line. So is a key a later version adds: a
 * line in the resolved text that no field of vb_recipe changes with (the hand-kept field
 * list the hash was once made from would have let it through). --epochs is checked too. */
Test(train, refuses_a_checkpoint_of_another_recipe)
{
    char dir[64], out[128];
    tiny_run t;
    tiny_setup(&t, temp_dir(dir, sizeof dir));
    snprintf(out, sizeof out, "%s/run", dir);
    vb_train_result r;
    t.recipe.epochs = 1;
    cr_assert_eq(tiny_train(&t, out, 0, &r, NULL, NULL), 0, "%s", err);
    cr_assert_eq(tiny_train(&t, out, 1, &r, NULL, NULL), 0, "the same recipe: %s", err);

    expect_refused_under(&t, dir, out, TINY_RECIPE_MAIN "[augment]\nflip = no\n",
                         "resolved recipe differs (a changed recipe file, or an option "
                         "that sets it) at its line 25: 'flip = no' here, 'flip = yes' in "
                         "the checkpoint");

    char *later = malloc(strlen(t.recipe.config) + 64), *kept = t.recipe.config;
    cr_assert_not_null(later);
    sprintf(later, "%slater_key = 1  # default\n", kept);
    t.recipe.config = later;
    cr_assert_eq(tiny_train(&t, out, 1, &r, NULL, NULL), -1, "a key added later went unseen");
    cr_assert(strstr(err, "'later_key = 1  # default' here, '(no such line)' in the "
                          "checkpoint"), "%s", err);
    t.recipe.config = kept;
    free(later);

    t.recipe.epochs = 2;
    cr_assert_eq(tiny_train(&t, out, 1, &r, NULL, NULL), -1);
    cr_assert(strstr(err, "epochs (the recipe's, or --epochs) is '1', this run's is '2'"),
              "%s", err);
    tiny_teardown(&t);
}

/* The recipe's precision is the backend's: a bf16 recipe with a backend loaded for f32 is
 * refused before anything runs (run_inputs loads them together; a library caller might
 * not). */
Test(train, refuses_a_backend_of_another_precision)
{
    char dir[64], out[128];
    tiny_run t;
    tiny_setup(&t, temp_dir(dir, sizeof dir));
    snprintf(out, sizeof out, "%s/run", dir);
    vb_train_result r;
    t.recipe.precision = VB_PRECISION_BF16;
    cr_assert_eq(tiny_train(&t, out, 0, &r, NULL, NULL), -1, "trained bf16 on an f32 context");
    cr_assert(strstr(err, "recipe tiny trains in bf16, but backend 'reference' was loaded "
                          "for f32"), "%s", err);
    tiny_teardown(&t);
}

/* A run goes on in the precision it started in: a bf16 checkpoint (onednn, on a CPU with
 * AVX512-BF16) is refused by an f32 resume, and taken by a bf16 one. */
Test(train, resume_keeps_the_precision)
{
    if (!vb_cpu_has_bf16()) cr_skip_test("this CPU has no AVX512-BF16");
    char dir[64], out[128];
    tiny_run t;
    tiny_setup(&t, temp_dir(dir, sizeof dir));
    snprintf(out, sizeof out, "%s/run", dir);
    const vb_backend_init_opts bf16 = {.struct_size = sizeof bf16, .threads = 1,
                                       .precision = VB_PRECISION_BF16};
    vb_loaded_backend *f32 = t.backend, *onednn = vb_backend_load_with("onednn", &bf16, err,
                                                                        sizeof err);
    if (!onednn) cr_skip_test("no onednn backend in this build: %s", err);
    vb_train_result r;
    t.recipe.epochs = 1;
    t.recipe.precision = VB_PRECISION_BF16;
    t.backend = onednn;
    cr_assert_eq(tiny_train(&t, out, 0, &r, NULL, NULL), 0, "%s", err);

    t.recipe.precision = VB_PRECISION_F32;
    t.backend = f32;
    cr_assert_eq(tiny_train(&t, out, 1, &r, NULL, NULL), -1, "resumed bf16 in f32");
    cr_assert(strstr(err, "the checkpoint's precision is 'bf16', this run's is 'f32'"), "%s",
              err);
    t.recipe.precision = VB_PRECISION_BF16;
    t.backend = onednn;
    cr_assert_eq(tiny_train(&t, out, 1, &r, NULL, NULL), 0, "the same precision: %s", err);
    t.backend = f32;
    vb_backend_unload(onednn);
    tiny_teardown(&t);
}

/* A model file edited under the same name, with the same parameter shapes (here the MLP's
 * activation), is another model: --resume and vb_weights_load refuse its checkpoint,
 * naming the line of the resolved description that differs. */
Test(train, refuses_a_checkpoint_of_another_model_description)
{
    char dir[64], out[128], path[160];
    tiny_run t;
    tiny_setup(&t, temp_dir(dir, sizeof dir));
    snprintf(out, sizeof out, "%s/run", dir);
    vb_train_result r;
    t.recipe.epochs = 1;
    cr_assert_eq(tiny_train(&t, out, 0, &r, NULL, NULL), 0, "%s", err);

    char edited[1024];
    const char *at = strstr(TINY_MODEL, "mlp_activation = gelu");
    cr_assert_not_null(at);
    snprintf(edited, sizeof edited, "%.*smlp_activation = relu%s", (int)(at - TINY_MODEL),
             TINY_MODEL, at + strlen("mlp_activation = gelu"));
    t.model_text = edited;
    cr_assert_eq(tiny_train(&t, out, 1, &r, NULL, NULL), -1, "resumed another model");
    cr_assert(strstr(err, "checkpoint.safetensors: cannot resume: the resolved model "
                          "description differs (a changed model description file, or an "
                          "option that sets it) at its line ") && strstr(err, "'mlp_activation = relu' here, "
                          "'mlp_activation = gelu' in the checkpoint"), "%s", err);

    vb_model m;
    int used_best;
    tiny_model_of(&m, edited);
    cr_assert_eq(vb_model_alloc(&m, 1), 0);
    snprintf(path, sizeof path, "%s/checkpoint.safetensors", out);
    cr_assert_eq(vb_weights_load(path, &m, 1, &used_best, err, sizeof err), -1);
    cr_assert(strstr(err, "cannot load its weights: the resolved model description differs"),
              "%s", err);
    vb_model_free(&m);
    tiny_teardown(&t);
}

/* A blown-up update makes the next loss non-finite: the run stops, naming the step and the
 * first non-finite value. In chunks (replicas.h) the chunks are recomputed on the model up
 * to the first that shows the value, and the message is the same. */
static void nan_loss_names_the_step_in_chunks_of(int64_t chunk)
{
    char dir[64], out[128];
    tiny_run t;
    tiny_setup(&t, temp_dir(dir, sizeof dir));
    t.chunk = chunk;
    snprintf(out, sizeof out, "%s/run", dir);
    t.recipe.adam.lr = 1e30f; /* the first update blows the parameters up */
    t.recipe.schedule = VB_SCHEDULE_CONSTANT;
    t.recipe.clip_norm = 0;
    vb_train_result r;
    cr_assert_eq(tiny_train(&t, out, 0, &r, NULL, NULL), -1);
    cr_assert(strstr(err, "step ") && strstr(err, "loss is") && strstr(err, "first non-finite"),
              "%s", err);
    tiny_teardown(&t);
}

Test(train, nan_loss_names_the_step)
{
    nan_loss_names_the_step_in_chunks_of(0);
}

Test(train, nan_loss_names_the_step_in_chunks)
{
    nan_loss_names_the_step_in_chunks_of(5);
}

/* One step of lr 1e30 leaves finite parameters that overflow the forward: validation
 * refuses the NaN logits, naming the epoch and the image, before the epoch's row is
 * written (they once ranked as hits: val_acc 1.0, "best"). */
Test(train, overflowing_weights_stop_the_validation)
{
    char dir[64], out[128], metrics[160];
    tiny_run t;
    tiny_setup(&t, temp_dir(dir, sizeof dir));
    snprintf(out, sizeof out, "%s/run", dir);
    t.recipe.adam.lr = 1e30f;
    t.recipe.schedule = VB_SCHEDULE_CONSTANT;
    t.recipe.clip_norm = 0;
    t.recipe.batch = 300; /* the whole training split: one step per epoch */
    vb_train_result r;
    cr_assert_eq(tiny_train(&t, out, 0, &r, NULL, NULL), -1);
    cr_assert(strstr(err, "epoch 1: evaluation: image ") && strstr(err, "logit"), "%s", err);
    snprintf(metrics, sizeof metrics, "%s/metrics.csv", out);
    size_t len = 0;
    char *rows = slurp(metrics, &len);
    cr_expect(rows && !strchr(strchr(rows, '\n') + 1, '\n'), "a row was written: %s", rows);
    free(rows);
    tiny_teardown(&t);
}

/* A fixed normalisation with more values than the images have channels is refused before
 * the run folder is made (the extra values were silently ignored). */
Test(train, refuses_more_normalisation_values_than_channels)
{
    char dir[64], out[128];
    tiny_run t;
    tiny_setup(&t, temp_dir(dir, sizeof dir));
    vb_recipe_free(&t.recipe);
    cr_assert_eq(load_recipe_text(&t.recipe, dir, "rgb", TINY_RECIPE_MAIN
                                  "[augment]\nnormalize = fixed\nmean = 0.5, 0.4, 0.3\n"
                                  "std = 0.2\n"),
                 0, "%s", err);
    snprintf(out, sizeof out, "%s/run", dir);
    vb_train_result r;
    cr_assert_eq(tiny_train(&t, out, 0, &r, NULL, NULL), -1);
    cr_expect_str_eq(err, "recipe rgb: [augment] mean and std give 3 values, but tiny's images "
                     "have 1 channel");
    struct stat st;
    cr_expect_neq(stat(out, &st), 0, "the run folder was made");
    tiny_teardown(&t);
}

/* A run that cannot fit is refused before it allocates, with the estimate, what is
 * available and a batch that would fit; one that fits (or an unknown budget) is not. */
Test(train, refuses_a_run_that_cannot_fit_in_memory)
{
    const unsigned long long gib = 1ull << 30;
    vb_model huge, cct;
    cr_assert_eq(vb_model_load(&huge, VB_SRCDIR "/suites/models/vit_huge.cfg", err, sizeof err),
                 0, "%s", err);
    cr_assert_eq(vb_model_load(&cct, VB_SRCDIR "/suites/models/keras_cct.cfg", err, sizeof err),
                 0, "%s", err);
    vb_recipe at400 = {.batch = 400, .keep_best = 1}, at128 = {.batch = 128, .keep_best = 1};
    cr_expect_eq(vb_train_check_memory(&huge, &at400, 24 * gib, err, sizeof err), -1);
    cr_expect_not_null(strstr(err, "vit_huge with batch 400 needs about"), "%s", err);
    cr_expect_not_null(strstr(err, "24.0 GiB is available"), "%s", err);
    cr_expect_not_null(strstr(err, "lower the recipe's batch"), "%s", err);
    cr_expect_null(strchr(err, '\n'), "%s", err);
    cr_expect_eq(vb_train_check_memory(&cct, &at128, 24 * gib, err, sizeof err), 0, "%s", err);
    cr_expect_eq(vb_train_check_memory(&huge, &at400, 0, err, sizeof err), 0,
                 "an unknown budget must not refuse");
    /* Steps outside a run (vbmodel step, bench): the same estimate, less the kept weights,
     * and the line names --batch. */
    cr_expect_eq(vb_steps_check_memory(&huge, 400, 0, 0, 24 * gib, err, sizeof err), -1);
    cr_expect_not_null(strstr(err, "vit_huge with batch 400 needs about"), "%s", err);
    cr_expect_not_null(strstr(err, "lower --batch (about "), "%s", err);
    cr_expect_null(strchr(err, '\n'), "%s", err);
    cr_expect_eq(vb_steps_check_memory(&cct, 128, 2, 32, 24 * gib, err, sizeof err), 0, "%s",
                 err);
    /* The estimate is at least parameters + gradients + two Adam moments + best weights. */
    cr_expect_geq(vb_train_bytes(&huge, &at400), 5 * huge.params.total * sizeof(float));
    /* A batch beyond any recipe's saturates the estimate rather than wrapping it. */
    vb_recipe wrapping = {.batch = (int64_t)1 << 62};
    cr_expect_eq(vb_train_bytes(&cct, &wrapping), SIZE_MAX);
    vb_model_free(&huge);
    vb_model_free(&cct);
}

/* A disk too full for the run's checkpoints is refused before the first step, naming the
 * folder, with what is free and what is needed (VITBENCH_FREE_BYTES plays the full disk),
 * and nothing that looks like a result is left behind. */
Test(train, refuses_a_disk_too_full_before_training)
{
    char dir[64], out[128], path[256];
    tiny_run t;
    tiny_setup(&t, temp_dir(dir, sizeof dir));
    snprintf(out, sizeof out, "%s/run", dir);
    setenv("VITBENCH_FREE_BYTES", "4096", 1);
    vb_train_result r;
    int rc = tiny_train(&t, out, 0, &r, NULL, NULL);
    unsetenv("VITBENCH_FREE_BYTES");
    cr_assert_eq(rc, -1);
    cr_expect_not_null(strstr(err, out), "%s", err);
    cr_expect_not_null(strstr(err, "MiB free, the run needs about"), "%s", err);
    cr_expect_null(strchr(err, '\n'), "%s", err);
    snprintf(path, sizeof path, "%s/summary.json", out);
    cr_expect_neq(access(path, F_OK), 0, "a summary was written");
    snprintf(path, sizeof path, "%s/checkpoint.safetensors", out);
    cr_expect_neq(access(path, F_OK), 0, "a checkpoint was written");
    cr_expect_eq(tiny_train(&t, out, 0, &r, NULL, NULL), 0, "with room it runs: %s", err);
    tiny_teardown(&t);
}

/* Counts the steps a run took (vb_train_opts.on_step). */
static void count_step(void *user, int64_t epoch, int64_t step)
{
    (void)epoch, (void)step;
    ++*(int64_t *)user;
}

/* A step log that cannot be written (/dev/full plays the full disk) stops the run with one
 * line naming it and the reason, before that epoch's checkpoint, and the folder resumes
 * like any unfinished run. At the recipe's batch an epoch's 19 rows wait in the buffer,
 * so the epoch's flush fails; at batch 1 its 300 rows fill the buffer mid-epoch, and the
 * row whose write fails stops the run at its step. */
Test(train, a_step_log_that_cannot_be_written_stops_the_run)
{
    static const char full[] = "/dev/full: cannot write the step log: No space left on device";
    char dir[64], out[128], path[256], steps[160];
    tiny_run t;
    tiny_setup(&t, temp_dir(dir, sizeof dir));
    snprintf(out, sizeof out, "%s/run", dir);
    t.recipe.epochs = 2;
    t.step_log = "/dev/full";
    vb_train_result r;
    int64_t taken = 0;
    cr_assert_eq(tiny_train(&t, out, 0, &r, count_step, &taken), -1);
    cr_expect_str_eq(err, full);
    cr_expect_eq(taken, 19, "stopped after %lld steps, not at epoch 1's end", (long long)taken);
    snprintf(path, sizeof path, "%s/checkpoint.safetensors", out);
    cr_expect_neq(access(path, F_OK), 0, "epoch 1 was checkpointed without its rows");
    snprintf(path, sizeof path, "%s/summary.json", out);
    cr_expect_neq(access(path, F_OK), 0, "a summary was written");

    snprintf(steps, sizeof steps, "%s/steps.csv", dir);
    t.step_log = steps;
    cr_assert_eq(tiny_train(&t, out, 1, &r, NULL, NULL), 0, "resuming: %s", err);
    cr_expect_eq(r.epochs_done, 2);
    size_t len;
    char *log = slurp(steps, &len);
    int rows = 0;
    for (char *p = log; *p; p++) rows += *p == '\n';
    cr_expect_eq(rows, 38, "%s", log);
    free(log);

    snprintf(out, sizeof out, "%s/rows", dir);
    t.recipe.batch = 1;
    t.step_log = "/dev/full";
    taken = 0;
    cr_assert_eq(tiny_train(&t, out, 0, &r, count_step, &taken), -1);
    cr_expect_str_eq(err, full);
    cr_expect(taken > 0 && taken < 300, "stopped after %lld steps, not at the failed row",
              (long long)taken);
    tiny_teardown(&t);
}

/* ---- run folders (claim.h) ---------------------------------------------------------- */

/* A finished 1-epoch tiny run in a fresh temporary folder's "run", named in out. */
static void finished_run(tiny_run *t, char *out, size_t out_len)
{
    char dir[64];
    tiny_setup(t, temp_dir(dir, sizeof dir));
    snprintf(out, out_len, "%s/run", dir);
    t->recipe.epochs = 1;
    vb_train_result r;
    cr_assert_eq(tiny_train(t, out, 0, &r, NULL, NULL), 0, "%s", err);
}

/* A folder that holds a run, finished or not, is not started over without --resume:
 * the run is refused and every file it holds keeps its bytes. */
Test(train, refuses_a_folder_holding_a_run)
{
    char out[128], path[256];
    tiny_run t;
    vb_train_result r;
    finished_run(&t, out, sizeof out);
    snprintf(path, sizeof path, "%s/checkpoint.safetensors", out);
    size_t before_len, after_len;
    char *before = slurp(path, &before_len);
    t.recipe.adam.lr *= 2; /* another run, that would write other numbers */
    cr_assert_eq(tiny_train(&t, out, 0, &r, NULL, NULL), -1);
    cr_expect(strstr(err, out) && strstr(err, "holds a finished run") &&
              strstr(err, "--resume"), "%s", err);
    char *after = slurp(path, &after_len);
    cr_expect(before_len == after_len && memcmp(before, after, before_len) == 0,
              "the checkpoint was rewritten");
    free(before);
    free(after);
    snprintf(path, sizeof path, "%s/summary.json", out);
    remove(path); /* as if killed before the end: an unfinished run, refused alike */
    cr_assert_eq(tiny_train(&t, out, 0, &r, NULL, NULL), -1);
    cr_expect(strstr(err, "holds an unfinished run"), "%s", err);
    tiny_teardown(&t);
}

/* While one process holds a run folder, another is refused, naming the holder. */
Test(train, refuses_a_folder_another_run_holds)
{
    char dir[64], out[128], holder[64];
    tiny_run t;
    tiny_setup(&t, temp_dir(dir, sizeof dir));
    snprintf(out, sizeof out, "%s/run", dir);
    vb_claim held;
    cr_assert_eq(vb_claim_folder(&held, out, err, sizeof err), 0, "%s", err);
    vb_train_result r;
    cr_assert_eq(tiny_train(&t, out, 0, &r, NULL, NULL), -1);
    snprintf(holder, sizeof holder, "in use by another run (pid %ld,", (long)getpid());
    cr_expect(strstr(err, out) && strstr(err, holder), "%s", err);
    vb_release_folder(&held);
    cr_expect_eq(tiny_train(&t, out, 0, &r, NULL, NULL), 0, "released, it runs: %s", err);
    tiny_teardown(&t);
}

/* What a writer killed mid-write leaves (NAME.tmp, NAME.tmp.PID) is removed when the
 * folder is next claimed; other files stay. */
Test(train, resume_removes_stale_temporary_files)
{
    char out[128], path[256];
    tiny_run t;
    vb_train_result r;
    finished_run(&t, out, sizeof out);
    const char *stale[] = {"checkpoint.safetensors.tmp.99999", "summary.json.tmp",
                           "metrics.csv.tmp.12"};
    const char *kept[] = {"notes.tmp.txt", "a.tmp.1x"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", out, stale[i]);
        write_file(path, "half");
    }
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", out, kept[i]);
        write_file(path, "mine");
    }
    cr_assert_eq(tiny_train(&t, out, 1, &r, NULL, NULL), 0, "%s", err);
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", out, stale[i]);
        cr_expect_neq(access(path, F_OK), 0, "%s is still there", stale[i]);
    }
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", out, kept[i]);
        cr_expect_eq(access(path, F_OK), 0, "%s was removed", kept[i]);
    }
    snprintf(path, sizeof path, "%s/.lock", out);
    cr_expect_neq(access(path, F_OK), 0, "the lock file outlived the run");
    tiny_teardown(&t);
}

/* A run folder with a path longer than any fixed buffer the writers once had (1,200+
 * bytes) is written where it was asked; one whose name the system refuses gets a message
 * that still says why. */
Test(train, long_paths_are_written_whole_or_refused_with_the_reason)
{
    char dir[64], out[2048], component[241], path[2200];
    tiny_run t;
    tiny_setup(&t, temp_dir(dir, sizeof dir));
    memset(component, 'd', 240);
    component[240] = '\0';
    int n = snprintf(out, sizeof out, "%s", dir);
    for (int i = 0; i < 5; i++) n += snprintf(out + n, sizeof out - (size_t)n, "/%s", component);
    cr_assert_gt(n, 1200);
    t.recipe.epochs = 1;
    vb_train_result r;
    cr_assert_eq(tiny_train(&t, out, 0, &r, NULL, NULL), 0, "%s", err);
    snprintf(path, sizeof path, "%s/summary.json", out);
    cr_expect_eq(access(path, F_OK), 0, "no summary at the long path");

    char one[1200];
    memset(one, 'x', 1100);
    one[1100] = '\0';
    snprintf(out, sizeof out, "%s/%s", dir, one);
    cr_assert_eq(tiny_train(&t, out, 0, &r, NULL, NULL), -1);
    cr_expect(strstr(err, "File name too long") && strlen(err) < 400, "%s", err);
    tiny_teardown(&t);
}

/* A backward op that writes a NaN (here GELU's, in the encoder's MLP) stops the run at
 * that step, before the update, naming the layer whose backward produced it. */
static vb_gelu_bwd_op *real_gelu_bwd;

static int nan_gelu_bwd(vb_backend_ctx *ctx, const vb_eltwise_desc *d, const float *x,
                        const float *dy, float *dx)
{
    int rc = real_gelu_bwd(ctx, d, x, dy, dx);
    dx[d->n / 2] = NAN;
    return rc;
}

Test(train, nan_gradient_names_the_step_and_the_layer)
{
    char dir[64], out[128];
    tiny_run t;
    tiny_setup(&t, temp_dir(dir, sizeof dir));
    snprintf(out, sizeof out, "%s/run", dir);
    vb_loaded_backend broken = *t.backend;
    real_gelu_bwd = broken.ops.gelu_bwd;
    broken.ops.gelu_bwd = nan_gelu_bwd;
    vb_loaded_backend *healthy = t.backend;
    t.backend = &broken;
    vb_train_result r;
    int rc = tiny_train(&t, out, 0, &r, NULL, NULL);
    t.backend = healthy;
    cr_assert_eq(rc, -1);
    cr_expect_not_null(strstr(err, "step 1 (epoch 1): non-finite gradients"), "%s", err);
    cr_expect_not_null(strstr(err, "the backward of layer encoder"), "%s", err);
    cr_expect_null(strchr(err, '\n'), "%s", err);
    tiny_teardown(&t);
}
