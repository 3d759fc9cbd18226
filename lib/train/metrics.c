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

#define HEADER "epoch,train_loss,train_acc,val_loss,val_acc,val_top5,lr,seconds\n"

static int io_error(const char *path, const char *what, char *err, size_t err_len)
{
    snprintf(err, err_len, "%s: cannot %s: %s", path, what, strerror(errno));
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

/* Rewrites the file with only the kept rows: a new file next to it, renamed over it. */
static int cut_back(const char *path, int64_t keep_epochs, char *err, size_t err_len)
{
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *from = keep_epochs > 0 ? fopen(path, "r") : NULL;
    FILE *to = fopen(tmp, "w");
    if (!to) {
        if (from) fclose(from);
        return io_error(tmp, "create", err, err_len);
    }
    int rc = copy_kept_rows(from, to, keep_epochs) || durable(to);
    if (from) fclose(from);
    if (fclose(to) != 0) rc = -1;
    if (rc || rename(tmp, path) != 0) {
        io_error(tmp, "write", err, err_len);
        remove(tmp);
        return -1;
    }
    return 0;
}

int vb_metrics_open(vb_metrics_file *mf, const char *out_dir, int64_t keep_epochs,
                    char *err, size_t err_len)
{
    snprintf(mf->path, sizeof mf->path, "%s/metrics.csv", out_dir);
    if (cut_back(mf->path, keep_epochs, err, err_len)) return -1;
    if (!(mf->f = fopen(mf->path, "a"))) return io_error(mf->path, "open", err, err_len);
    return 0;
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
    mf->f = NULL;
}
