/* vbmodel eval: top-1, top-5 and loss of trained weights, as the trainer measures them.
 *
 *   vbmodel eval MODEL WEIGHTS [--data DIR] [--split test|val] [--weights best|last]
 *                [--backend NAME] [--threads T] [--precision f32|bf16] [--recipe NAME]
 *                [--logits FILE]
 *
 * WEIGHTS is a run's checkpoint.safetensors or a plain weights file (vbmodel init). A
 * checkpoint names its recipe, seed and --limit, so the split and the normalisation are
 * rebuilt exactly as the trainer made them (vb_run_split_build) and checked against the
 * run (same data, same resolved recipe, as many training images); its top-1 on the test
 * split with the best weights is summary.json's test_top1. A weights file needs --recipe
 * (its dataset and normalisation) and takes seed 1 and no limit for the val split.
 * The products compute in the checkpoint's precision (a bf16 run is evaluated in bf16, as
 * its trainer tested it) unless --precision says otherwise; a weights file in the recipe's.
 * --logits writes logits (N, classes) F32 and labels (N) I32 as safetensors, in the
 * split's order, for comparison with another framework (scripts/torch-eval.py). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/safetensors.h"
#include "vitbench/train.h"
#include "cli.h"
#include "run_inputs.h"
#include "vbmodel.h"

static const char PROGRAM[] = "vbmodel eval";

/* The command line, with its defaults. */
typedef struct eval_options {
    const char *model, *weights, *data, *backend, *recipe, *logits;
    int val, last; /* --split test|val, --weights best|last: the choices' indices */
    int precision; /* vb_precision, or -1: the checkpoint's (a weights file: the recipe's) */
    int64_t threads;
} eval_options;

static eval_options opt = {.threads = 2, .precision = -1};

static const cli_option options[] = {
    CLI_DATA(&opt.data),
    CLI_CHOICE_OPT("--split", "test|val", &opt.val,
                   "the test set, or the run's own validation split"),
    CLI_CHOICE_OPT("--weights", "best|last", &opt.last,
                   "a checkpoint's kept best weights, or its last ones"),
    CLI_STRING_OPT("--backend", "NAME", &opt.backend,
                   "the backend, by name or .so path (default: $VITBENCH_BACKEND, else the "
                   "first of the default list that loads)"),
    CLI_THREADS(&opt.threads),
    CLI_PRECISION(&opt.precision, "what the backend's products compute in (default: the "
                                  "checkpoint's, as the run trained; a weights file: the "
                                  "recipe's precision key, else f32)"),
    CLI_STRING_OPT("--recipe", "NAME", &opt.recipe,
                   "the recipe (dataset, normalisation) instead of the checkpoint's; "
                   "required for a weights file from vbmodel init"),
    CLI_STRING_OPT("--logits", "FILE", &opt.logits,
                   "write logits (N, classes) F32 and labels (N) I32 as safetensors"),
    {0}};

const cli_command vbmodel_eval_command = {
    .name = "eval",
    .summary = "top-1, top-5 and loss of trained weights (a checkpoint, or a file from "
               "vbmodel init), on the split and normalisation the trainer made",
    .args = {{"MODEL", &opt.model}, {"WEIGHTS", &opt.weights}},
    .options = options};

/* Everything an evaluation holds. */
typedef struct evaluation {
    const eval_options *o;
    vb_weights_info info;
    run_inputs in;
    vb_run_split sp;
    const vb_subset *set; /* the split evaluated */
    float *logits;        /* (set->count, classes) with --logits, else NULL */
    int used_best;
    double loss, top1, top5;
} evaluation;

/* The run's recipe, data, model and backend; the recipe from the checkpoint unless
 * --recipe names one. */
static int load_inputs(evaluation *e, char *err, size_t err_len)
{
    const eval_options *o = e->o;
    if (vb_weights_info_read(o->weights, &e->info, err, err_len)) return -1;
    const char *recipe = o->recipe ? o->recipe : e->info.checkpoint ? e->info.recipe : NULL;
    if (!recipe) {
        snprintf(err, err_len, "%s: a weights file names no recipe: give --recipe NAME "
                 "(its dataset and normalisation)", o->weights);
        return -1;
    }
    const int run_precision = e->info.checkpoint ? (int)e->info.precision : -1;
    run_request rq = {.model = o->model, .recipe = recipe, .backend = o->backend,
                      .data = o->data, .threads = (int)o->threads,
                      .precision = o->precision >= 0 ? o->precision : run_precision};
    char path[PATH_MAX];
    if (!o->recipe && run_inputs_resolve("recipe", recipe, path, sizeof path, err, err_len)) {
        /* a run trained with a recipe file from elsewhere records only its name */
        size_t n = strlen(err);
        snprintf(err + n, err_len - n, " (the checkpoint's recipe: give its file with "
                 "--recipe FILE)");
        return -1;
    }
    return run_inputs_load(&e->in, &rq, err, err_len);
}

/* The split and normalisation of the run, checked against the checkpoint; the weights. */
static int prepare(evaluation *e, char *err, size_t err_len)
{
    const vb_weights_info *w = &e->info;
    run_inputs *in = &e->in;
    if (vb_run_split_build(&e->sp, &in->recipe, &in->train, &in->test,
                           w->checkpoint ? w->limit : 0, w->checkpoint ? w->seed : 1, err,
                           err_len) ||
        (w->checkpoint &&
         vb_weights_check_run(w, e->o->weights, &in->recipe, &in->train, &e->sp, err,
                              err_len)))
        return -1;
    e->set = e->o->val ? &e->sp.val : &e->sp.test;
    if (vb_model_alloc(&in->model, in->recipe.batch) != 0 ||
        (e->o->logits && !(e->logits = vb_alloc((size_t)(e->set->count *
                                                          in->model.classes) *
                                                 sizeof(float))))) {
        snprintf(err, err_len, "%s: cannot allocate it for batch %lld", in->model.name,
                 (long long)in->recipe.batch);
        return -1;
    }
    return vb_weights_load(e->o->weights, &in->model, !e->o->last, &e->used_best, err,
                           err_len);
}

/* logits (N, classes) F32 and labels (N) I32, in the split's order. */
static int write_logits(const evaluation *e, char *err, size_t err_len)
{
    const vb_subset *s = e->set;
    int32_t *labels = malloc((size_t)(s->count > 0 ? s->count : 1) * sizeof *labels);
    if (!labels) {
        snprintf(err, err_len, "%s: out of memory", e->o->logits);
        return -1;
    }
    for (int64_t i = 0; i < s->count; i++) labels[i] = s->data->labels[s->index[i]];
    int64_t shape[2] = {s->count, e->in.model.classes};
    vb_st_writer w;
    vb_st_writer_init(&w);
    int rc = vb_st_writer_meta(&w, "format", "vitbench-logits") ||
             vb_st_writer_meta(&w, "model", e->in.model.name) ||
             vb_st_writer_meta(&w, "weights_file", e->o->weights) ||
             vb_st_writer_meta(&w, "weights", e->used_best ? "best" : "last") ||
             vb_st_writer_meta(&w, "split", e->o->val ? "val" : "test") ||
             vb_st_writer_add(&w, "logits", VB_ST_F32, 2, shape, e->logits) ||
             vb_st_writer_add(&w, "labels", VB_ST_I32, 1, shape, labels);
    if (rc) snprintf(err, err_len, "%s: out of memory", e->o->logits);
    else rc = vb_st_writer_write(&w, e->o->logits, err, err_len);
    vb_st_writer_free(&w);
    free(labels);
    return rc ? -1 : 0;
}

static void report(const evaluation *e)
{
    const vb_weights_info *w = &e->info;
    const vb_loaded_backend *b = e->in.backend;
    printf("%s: ", e->in.model.name);
    if (!w->checkpoint) printf("the weights");
    else if (e->used_best) printf("the best weights (epoch %lld)", (long long)w->best_epoch);
    else printf("the last weights (epoch %lld)", (long long)w->epoch);
    printf(" of %s, recipe %s, backend %s (%s), %d threads, %s\n", e->o->weights,
           e->in.recipe.name, b->name, b->version, b->threads,
           vb_precision_name(b->precision));
    printf("%s split: %lld images of %s\n", e->o->val ? "val" : "test",
           (long long)e->set->count, e->set->data->source);
    printf("top1 %.6f top5 %.6f loss %.6f\n", e->top1, e->top5, e->loss);
}

int vbmodel_eval(void)
{
    const eval_options *o = &opt;
    evaluation e = {.o = o};
    char err[1200];
    const vb_recipe *r = &e.in.recipe;
    int rc = load_inputs(&e, err, sizeof err) || prepare(&e, err, sizeof err) ||
             vb_evaluate_batch(&e.in.model, e.in.backend, NULL, e.set, &e.sp.aug,
                               r->label_smoothing, r->batch, e.logits, &e.loss, &e.top1,
                               &e.top5, err, sizeof err) ||
             (o->logits && write_logits(&e, err, sizeof err));
    if (rc) fprintf(stderr, "%s: %s\n", PROGRAM, err);
    else report(&e);
    vb_free(e.logits);
    vb_run_split_free(&e.sp);
    run_inputs_free(&e.in);
    return rc ? 1 : 0;
}
