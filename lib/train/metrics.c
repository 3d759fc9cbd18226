/* metrics.csv: a header and one durable row per finished epoch (train.h).
 *
 * The trainer appends an epoch's row before it writes that epoch's checkpoint, so after a
 * kill the file holds at most the checkpoint's rows plus one row (or part of one) of an
 * epoch the checkpoint does not cover; resuming cuts the file back to the checkpoint. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vitbench/files.h"

#define HEADER "epoch,train_loss,train_acc,val_loss,val_acc,val_top5,lr,seconds\n"

static int io_error(const char *path, const char *what, char *err, size_t err_len)
{
    char brief[VB_PATH_BRIEF];
    snprintf(err, err_len, "%s: cannot %s: %s", vb_path_brief(path, brief), what,
             strerror(errno));
    return -1;
}

static int durable(FILE *f)
{
    return fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
}

/* Copies the header and the complete rows of epochs 1..keep_epochs from `from` (may be
 * NULL: no old file) to `to`. */
static int copy_kept_rows(FILE *from, FILE *to, int64_t keep_epochs)
{
    if (fputs(HEADER, to) == EOF) return -1;
    char line[1024];
    while (from && fgets(line, sizeof line, from)) {
        size_t n = strlen(line);
        if (n == 0 || line[n - 1] != '\n') break; /* a partial last row, or junk */
        char *end;
        long long epoch = strtoll(line, &end, 10);
        if (end == line || *end != ',') continue; /* the header */
        if (epoch < 1 || epoch > keep_epochs) break;
        if (fputs(line, to) == EOF) return -1;
    }
    return 0;
}

/* The rows a resumed run keeps: the header and epochs 1..keep, from the old file. */
typedef struct kept_rows {
    const char *path;
    int64_t keep_epochs;
} kept_rows;

static int fill_kept_rows(FILE *to, void *ctx, char *err, size_t err_len)
{
    const kept_rows *k = ctx;
    FILE *from = k->keep_epochs > 0 ? fopen(k->path, "r") : NULL;
    int rc = copy_kept_rows(from, to, k->keep_epochs);
    if (from) fclose(from);
    return rc ? io_error(k->path, "copy the kept rows", err, err_len) : 0;
}

int vb_metrics_open(vb_metrics_file *mf, const char *out_dir, int64_t keep_epochs,
                    char *err, size_t err_len)
{
    char brief[VB_PATH_BRIEF];
    if (!(mf->path = vb_path_join(out_dir, "metrics.csv"))) {
        snprintf(err, err_len, "%s: out of memory", vb_path_brief(out_dir, brief));
        return -1;
    }
    kept_rows k = {mf->path, keep_epochs};
    int rc = vb_write_atomically(mf->path, fill_kept_rows, &k, err, err_len) ||
             (!(mf->f = fopen(mf->path, "a")) && io_error(mf->path, "open", err, err_len));
    if (rc) vb_metrics_close(mf);
    return rc ? -1 : 0;
}
int vb_metrics_append(vb_metrics_file *mf, const vb_epoch_metrics *e, char *err,
                      size_t err_len)
{
    if (fprintf(mf->f, "%lld,%.6f,%.6f,%.6f,%.6f,%.6f,%.6g,%.2f\n", (long long)e->epoch,
                e->train_loss, e->train_acc, e->val_loss, e->val_acc, e->val_top5, e->lr,
                e->seconds) < 0 ||
        durable(mf->f))
        return io_error(mf->path, "append a row", err, err_len);
    return 0;
}

void vb_metrics_close(vb_metrics_file *mf)
{
    if (mf->f) fclose(mf->f);
    free(mf->path);
    *mf = (vb_metrics_file){0};
}
