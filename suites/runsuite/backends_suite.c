/* The backends suite (backends_suite.h). */
#include "backends_suite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../data_dir.h"
#include "cell.h"
#include "drift.h"
#include "run_folder.h"
#include "vitbench/files.h"

#define MAX_BACKENDS 8

/* vbcheck beside this runsuite: the build tree's or the installed one. */
static const char *vbcheck_path(void)
{
    static char path[1100];
    snprintf(path, sizeof path, "%s/vbcheck", data_dir(DATA_PROGRAMS));
    return path;
}

/* vbcheck ARGS --csv OUT/NAME.csv, its output in OUT/NAME.log. 0 when everything passed. */
static int run_vbcheck(const char *out, const char *name, const char *args)
{
    char command[2048];
    snprintf(command, sizeof command, "'%s' %s --csv '%s/%s.csv' >'%s/%s.log' 2>&1",
             vbcheck_path(), args, out, name, out, name);
    printf("backends: vbcheck %s\n", args);
    int status = system(command);
    if (status != 0)
        fprintf(stderr, "runsuite: backends: vbcheck %s failed (see %s/%s.log)\n", args, out,
                name);
    return status != 0;
}

/* "naive, openblas" -> names[] and "naive,openblas" for vbcheck. */
static int split_backends(const char *list, char names[][64], char *joined, size_t len)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%s", list);
    int n = 0;
    joined[0] = '\0';
    for (char *save, *t = strtok_r(copy, ", ", &save); t && n < MAX_BACKENDS;
         t = strtok_r(NULL, ", ", &save)) {
        snprintf(names[n++], 64, "%s", t);
        size_t used = strlen(joined);
        snprintf(joined + used, len - used, "%s%s", used ? "," : "", t);
    }
    return n;
}

static int check_backends(const suite *s, const char *out, const char *joined)
{
    char args[512];
    int failed = 0;
    snprintf(args, sizeof args, "test --backend %s", joined);
    failed |= run_vbcheck(out, "conformance", args);
    for (int k = 0; k < s->thread_count; k++) {
        char name[32];
        snprintf(name, sizeof name, "perf-t%lld", (long long)s->threads[k]);
        snprintf(args, sizeof args, "perf --backend %s --op gemm --threads %lld --reps 3",
                 joined, (long long)s->threads[k]);
        failed |= run_vbcheck(out, name, args);
    }
    return failed;
}

/* One row of drift.csv: run `dir` against the reference run `ref`. */
static int drift_row(FILE *csv, const char *backend, int64_t threads, const char *dir,
                     const char *ref)
{
    char err[1024];
    drift d;
    double top1, ref_top1, speed;
    if (drift_measure(dir, ref, &d, err, sizeof err) ||
        run_folder_read_result(dir, "test_top1", &top1, err, sizeof err) ||
        run_folder_read_result(ref, "test_top1", &ref_top1, err, sizeof err) ||
        run_folder_read_result(dir, "epoch_images_per_s", &speed, err, sizeof err)) {
        fprintf(stderr, "runsuite: backends: drift: %s\n", err);
        return -1;
    }
    fprintf(csv, "%s,%lld,%.1f,%.6f,%.3e,%.3e,%.6f,%.6f\n", backend, (long long)threads, speed,
            top1, d.param_rel_l2, d.max_loss_rel_diff, d.val_acc_diff, top1 - ref_top1);
    return 0;
}

static int write_drift(const char *out, char names[][64], int nb, const suite *s,
                       char dirs[][SUITE_MAX_THREADS][VB_PATH_ROOM])
{
    char path[VB_PATH_ROOM];
    snprintf(path, sizeof path, "%s/drift.csv", out);
    FILE *csv = fopen(path, "w");
    if (!csv) {
        fprintf(stderr, "runsuite: backends: %s: cannot create: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(csv, "# reference: %s at %lld thread(s)\nbackend,threads,epoch_images_per_s,"
                 "test_top1,param_rel_l2,max_train_loss_rel_diff,final_val_acc_diff,"
                 "test_top1_diff\n",
            names[0], (long long)s->threads[0]);
    int failed = 0;
    for (int b = 0; b < nb; b++)
        for (int k = 0; k < s->thread_count; k++)
            if (dirs[b][k][0])
                failed |= drift_row(csv, names[b], s->threads[k], dirs[b][k], dirs[0][0]) != 0;
    if (vb_close_written(csv) != 0) {
        fprintf(stderr, "runsuite: backends: %s: cannot write: %s\n", path, strerror(errno));
        return -1;
    }
    printf("backends: drift against %s x%lld -> %s\n", names[0], (long long)s->threads[0],
           path);
    return failed;
}

int backends_suite_run(const suite *s, const suite_profile *p, const backends_options *o,
                       const char *out)
{
    char names[MAX_BACKENDS][64], joined[512];
    static char dirs[MAX_BACKENDS][SUITE_MAX_THREADS][VB_PATH_ROOM];
    memset(dirs, 0, sizeof dirs);
    int nb = split_backends(s->backends, names, joined, sizeof joined);
    char err[1024];
    if (vb_make_dirs(out, err, sizeof err)) {
        fprintf(stderr, "runsuite: backends: %s\n", err);
        return 1;
    }
    int failed = check_backends(s, out, joined);
    const suite_cell *cell = &s->cells[0];
    for (int b = 0; b < nb; b++) {
        for (int k = 0; k < s->thread_count; k++) {
            char label[96];
            snprintf(label, sizeof label, "%s-t%lld", cell->label, (long long)s->threads[k]);
            cell_plan plan = {.s = s, .profile = p, .cell = cell, .label = label,
                              .backend = names[b], .threads = (int)s->threads[k],
                              .fixed_threads = 1, /* its rows compare thread counts */
                              .precision = -1,
                              .seed = o->seed, .epochs = o->epochs, .limit = o->limit,
                              .data = o->data, .out_root = out, .resume = o->resume,
                              .progress = o->progress, .command = o->command,
                              .index = -1};
            cell_outcome res;
            if (cell_train(&plan, &res, err, sizeof err) != 0) {
                fprintf(stderr, "runsuite: backends/%s on %s: %s\n", label, names[b], err);
                failed = 1;
                continue;
            }
            snprintf(dirs[b][k], sizeof dirs[b][k], "%s", res.dir);
        }
    }
    if (dirs[0][0][0]) failed |= write_drift(out, names, nb, s, dirs) != 0;
    return failed;
}
