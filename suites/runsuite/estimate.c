/* Run-time estimates (estimate.h), from the images/s measured per model on the
 * reference machine (suites/suites/throughput.csv: training and inference, backend onednn,
 * 2 threads). A model without a measurement trains at ~100 GFLOP/s, what the measured
 * models sustained (105-137 in results/bench), an image costing ~3x its forward pass;
 * validation and test images one forward pass each. The naive backend runs at ~1/50 of
 * those rates. */
#include "estimate.h"

#include <stdio.h>
#include <string.h>
#include "../data_dir.h"
#include "../run_inputs.h"
#include "vitbench/count.h"

#define FAST_FLOPS_PER_SECOND 100e9
#define NAIVE_SLOWDOWN 50.0

/* Images in the training and test sets, without reading them. */
static void dataset_size(const char *name, double *train, double *test)
{
    *train = strcmp(name, "fashion_mnist") == 0 || strcmp(name, "mnist") == 0 ? 60000 : 50000;
    *test = 10000;
}

/* The measured training and inference images/s of a model: 0, or -1 without a row. */
static int measured_rates(const char *model, double *train_rate, double *infer_rate)
{
    char path[1100], line[256], name[64];
    snprintf(path, sizeof path, "%s/throughput.csv", data_dir(DATA_SUITES));
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        found = sscanf(line, "%63[^,],%lf,%lf", name, train_rate, infer_rate) == 3 &&
                strcmp(name, model) == 0;
    fclose(f);
    return found ? 0 : -1;
}

/* The model's rates, measured or from its FLOPs; -1 if its description does not load. */
static int model_rates(const char *model, double *train_rate, double *infer_rate)
{
    if (measured_rates(model, train_rate, infer_rate) == 0) return 0;
    char path[1024], err[512];
    vb_model m;
    if (run_inputs_resolve("model", model, path, sizeof path, err, sizeof err) ||
        vb_model_load(&m, path, err, sizeof err))
        return -1;
    vb_counts counts;
    vb_model_count(&m, &counts);
    vb_model_free(&m);
    *infer_rate = FAST_FLOPS_PER_SECOND / (2.0 * vb_counts_macs(&counts, VB_MACS_ATTN_MATMULS));
    *train_rate = *infer_rate / 3.0;
    return 0;
}

/* Seconds for one cell, or -1 if its model or recipe does not load. */
static double cell_seconds(const suite_cell *c, const suite_profile *p, char *dataset,
                           size_t dataset_len, int64_t *epochs)
{
    char path[1024], err[512];
    vb_recipe r;
    double train_rate, infer_rate, train, test;
    if (run_inputs_resolve("recipe", suite_cell_recipe(c, p), path, sizeof path, err,
                           sizeof err) ||
        vb_recipe_load(&r, path, err, sizeof err) ||
        model_rates(c->model, &train_rate, &infer_rate))
        return -1;
    vb_recipe_free(&r); /* its numbers are all this needs */
    dataset_size(r.dataset, &train, &test);
    if (p->limit > 0 && p->limit < train) train = (double)p->limit;
    snprintf(dataset, dataset_len, "%s", r.dataset);
    *epochs = p->epochs ? p->epochs : r.epochs;
    double val = r.val_mode == VB_VAL_TEST ? test : train * r.val_split;
    double fit = r.val_mode == VB_VAL_TEST ? train : train - val;
    return (double)*epochs * (fit / train_rate + val / infer_rate) + test / infer_rate;
}

/* The backends suite runs every cell on each listed backend: the naive one counts as
 * NAIVE_SLOWDOWN fast ones. */
static double backend_weight(const char *list)
{
    double w = 0;
    char copy[256];
    snprintf(copy, sizeof copy, "%s", list);
    for (char *save, *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
        w += strcmp(t, "naive") == 0 ? NAIVE_SLOWDOWN : 1.0;
    return w;
}

static void append(char *out, size_t len, const char *fmt, const char *a)
{
    size_t used = strlen(out);
    if (used < len) snprintf(out + used, len - used, fmt, a);
}

static void format_duration(double s, char *out, size_t len)
{
    if (s < 0) snprintf(out, len, "?");
    else if (s < 120) snprintf(out, len, "~%.0f s", s);
    else if (s < 2 * 3600) snprintf(out, len, "~%.0f min", s / 60);
    else snprintf(out, len, "~%.0f h", s / 3600);
}

void estimate_describe(const suite *s, const suite_profile *p, char *out, size_t len)
{
    out[0] = '\0';
    if (s->kind == SUITE_PARAMS) {
        snprintf(out, len, "every model with a published figure; no dataset; ~5 s");
        return;
    }
    char dataset[64] = "?", duration[32];
    int64_t epochs = 0;
    double total = 0;
    double runs = s->kind == SUITE_BACKENDS ? s->thread_count * backend_weight(s->backends) : 1;
    append(out, len, "%s", "models:");
    for (int i = 0; i < s->cell_count; i++) {
        const suite_cell *c = &s->cells[i];
        if (!suite_cell_runs_in(c, p)) continue;
        append(out, len, " %s", c->model);
        double t = cell_seconds(c, p, dataset, sizeof dataset, &epochs);
        if (t < 0 || total < 0) total = -1;
        else total += t * runs;
    }
    format_duration(total, duration, sizeof duration);
    char tail[256];
    snprintf(tail, sizeof tail, "; %s; %lld epochs%s; %s", dataset, (long long)epochs,
             p->limit ? " on a subset" : "", duration);
    append(out, len, "%s", tail);
}
