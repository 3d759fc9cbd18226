/* Reading weights back (train.h): a run's checkpoint (checkpoint.c writes it) or a plain
 * weights file (`vbmodel init`: format "vitbench-weights", tensors named as the
 * parameters), for evaluating and exporting them. */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WEIGHTS_FORMAT "vitbench-weights"

/* A metadata string, copied; -1 naming the key when it is absent. */
static int meta_text(const vb_st_file *f, const char *path, const char *key, char *out,
                     size_t len, char *err, size_t err_len)
{
    const char *v = vb_st_meta_get(f, key);
    if (!v) {
        snprintf(err, err_len, "%s: metadata '%s' missing", path, key);
        return -1;
    }
    snprintf(out, len, "%s", v);
    return 0;
}

/* A metadata number in `base`; an absent key gives 0 unless it is required. */
static int meta_number(const vb_st_file *f, const char *path, const char *key, int base,
                       int required, uint64_t *out, char *err, size_t err_len)
{
    const char *v = vb_st_meta_get(f, key);
    char *end = NULL;
    *out = 0;
    if (!v) {
        if (required) snprintf(err, err_len, "%s: metadata '%s' missing", path, key);
        return required ? -1 : 0;
    }
    *out = strtoull(v, &end, base);
    if (!*v || *end) {
        snprintf(err, err_len, "%s: metadata '%s' is '%s', not a number", path, key, v);
        return -1;
    }
    return 0;
}

/* The run's precision: "f32" or "bf16", and f32 in checkpoints older than bf16. */
static int meta_precision(const vb_st_file *f, const char *path, vb_precision *out, char *err,
                          size_t err_len)
{
    const char *v = vb_st_meta_get(f, "precision");
    *out = v && strcmp(v, "bf16") == 0 ? VB_PRECISION_BF16 : VB_PRECISION_F32;
    if (!v || strcmp(v, "f32") == 0 || *out == VB_PRECISION_BF16) return 0;
    snprintf(err, err_len, "%s: metadata 'precision' is '%s', expected f32 or bf16", path, v);
    return -1;
}

static int read_run(const vb_st_file *f, const char *path, vb_weights_info *w, char *err,
                    size_t err_len)
{
    uint64_t images, limit, epochs;
    if (meta_text(f, path, "recipe", w->recipe, sizeof w->recipe, err, err_len) ||
        meta_number(f, path, "recipe_hash", 16, 1, &w->recipe_hash, err, err_len) ||
        meta_number(f, path, "seed", 10, 1, &w->seed, err, err_len) ||
        meta_number(f, path, "dataset", 16, 1, &w->dataset, err, err_len) ||
        meta_number(f, path, "train_images", 10, 1, &images, err, err_len) ||
        /* written since evaluations need them; older checkpoints lack them */
        meta_number(f, path, "limit", 10, 0, &limit, err, err_len) ||
        meta_number(f, path, "epochs", 10, 0, &epochs, err, err_len) ||
        meta_precision(f, path, &w->precision, err, err_len))
        return -1;
    /* kept since the hash is of it: older checkpoints' hashes cannot be recomputed */
    w->recipe_text = vb_st_meta_get(f, "recipe_config") != NULL;
    w->train_images = (int64_t)images;
    w->limit = (int64_t)limit;
    w->epochs = (int64_t)epochs;
    const vb_st_tensor *epoch = vb_st_find(f, "epoch"), *best = vb_st_find(f, "best_epoch");
    if (!epoch || epoch->dtype != VB_ST_I64 || !best || best->dtype != VB_ST_I64) {
        snprintf(err, err_len, "%s: tensors 'epoch' and 'best_epoch' missing or not I64",
                 path);
        return -1;
    }
    memcpy(&w->epoch, epoch->data, sizeof w->epoch);
    memcpy(&w->best_epoch, best->data, sizeof w->best_epoch);
    return 0;
}

/* The kept weights count when the run kept any: a tensor best.* and a best epoch. */
static int has_best(const vb_st_file *f, const vb_weights_info *w)
{
    for (int i = 0; i < f->count; i++)
        if (strncmp(f->tensors[i].name, "best.", 5) == 0) return w->best_epoch > 0;
    return 0;
}

static int describe(const vb_st_file *f, const char *path, vb_weights_info *w, char *err,
                    size_t err_len)
{
    memset(w, 0, sizeof *w);
    const char *format = vb_st_meta_get(f, "format");
    w->checkpoint = format && strcmp(format, VB_CHECKPOINT_FORMAT) == 0;
    if (!format || (!w->checkpoint && strcmp(format, WEIGHTS_FORMAT) != 0)) {
        snprintf(err, err_len, "%s: not a vitbench checkpoint or weights file (format '%s')",
                 path, format ? format : "(none)");
        return -1;
    }
    if (meta_text(f, path, "model", w->model, sizeof w->model, err, err_len)) return -1;
    if (!w->checkpoint) return 0;
    if (read_run(f, path, w, err, err_len)) return -1;
    w->has_best = has_best(f, w);
    return 0;
}

int vb_weights_info_read(const char *path, vb_weights_info *info, char *err, size_t err_len)
{
    vb_st_file f;
    if (vb_st_read(&f, path, err, err_len)) return -1;
    int rc = describe(&f, path, info, err, err_len);
    vb_st_close(&f);
    return rc;
}

int vb_weights_load(const char *path, vb_model *m, int best, int *used_best, char *err,
                    size_t err_len)
{
    vb_st_file f;
    vb_weights_info w;
    if (vb_st_read(&f, path, err, err_len)) return -1;
    int rc = describe(&f, path, &w, err, err_len);
    if (!rc && strcmp(w.model, m->name) != 0) {
        snprintf(err, err_len, "%s: holds weights of model '%s', not '%s'", path, w.model,
                 m->name);
        rc = -1;
    }
    /* Same name and shapes, another description (an edited model file): refused too. */
    if (!rc)
        rc = vb_ckpt_check_text(&f, path, "model_config", "model description", m->config,
                                "cannot load its weights", err, err_len);
    *used_best = best && w.has_best;
    const char *prefix = !w.checkpoint ? NULL : *used_best ? "best" : "param";
    if (!rc)
        rc = vb_ckpt_read_block(&f, path, &m->params, prefix, m->params.data, err, err_len);
    vb_st_close(&f);
    return rc;
}

int vb_weights_check_run(const vb_weights_info *w, const char *path, const vb_recipe *r,
                         const vb_dataset *train, const vb_run_split *sp, char *err,
                         size_t err_len)
{
    if (w->dataset != train->checksum) {
        snprintf(err, err_len, "%s: the run trained on data of checksum %016" PRIx64 ", but "
                 "%s has %016" PRIx64 " (another --data?)", path, w->dataset, train->source,
                 train->checksum);
        return -1;
    }
    if (w->recipe_text && vb_recipe_hash(r) != w->recipe_hash) {
        snprintf(err, err_len, "%s: recipe %s is not the one the run resolved (changed since, "
                 "or another file)", path, r->name);
        return -1;
    }
    if (sp->fit.count != w->train_images) {
        snprintf(err, err_len, "%s: the run trained on %" PRId64 " images, this split gives "
                 "%lld (a --limit the checkpoint does not record?)", path, w->train_images,
                 (long long)sp->fit.count);
        return -1;
    }
    return 0;
}
