/* Checkpoints: everything a run needs to continue bit for bit, in one safetensors file.
 *
 * Tensors: param.NAME, adam_m.NAME, adam_v.NAME (and best.NAME with keep_best) for every
 * parameter of the block, in its shape; scalars epoch, step, best_epoch,
 * steps_at_fewer_threads (I64; absent before it existed: 0) and best_val_acc, seconds
 * (F64). Metadata: format, model, model_config (the resolved model
 * description), recipe, recipe_hash (of recipe_config, the resolved recipe text, kept too),
 * epochs, seed, dataset, train_images, precision (absent before bf16: f32) —
 * the identity a resumed run must share — and limit, which an evaluation needs to rebuild
 * the run's split (vb_weights_load). Nothing else is needed: every random draw is a pure
 * function of (seed, epoch, step). */
#include "internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/safetensors.h"


/* The parameter block's buffers a checkpoint holds, by tensor-name prefix. */
typedef struct block_part {
    const char *prefix;
    float *data;
} block_part;

static int parts_of(const vb_model *m, const vb_step_scratch *s, const float *best,
                    block_part parts[4])
{
    parts[0] = (block_part){"param", m->params.data};
    parts[1] = (block_part){"adam_m", s->adam_m};
    parts[2] = (block_part){"adam_v", s->adam_v};
    parts[3] = (block_part){"best", (float *)best};
    return best ? 4 : 3;
}

/* The identity as metadata strings. */
typedef struct identity_text {
    char hash[24], seed[24], dataset[24], images[24], limit[24], epochs[24];
} identity_text;

static void identity_strings(const vb_ckpt_identity *id, identity_text *t)
{
    snprintf(t->hash, sizeof t->hash, "%016" PRIx64, id->recipe_hash);
    snprintf(t->seed, sizeof t->seed, "%" PRIu64, id->seed);
    snprintf(t->dataset, sizeof t->dataset, "%016" PRIx64, id->dataset);
    snprintf(t->images, sizeof t->images, "%" PRId64, id->train_images);
    snprintf(t->limit, sizeof t->limit, "%" PRId64, id->limit);
    snprintf(t->epochs, sizeof t->epochs, "%" PRId64, id->epochs);
}

/* ---- save --------------------------------------------------------------------------- */

static int add_block(vb_st_writer *w, const vb_param_block *pb, const block_part *part)
{
    char name[VB_PARAM_NAME_MAX + 16];
    for (int i = 0; i < pb->count; i++) {
        const vb_param *p = &pb->params[i];
        snprintf(name, sizeof name, "%s.%s", part->prefix, p->name);
        if (vb_st_writer_add(w, name, VB_ST_F32, p->ndim, p->shape, part->data + p->offset))
            return -1;
    }
    return 0;
}

static int add_state(vb_st_writer *w, const vb_ckpt_state *st)
{
    return vb_st_writer_add(w, "epoch", VB_ST_I64, 0, NULL, &st->epoch) ||
           vb_st_writer_add(w, "step", VB_ST_I64, 0, NULL, &st->step) ||
           vb_st_writer_add(w, "best_epoch", VB_ST_I64, 0, NULL, &st->best_epoch) ||
           vb_st_writer_add(w, "best_val_acc", VB_ST_F64, 0, NULL, &st->best_val_acc) ||
           vb_st_writer_add(w, "seconds", VB_ST_F64, 0, NULL, &st->seconds) ||
           vb_st_writer_add(w, "steps_at_fewer_threads", VB_ST_I64, 0, NULL,
                            &st->steps_at_fewer_threads);
}

static const char *precision_of(const vb_ckpt_identity *id)
{
    return id->precision ? id->precision : "f32";
}

static int add_identity(vb_st_writer *w, const vb_ckpt_identity *id, const identity_text *t)
{
    return vb_st_writer_meta(w, "format", VB_CHECKPOINT_FORMAT) ||
           vb_st_writer_meta(w, "model", id->model) ||
           (id->model_text && vb_st_writer_meta(w, "model_config", id->model_text)) ||
           vb_st_writer_meta(w, "recipe", id->recipe) ||
           vb_st_writer_meta(w, "recipe_hash", t->hash) ||
           vb_st_writer_meta(w, "recipe_config", id->recipe_text) ||
           vb_st_writer_meta(w, "seed", t->seed) || vb_st_writer_meta(w, "dataset", t->dataset) ||
           vb_st_writer_meta(w, "train_images", t->images) ||
           vb_st_writer_meta(w, "limit", t->limit) || vb_st_writer_meta(w, "epochs", t->epochs) ||
           vb_st_writer_meta(w, "precision", precision_of(id));
}

int vb_checkpoint_save(const char *path, const vb_model *m, const vb_step_scratch *s,
                       const float *best, const vb_ckpt_identity *id,
                       const vb_ckpt_state *st, char *err, size_t err_len)
{
    block_part parts[4];
    int n = parts_of(m, s, best, parts);
    identity_text t;
    identity_strings(id, &t);
    vb_st_writer w;
    vb_st_writer_init(&w);
    int rc = add_identity(&w, id, &t) || add_state(&w, st);
    for (int i = 0; i < n && !rc; i++) rc = add_block(&w, &m->params, &parts[i]);
    if (rc) snprintf(err, err_len, "%s: cannot assemble the checkpoint (out of memory)", path);
    else rc = vb_st_writer_write(&w, path, err, err_len);
    vb_st_writer_free(&w);
    return rc ? -1 : 0;
}

/* ---- load --------------------------------------------------------------------------- */

/* Copies line `index` (0-based) of text into out, or "(no such line)". */
static void line_of(const char *text, int index, char *out, size_t len)
{
    for (; index > 0 && text; index--) {
        text = strchr(text, '\n');
        if (text) text++;
    }
    if (!text || !*text) snprintf(out, len, "(no such line)");
    else snprintf(out, len, "%.*s", (int)strcspn(text, "\n"), text);
}

/* The first line where two resolved recipes differ (0-based), -1 if they do not. */
static int first_different_line(const char *a, const char *b)
{
    int line = 0;
    for (; *a && *a == *b; a++, b++) line += *a == '\n';
    return *a == *b ? -1 : line;
}

/* The recipe part of the identity. A checkpoint without its resolved text predates
 * identities of the text: its recipe_hash came from a hand-kept field list that nothing
 * computes any more, so it cannot be checked, and a resumed run could not be told apart
 * from one under another recipe. */
static int check_recipe(const vb_st_file *f, const char *path, const vb_ckpt_identity *id,
                        const char *hash, char *err, size_t err_len)
{
    const char *text = vb_st_meta_get(f, "recipe_config");
    const char *have = vb_st_meta_get(f, "recipe_hash");
    if (!text) {
        snprintf(err, err_len, "%s: cannot resume: the checkpoint keeps no resolved recipe "
                 "(written before a recipe's identity was the hash of that text), so its "
                 "recipe cannot be checked: finish the run with the vitbench that started it, "
                 "or start it over", path);
        return -1;
    }
    if (have && strcmp(have, hash) == 0) return 0;
    if (vb_ckpt_check_text(f, path, "recipe_config", "recipe", id->recipe_text,
                           "cannot resume", err, err_len))
        return -1;
    snprintf(err, err_len, "%s: cannot resume: the checkpoint's resolved recipe hash is "
             "'%s', this run's is '%s' (a damaged or edited checkpoint)", path,
             have ? have : "(missing)", hash);
    return -1;
}

int vb_ckpt_check_text(const vb_st_file *f, const char *path, const char *key,
                       const char *what, const char *ours, const char *action, char *err,
                       size_t err_len)
{
    const char *theirs = vb_st_meta_get(f, key);
    if (!theirs || !ours) return 0;
    int line = first_different_line(ours, theirs);
    if (line < 0) return 0;
    char here[160], there[160];
    line_of(ours, line, here, sizeof here);
    line_of(theirs, line, there, sizeof there);
    snprintf(err, err_len, "%s: %s: the resolved %s differs (a changed %s file, or an option "
             "that sets it) at its line %d: '%s' here, '%s' in the checkpoint", path, action,
             what, what, line + 1, here, there);
    return -1;
}

/* A metadata field a resumed run must match, and what to call it in a message. */
typedef struct identity_field {
    const char *key, *want, *what;
} identity_field;

/* One line for the first of n fields that differs. */
static int check_fields(const vb_st_file *f, const char *path, const identity_field *fields,
                        size_t n, char *err, size_t err_len)
{
    for (size_t i = 0; i < n; i++) {
        const char *have = vb_st_meta_get(f, fields[i].key);
        if (!have || strcmp(have, fields[i].want) != 0) {
            snprintf(err, err_len,
                     "%s: cannot resume: the checkpoint's %s is '%s', this run's is '%s'",
                     path, fields[i].what, have ? have : "(missing)", fields[i].want);
            return -1;
        }
    }
    return 0;
}

/* A run goes on in the precision it started in (a checkpoint without the field is f32). */
static int check_precision(const vb_st_file *f, const char *path, const vb_ckpt_identity *id,
                           char *err, size_t err_len)
{
    const char *have = vb_st_meta_get(f, "precision");
    if (!have) have = "f32";
    if (strcmp(have, precision_of(id)) == 0) return 0;
    snprintf(err, err_len, "%s: cannot resume: the checkpoint's precision is '%s', this run's "
             "is '%s' (the recipe's precision key, or --precision)", path, have,
             precision_of(id));
    return -1;
}

/* What it is and what it runs: the file, model and recipe first, then the run's settings
 * and data. */
static int check_identity(const vb_st_file *f, const char *path, const vb_ckpt_identity *id,
                          char *err, size_t err_len)
{
    identity_text t;
    identity_strings(id, &t);
    const identity_field what[] = {
        {"format", VB_CHECKPOINT_FORMAT, "format"},
        {"model", id->model, "model"},
        {"recipe", id->recipe, "recipe"},
    };
    const identity_field how[] = {
        {"epochs", t.epochs, "epochs (the recipe's, or --epochs)"},
        {"seed", t.seed, "seed"},
        {"dataset", t.dataset, "training data (checksum)"},
        {"train_images", t.images, "number of training images (--limit or val_split)"},
    };
    /* A checkpoint without model_config predates it: its model goes by name alone. */
    if (check_fields(f, path, what, sizeof what / sizeof what[0], err, err_len) ||
        vb_ckpt_check_text(f, path, "model_config", "model description", id->model_text,
                           "cannot resume", err, err_len) ||
        check_recipe(f, path, id, t.hash, err, err_len) ||
        check_fields(f, path, how, sizeof how / sizeof how[0], err, err_len) ||
        check_precision(f, path, id, err, err_len))
        return -1;
    return 0;
}

static const vb_st_tensor *scalar(const vb_st_file *f, const char *name, vb_st_dtype dtype,
                                  const char *path, char *err, size_t err_len)
{
    const vb_st_tensor *t = vb_st_find(f, name);
    if (!t || t->dtype != dtype || t->numel != 1) {
        snprintf(err, err_len, "%s: tensor '%s': missing or not a %s scalar", path, name,
                 vb_st_dtype_name(dtype));
        return NULL;
    }
    return t;
}

static int read_state(const vb_st_file *f, const char *path, vb_ckpt_state *st, char *err,
                      size_t err_len)
{
    const vb_st_tensor *epoch, *step, *best_epoch, *best_acc, *seconds;
    if (!(epoch = scalar(f, "epoch", VB_ST_I64, path, err, err_len)) ||
        !(step = scalar(f, "step", VB_ST_I64, path, err, err_len)) ||
        !(best_epoch = scalar(f, "best_epoch", VB_ST_I64, path, err, err_len)) ||
        !(best_acc = scalar(f, "best_val_acc", VB_ST_F64, path, err, err_len)) ||
        !(seconds = scalar(f, "seconds", VB_ST_F64, path, err, err_len)))
        return -1;
    memcpy(&st->epoch, epoch->data, sizeof st->epoch);
    memcpy(&st->step, step->data, sizeof st->step);
    memcpy(&st->best_epoch, best_epoch->data, sizeof st->best_epoch);
    memcpy(&st->best_val_acc, best_acc->data, sizeof st->best_val_acc);
    memcpy(&st->seconds, seconds->data, sizeof st->seconds);
    st->steps_at_fewer_threads = 0;
    if (vb_st_find(f, "steps_at_fewer_threads")) {
        const vb_st_tensor *fewer =
            scalar(f, "steps_at_fewer_threads", VB_ST_I64, path, err, err_len);
        if (!fewer) return -1;
        memcpy(&st->steps_at_fewer_threads, fewer->data, sizeof st->steps_at_fewer_threads);
    }
    return 0;
}

/* The state a run could have saved: a checkpoint is written at the end of an epoch, after
 * that epoch's steps, with the best validation score so far (-1: none yet). */
static int check_state(const vb_ckpt_state *st, const vb_ckpt_identity *id, const char *path,
                       char *err, size_t err_len)
{
    char why[160] = "";
    if (st->epoch < 1 || st->epoch > id->epochs)
        snprintf(why, sizeof why, "'epoch' is %" PRId64 ", not in 1..%" PRId64, st->epoch,
                 id->epochs);
    else if (st->step != st->epoch * id->steps_per_epoch)
        snprintf(why, sizeof why, "'step' is %" PRId64 ", but %" PRId64 " epochs of %" PRId64
                 " steps make %" PRId64, st->step, st->epoch, id->steps_per_epoch,
                 st->epoch * id->steps_per_epoch);
    else if (st->best_epoch < 0 || st->best_epoch > st->epoch)
        snprintf(why, sizeof why, "'best_epoch' is %" PRId64 ", not in 0..%" PRId64,
                 st->best_epoch, st->epoch);
    else if (!(st->best_val_acc == -1 || (st->best_val_acc >= 0 && st->best_val_acc <= 1)))
        snprintf(why, sizeof why, "'best_val_acc' is %g, not an accuracy", st->best_val_acc);
    else if (!(st->seconds >= 0 && isfinite(st->seconds)))
        snprintf(why, sizeof why, "'seconds' is %g", st->seconds);
    else if (st->steps_at_fewer_threads < 0 || st->steps_at_fewer_threads > st->step)
        snprintf(why, sizeof why, "'steps_at_fewer_threads' is %" PRId64 ", not in 0..%" PRId64,
                 st->steps_at_fewer_threads, st->step);
    if (!why[0]) return 0;
    snprintf(err, err_len, "%s: cannot resume: %s (a damaged or edited checkpoint)", path, why);
    return -1;
}

static int same_shape(const vb_st_tensor *t, const vb_param *p)
{
    if (t->dtype != VB_ST_F32 || t->ndim != p->ndim) return 0;
    for (int d = 0; d < p->ndim; d++)
        if (t->shape[d] != p->shape[d]) return 0;
    return 1;
}

/* The first value of t that a run cannot have written: non-finite, or a negative second
 * moment (Adam's v is a mean of squares). -1 when all are fine. */
static int64_t first_bad_value(const vb_st_tensor *t, int non_negative)
{
    const float *x = (const float *)t->data;
    for (int64_t i = 0; i < t->numel; i++)
        if (!isfinite(x[i]) || (non_negative && x[i] < 0)) return i;
    return -1;
}

int vb_ckpt_read_block(const vb_st_file *f, const char *path, const vb_param_block *pb,
                       const char *prefix, float *data, char *err, size_t err_len)
{
    char name[VB_PARAM_NAME_MAX + 16];
    const int non_negative = prefix && strcmp(prefix, "adam_v") == 0;
    for (int i = 0; i < pb->count; i++) {
        const vb_param *p = &pb->params[i];
        snprintf(name, sizeof name, "%s%s%s", prefix ? prefix : "", prefix ? "." : "",
                 p->name);
        const vb_st_tensor *t = vb_st_find(f, name);
        if (!t || !same_shape(t, p)) {
            snprintf(err, err_len, "%s: tensor '%s' is %s (the model has another layout)",
                     path, name, t ? "of another shape" : "missing");
            return -1;
        }
        int64_t bad = first_bad_value(t, non_negative);
        if (bad >= 0) {
            snprintf(err, err_len, "%s: tensor '%s' holds %g at index %" PRId64 " (a damaged "
                     "or edited checkpoint)", path, name, ((const float *)t->data)[bad], bad);
            return -1;
        }
        memcpy(data + p->offset, t->data, p->numel * sizeof(float));
    }
    return 0;
}

int vb_checkpoint_load(const char *path, vb_model *m, vb_step_scratch *s, float *best,
                       const vb_ckpt_identity *id, vb_ckpt_state *st, char *err,
                       size_t err_len)
{
    vb_st_file f;
    if (vb_st_read(&f, path, err, err_len)) return -1;
    block_part parts[4];
    int n = parts_of(m, s, best, parts);
    int rc = check_identity(&f, path, id, err, err_len) ||
             read_state(&f, path, st, err, err_len) || check_state(st, id, path, err, err_len);
    for (int i = 0; i < n && !rc; i++)
        rc = vb_ckpt_read_block(&f, path, &m->params, parts[i].prefix, parts[i].data, err,
                                err_len);
    vb_st_close(&f);
    return rc ? -1 : 0;
}
