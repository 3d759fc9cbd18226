/* Running one training cell into its folder (cell.h). */
#include "cell.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "run_folder.h"
#include "vitbench/claim.h"
#include "vitbench/files.h"

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int exists(const char *dir, const char *name)
{
    char *path = vb_path_join(dir, name);
    int yes = path && access(path, F_OK) == 0;
    free(path);
    return yes;
}

/* A folder that already holds a run is continued only when asked (--resume), and only if
 * it is a run of the same configuration: nothing an earlier run wrote is overwritten or
 * mixed with another's by accident. */
static int check_folder(const cell_plan *p, const run_facts *f, cell_outcome *out, char *err,
                        size_t err_len)
{
    int finished = exists(out->dir, "result.csv");
    int started = finished || exists(out->dir, "manifest.json") ||
                  vb_folder_state_of(out->dir) != VB_FOLDER_EMPTY;
    if (started && !p->resume) {
        snprintf(err, err_len, "%s holds a%s run: --resume %s, or remove the folder to "
                 "start over", out->dir, finished ? " finished" : "n unfinished",
                 finished ? "keeps it" : "continues it");
        return -1;
    }
    uint64_t earlier;
    if (started && run_folder_read_hash(out->dir, &earlier) == 0 && earlier != f->config_hash) {
        snprintf(err, err_len, "%s holds a run of another configuration (config_hash %016"
                 PRIx64 ", this one %016" PRIx64 "): use another --results folder or remove it",
                 out->dir, earlier, f->config_hash);
        return -1;
    }
    out->already_done = finished;
    return 0;
}

static int writer(const cell_plan *p)
{
    return !p->dist || p->dist->rank == 0;
}

/* rank 0's rc for every rank (the others did not look). */
static int rank0_says(const cell_plan *p, int rc, char *err, size_t err_len)
{
    int shared = rc;
    vb_dist_broadcast(p->dist, &shared, sizeof shared);
    if (shared && !writer(p)) snprintf(err, err_len, "rank 0 failed (see its message)");
    return shared;
}

static int train(const cell_plan *p, run_facts *f, cell_outcome *out, char *err,
                 size_t err_len)
{
    run_inputs *in = f->in;
    vb_train_opts to = {.out_dir = out->dir, .claimed = 1, .resume = p->resume,
                        .epochs = f->epochs_planned,
                        .limit = f->limit, .seed = p->seed, .progress = p->progress,
                        .fixed_threads = p->fixed_threads, .chunk = p->chunk,
                        .dist = p->dist};
    double start = now_seconds();
    int rc = writer(p) && (run_folder_write_config(out->dir, f, err, err_len) ||
                           run_folder_manifest(out->dir, f, NULL, err, err_len));
    if (rank0_says(p, rc, err, err_len) ||
        vb_train(&in->model, &in->recipe, &in->train, &in->test, in->backend, &to,
                 &out->result, err, err_len))
        return -1;
    f->wall_seconds = now_seconds() - start;
    return writer(p) && (run_folder_manifest(out->dir, f, &out->result, err, err_len) ||
                         run_folder_result(out->dir, f, &out->result, err, err_len));
}

/* The folder's tag for a precision other than f32: label.onednn-bf16.seed1, beside the
 * f32 run's label.onednn.seed1. */
static const char *precision_tag(const run_inputs *in)
{
    return in->backend->precision == VB_PRECISION_BF16 ? "-bf16" : "";
}

int cell_train(const cell_plan *p, cell_outcome *out, char *err, size_t err_len)
{
    memset(out, 0, sizeof *out);
    const char *recipe = suite_cell_recipe(p->cell, p->profile);
    run_request rq = {.model = p->cell->model, .recipe = recipe, .backend = p->backend,
                      .data = p->data, .threads = p->threads, .precision = p->precision};
    run_inputs in;
    if (run_inputs_load(&in, &rq, err, err_len)) return CELL_CANNOT_START;
    run_facts f = {.plan = p, .in = &in, .recipe = in.recipe.name};
    f.epochs_planned = p->epochs ? p->epochs
                       : p->profile->epochs ? p->profile->epochs : in.recipe.epochs;
    f.limit = p->limit ? p->limit : p->profile->limit;
    provenance_get(&f.prov);
    run_folder_hash_config(&f);
    vb_claim claim = {.fd = -1};
    int rc = writer(p) && (vb_path_printf(out->dir, sizeof out->dir, err, err_len,
                                          "%s/%s.%s%s.seed%" PRIu64, p->out_root, p->label,
                                          in.backend->name, precision_tag(&in), p->seed) ||
                           vb_claim_folder(&claim, out->dir, err, err_len) ||
                           check_folder(p, &f, out, err, err_len));
    rc = rank0_says(p, rc, err, err_len);
    vb_dist_broadcast(p->dist, &out->already_done, sizeof out->already_done);
    if (rc == 0 && !out->already_done) {
        printf("cell %s: model %s, recipe %s, data %s, backend %s x%d, seed %" PRIu64
               ", %" PRId64 " epochs%s -> %s\n",
               p->label, in.model.name, in.recipe.name, in.train.name, in.backend->name,
               in.backend->threads, p->seed, f.epochs_planned, f.limit ? " (subset)" : "",
               out->dir);
        rc = train(p, &f, out, err, err_len);
    }
    vb_release_folder(&claim);
    run_inputs_free(&in);
    return rc ? -1 : 0;
}
