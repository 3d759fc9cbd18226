/* Recipes: description files with a [recipe] and an optional [augment] section (train.h).
 *
 * Keys and their defaults (Keras' Adam where a recipe says nothing):
 *   [recipe]
 *     dataset          required: a name vb_dataset_open knows
 *     epochs, batch    required, in [1, 10^6] and [1, 2^20]
 *     optimizer        adam | adamw                               adam
 *     lr               base learning rate, > 0                   1e-3
 *     beta1, beta2     in [0, 1)                                 0.9, 0.999
 *     eps              > 0                                       1e-7
 *     eps_mode         keras (epsilon hat) | torch               keras
 *     weight_decay     ≥ 0; adamw only                           0
 *     decay            decoupled (TF-addons: p −= wd·p) |
 *                      decoupled_lr (PyTorch, Keras 3: p −= lr·wd·p)   decoupled
 *     schedule         constant | step | warmup_cosine           constant
 *     warmup_epochs    in [0, 10^6], may be fractional (warmup_cosine)   0
 *     step_epochs      in (0, 10^6] (step)                       required by step
 *     step_gamma       > 0 (step)                                0.1
 *     min_lr           in [0, lr] (warmup_cosine)                0
 *     label_smoothing  in [0, 1)                                 0
 *     val_split        in (0, 1), unless val_mode = test         0.1
 *     val_mode         keras_last | random | test                keras_last
 *     keep_best        yes/no                                    no
 *     clip_norm        global gradient norm, ≥ 0 (0 = off)       0
 *     precision        f32 | bf16 (backend.h)                    f32; only a recipe that
 *                      writes the key has it in its resolved text, so the identity of
 *                      every f32 recipe stays what it was before the key existed
 *   [augment]          every key off by default
 *     crop_pad ≥ 0, crop_scale_min in [0, 1], flip yes/no, rotation in [0, 1], zoom in [0, 1),
 *     autoaugment yes/no, randaugment_n ≥ 0, randaugment_m in [0, 30] (9),
 *     normalize rescale | adapt | fixed (rescale), mean and std (fixed only: up to four
 *     per-channel values, no more than the images have, a shorter list repeats its last
 *     value; mean in [0, 1000], std > 0), erasing in [0, 1], mixup_alpha and cutmix_alpha
 *     in [0, 1000]
 * The recipe's name is the file's base name without ".cfg". */
#include "internal.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/cfg.h"
#include "vitbench/fnv1a.h"

/* A number with a default, checked to lie in a range that `text` states. */
typedef struct range {
    double lo, hi;
    int lo_open, hi_open;
    const char *text;
} range;

static const range NONNEG = {0, 1e300, 0, 0, ">= 0"}, POSITIVE = {0, 1e300, 1, 0, "> 0"},
                   UNIT = {0, 1, 0, 0, "in [0, 1]"}, UNIT_OPEN_TOP = {0, 1, 0, 1, "in [0, 1)"},
                   EPOCHS = {0, VB_EPOCHS_MAX, 0, 0, "in [0, 1000000]"},
                   SOME_EPOCHS = {0, VB_EPOCHS_MAX, 1, 0, "in (0, 1000000]"},
                   /* augmentation: the ranges vb_augment_batch takes (augment.h) */
                   ROTATION = {0, VB_AUG_ROTATION_MAX, 0, 0, "in [0, 1] (turns)"},
                   ALPHA = {0, VB_AUG_ALPHA_MAX, 0, 0, "in [0, 1000]"},
                   MEAN = {0, VB_AUG_MEAN_MAX, 0, 0, "in [0, 1000]"};

static int in_range(double v, range rg)
{
    int below = rg.lo_open ? v <= rg.lo : v < rg.lo;
    int above = rg.hi_open ? v >= rg.hi : v > rg.hi;
    return !below && !above;
}

/* The key's value as the file writes it, for messages: what is checked is a conversion
 * of it, and "lr 0" for lr = 1e-50 would hide what was written. */
static const char *written(vb_cfg_section *s, const char *key)
{
    const char *v = vb_cfg_find(s, key);
    return v ? v : "the default";
}

static int number(vb_cfg_section *s, const char *key, double dflt, range rg, double *out,
                  char *err, size_t err_len)
{
    if (vb_cfg_float_or(s, key, dflt, out, err, err_len)) return -1;
    if (!in_range(*out, rg))
        return vb_cfg_key_error(s, key, err, err_len, "%s: expected a number %s",
                                written(s, key), rg.text);
    return 0;
}

/* v, written as text, converted to the float the training uses, and checked as that float:
 * 0.99999999999 rounds to 1 (outside [0, 1)), 1e-50 to 0 (not > 0), 1e39 beyond FLT_MAX.
 * A value other than 0 must also stay a normal float: a subnormal one is what a
 * flush-to-zero mode turns to 0, and one that underflows is 0 already. */
static int as_float(vb_cfg_section *s, const char *key, const char *text, double v, range rg,
                    float *out, char *err, size_t err_len)
{
    if (!(fabs(v) <= FLT_MAX))
        return vb_cfg_key_error(s, key, err, err_len, "%s does not fit a float (at most %g)",
                                text, (double)FLT_MAX);
    float f = (float)v;
    if (v != 0 && fabs(f) < FLT_MIN)
        return vb_cfg_key_error(s, key, err, err_len,
                                "%s is below the smallest normal float (%g)", text,
                                (double)FLT_MIN);
    if (!in_range(f, rg))
        return vb_cfg_key_error(s, key, err, err_len, "%s is %.9g as a float: expected a "
                                "number %s", text, (double)f, rg.text);
    *out = f;
    return 0;
}

static int number_f(vb_cfg_section *s, const char *key, double dflt, range rg, float *out,
                    char *err, size_t err_len)
{
    double v;
    if (number(s, key, dflt, rg, &v, err, err_len)) return -1;
    return as_float(s, key, written(s, key), v, rg, out, err, err_len);
}

static int required_count(vb_cfg_section *s, const char *key, int64_t hi, int64_t *out,
                          char *err, size_t err_len)
{
    if (!vb_cfg_find(s, key)) return vb_cfg_error(s, err, err_len, "missing key '%s'", key);
    return vb_cfg_int_in(s, key, 1, hi, out, err, err_len);
}

/* ---- [recipe] ----------------------------------------------------------------------- */

static int read_optimizer(vb_cfg_section *s, vb_recipe *r, char *err, size_t err_len)
{
    static const char *const optimizers[] = {"adam", "adamw", NULL};
    static const char *const eps_modes[] = {"torch", "keras", NULL};
    static const char *const decays[] = {"decoupled", "decoupled_lr", NULL};
    int opt, eps_mode, decay;
    vb_adam_desc *a = &r->adam;
    if (vb_cfg_enum_or(s, "optimizer", optimizers, 0, &opt, err, err_len) ||
        number_f(s, "lr", 1e-3, POSITIVE, &a->lr, err, err_len) ||
        number_f(s, "beta1", 0.9, UNIT_OPEN_TOP, &a->beta1, err, err_len) ||
        number_f(s, "beta2", 0.999, UNIT_OPEN_TOP, &a->beta2, err, err_len) ||
        number_f(s, "eps", 1e-7, POSITIVE, &a->eps, err, err_len) ||
        vb_cfg_enum_or(s, "eps_mode", eps_modes, VB_EPS_KERAS, &eps_mode, err, err_len) ||
        number_f(s, "weight_decay", 0, NONNEG, &a->weight_decay, err, err_len) ||
        vb_cfg_enum_or(s, "decay", decays, 0, &decay, err, err_len))
        return -1;
    if (opt == 0 && a->weight_decay > 0)
        return vb_cfg_key_error(s, "weight_decay", err, err_len,
                         "plain adam has no weight decay: use optimizer = adamw");
    a->eps_mode = (vb_eps_mode)eps_mode;
    a->decay_mode = opt == 0 ? VB_DECAY_NONE
                             : (decay == 0 ? VB_DECAY_DECOUPLED : VB_DECAY_DECOUPLED_LR);
    return 0;
}

static int read_schedule(vb_cfg_section *s, vb_recipe *r, char *err, size_t err_len)
{
    static const char *const schedules[] = {"constant", "step", "warmup_cosine", NULL};
    int sched;
    if (vb_cfg_enum_or(s, "schedule", schedules, 0, &sched, err, err_len)) return -1;
    if (sched == VB_SCHEDULE_STEP && !vb_cfg_find(s, "step_epochs"))
        return vb_cfg_error(s, err, err_len, "missing key 'step_epochs' (schedule = step)");
    if (number(s, "warmup_epochs", 0, EPOCHS, &r->warmup_epochs, err, err_len) ||
        number(s, "step_epochs", 1, SOME_EPOCHS, &r->step_epochs, err, err_len) ||
        number(s, "step_gamma", 0.1, POSITIVE, &r->step_gamma, err, err_len) ||
        number(s, "min_lr", 0, NONNEG, &r->min_lr, err, err_len))
        return -1;
    r->schedule = (vb_schedule)sched;
    if (r->min_lr > r->adam.lr)
        return vb_cfg_key_error(s, "min_lr", err, err_len, "%g is above lr %g", r->min_lr,
                         (double)r->adam.lr);
    return 0;
}

static int read_split(vb_cfg_section *s, vb_recipe *r, char *err, size_t err_len)
{
    static const char *const modes[] = {"keras_last", "random", "test", NULL};
    int mode;
    if (vb_cfg_enum_or(s, "val_mode", modes, 0, &mode, err, err_len) ||
        number(s, "val_split", 0.1, UNIT_OPEN_TOP, &r->val_split, err, err_len))
        return -1;
    r->val_mode = (vb_val_mode)mode;
    if (mode != VB_VAL_TEST && r->val_split <= 0)
        return vb_cfg_key_error(s, "val_split", err, err_len,
                         "must be above 0 (or validate on the test set: val_mode = test)");
    return 0;
}

/* The optional precision key, read without recording a default (see the list above). */
static int read_precision(vb_cfg_section *s, vb_recipe *r, char *err, size_t err_len)
{
    const char *v = vb_cfg_find(s, "precision");
    r->precision = VB_PRECISION_F32;
    if (!v || strcmp(v, "f32") == 0) return 0;
    if (strcmp(v, "bf16") == 0) {
        r->precision = VB_PRECISION_BF16;
        return 0;
    }
    return vb_cfg_key_error(s, "precision", err, err_len, "expected f32 or bf16, got '%s'", v);
}

static int read_recipe(vb_cfg_section *s, vb_recipe *r, char *err, size_t err_len)
{
    const char *dataset;
    if (vb_cfg_str(s, "dataset", &dataset, err, err_len) ||
        required_count(s, "epochs", VB_EPOCHS_MAX, &r->epochs, err, err_len) ||
        required_count(s, "batch", VB_BATCH_MAX, &r->batch, err, err_len) ||
        read_optimizer(s, r, err, err_len) || read_schedule(s, r, err, err_len) ||
        number_f(s, "label_smoothing", 0, UNIT_OPEN_TOP, &r->label_smoothing, err,
                 err_len) ||
        read_split(s, r, err, err_len) ||
        vb_cfg_bool_or(s, "keep_best", 0, &r->keep_best, err, err_len) ||
        number_f(s, "clip_norm", 0, NONNEG, &r->clip_norm, err, err_len) ||
        read_precision(s, r, err, err_len))
        return -1;
    if (strlen(dataset) >= sizeof r->dataset)
        return vb_cfg_key_error(s, "dataset", err, err_len, "name too long");
    strcpy(r->dataset, dataset);
    return 0;
}

/* ---- [augment] ---------------------------------------------------------------------- */

/* "0.49, 0.48, 0.45": 1 to 4 numbers into out[4], the last repeated to fill; *given
 * becomes the larger of itself and their number. */
static int channel_list(vb_cfg_section *s, const char *key, range rg, float out[4],
                        int *given, char *err, size_t err_len)
{
    const char *v = vb_cfg_find(s, key);
    if (!v) return vb_cfg_key_error(s, key, err, err_len, "normalize = fixed needs it");
    int n = 0;
    for (const char *p = v; *p; n++) {
        while (*p == ' ' || *p == '\t') p++;
        char *end;
        double x = strtod(p, &end);
        char item[64]; /* this element as written, for as_float's messages */
        snprintf(item, sizeof item, "%.*s", (int)(end - p), p);
        while (*end == ' ' || *end == '\t') end++;
        if (end == p || n == 4 || (*end && *end != ','))
            return vb_cfg_key_error(s, key, err, err_len,
                             "expected 1 to 4 comma-separated numbers %s, got '%s'",
                             rg.text, v);
        if (as_float(s, key, item, x, rg, &out[n], err, err_len)) return -1;
        p = *end ? end + 1 : end;
    }
    if (n == 0) return vb_cfg_key_error(s, key, err, err_len, "empty list");
    for (int i = n; i < 4; i++) out[i] = out[n - 1];
    if (n > *given) *given = n;
    return 0;
}

static int read_normalize(vb_cfg_section *s, vb_recipe *r, char *err, size_t err_len)
{
    static const char *const modes[] = {"rescale", "adapt", "fixed", NULL};
    int mode = 0;
    if (vb_cfg_enum_or(s, "normalize", modes, 0, &mode, err, err_len)) return -1;
    r->adapt_normalization = mode == 1;
    if (mode != 2) {
        if (vb_cfg_find(s, "mean") || vb_cfg_find(s, "std"))
            return vb_cfg_key_error(s, vb_cfg_find(s, "mean") ? "mean" : "std", err, err_len,
                             "only with normalize = fixed");
        return 0; /* vb_augment_none's mean 0, std 1 */
    }
    return channel_list(s, "mean", MEAN, r->augment.mean, &r->channels_given, err, err_len) ||
           channel_list(s, "std", POSITIVE, r->augment.std, &r->channels_given, err, err_len);
}

static int read_augment(vb_cfg_section *s, vb_recipe *r, char *err, size_t err_len)
{
    vb_augment *a = &r->augment;
    *a = vb_augment_none();
    int64_t n, m;
    if (vb_cfg_int_in_or(s, "crop_pad", 0, 0, 64, &a->crop_pad, err, err_len) ||
        number_f(s, "crop_scale_min", 0, UNIT, &a->crop_scale_min, err, err_len) ||
        vb_cfg_bool_or(s, "flip", 0, &a->flip, err, err_len) ||
        number_f(s, "rotation", 0, ROTATION, &a->rotation, err, err_len) ||
        number_f(s, "zoom", 0, UNIT_OPEN_TOP, &a->zoom, err, err_len) ||
        vb_cfg_bool_or(s, "autoaugment", 0, &a->autoaugment, err, err_len) ||
        vb_cfg_int_in_or(s, "randaugment_n", 0, 0, 16, &n, err, err_len) ||
        vb_cfg_int_in_or(s, "randaugment_m", 9, 0, 30, &m, err, err_len) ||
        read_normalize(s, r, err, err_len) ||
        number_f(s, "erasing", 0, UNIT, &a->erasing, err, err_len) ||
        number_f(s, "mixup_alpha", 0, ALPHA, &a->mixup_alpha, err, err_len) ||
        number_f(s, "cutmix_alpha", 0, ALPHA, &a->cutmix_alpha, err, err_len))
        return -1;
    a->randaugment_n = (int)n;
    a->randaugment_m = (int)m;
    return 0;
}

/* ---- the file ----------------------------------------------------------------------- */

static void base_name(const char *path, char *out, size_t len)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (n > 4 && strcmp(b + n - 4, ".cfg") == 0) n -= 4;
    if (n >= len) n = len - 1;
    memcpy(out, b, n);
    out[n] = '\0';
}

/* The [recipe] and [augment] sections, each at most once, and nothing else. */
static int find_sections(vb_cfg *cfg, vb_cfg_section **recipe, vb_cfg_section **augment,
                         char *err, size_t err_len)
{
    *recipe = *augment = NULL;
    for (int i = 0; i < cfg->count; i++) {
        vb_cfg_section *s = &cfg->sections[i];
        vb_cfg_section **slot = strcmp(s->name, "recipe") == 0    ? recipe
                                : strcmp(s->name, "augment") == 0 ? augment
                                                                  : NULL;
        if (!slot)
            return vb_cfg_error(s, err, err_len,
                                "unknown section (a recipe has [recipe] and [augment])");
        if (*slot) return vb_cfg_error(s, err, err_len, "section given twice");
        *slot = s;
    }
    if (!*recipe) {
        snprintf(err, err_len, "%s: no [recipe] section", cfg->file);
        return -1;
    }
    return 0;
}

int vb_recipe_load(vb_recipe *r, const char *path, char *err, size_t err_len)
{
    memset(r, 0, sizeof *r);
    vb_cfg cfg;
    if (vb_cfg_load(&cfg, path, err, err_len)) return -1;
    vb_cfg_section *recipe, *augment;
    /* An absent [augment] reads as an empty one: its defaults then show in r->config. */
    int has_augment = 0;
    for (int i = 0; i < cfg.count; i++) has_augment |= strcmp(cfg.sections[i].name, "augment") == 0;
    if (!has_augment && !vb_cfg_add_section(&cfg, "augment", 0)) {
        vb_cfg_free(&cfg);
        snprintf(err, err_len, "%s: out of memory", path);
        return -1;
    }
    int rc = find_sections(&cfg, &recipe, &augment, err, err_len) ||
             read_recipe(recipe, r, err, err_len) || read_augment(augment, r, err, err_len) ||
             vb_cfg_check_unused(&cfg, err, err_len);
    if (!rc && !(r->config = vb_cfg_resolved_text(&cfg))) {
        snprintf(err, err_len, "%s: out of memory", path);
        rc = -1;
    }
    vb_cfg_free(&cfg);
    if (rc) return -1;
    base_name(path, r->name, sizeof r->name);
    return 0;
}

void vb_recipe_free(vb_recipe *r)
{
    free(r->config);
    r->config = NULL;
}

/* ---- identity ----------------------------------------------------------------------- */

uint64_t vb_recipe_hash(const vb_recipe *r)
{
    return vb_fnv1a(VB_FNV1A_START, r->config, strlen(r->config));
}
