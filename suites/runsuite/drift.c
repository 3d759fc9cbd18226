/* Drift between two run folders (drift.h). */
#include "drift.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "vitbench/safetensors.h"
#include "vitbench/files.h"

#define MAX_EPOCHS 4096

/* Sum over "param.*" tensors of (a−b)² and b², in double. */
static int param_distance(const vb_st_file *a, const vb_st_file *b, double *rel, char *err,
                          size_t err_len, const char *path)
{
    double diff = 0, norm = 0;
    for (int i = 0; i < a->count; i++) {
        const vb_st_tensor *ta = &a->tensors[i];
        if (strncmp(ta->name, "param.", 6) != 0) continue;
        const vb_st_tensor *tb = vb_st_find(b, ta->name);
        if (!tb || tb->numel != ta->numel || ta->dtype != VB_ST_F32 || tb->dtype != VB_ST_F32) {
            snprintf(err, err_len, "%s: tensor %s is missing from the reference's checkpoint, "
                     "or differs in size or type", path, ta->name);
            return -1;
        }
        const float *x = ta->data, *y = tb->data;
        for (int64_t k = 0; k < ta->numel; k++) {
            diff += ((double)x[k] - y[k]) * ((double)x[k] - y[k]);
            norm += (double)y[k] * y[k];
        }
    }
    *rel = norm > 0 ? sqrt(diff / norm) : 0;
    return 0;
}

/* Training loss and val accuracy per epoch from metrics.csv; returns the row count or -1. */
static int read_metrics(const char *dir, double *loss, double *val_acc, char *err,
                        size_t err_len)
{
    char path[VB_PATH_ROOM], line[512];
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, err_len, "%s: cannot open", path);
        return -1;
    }
    int n = 0;
    fgets(line, sizeof line, f); /* header: epoch,train_loss,train_acc,val_loss,val_acc,... */
    while (n < MAX_EPOCHS && fgets(line, sizeof line, f)) {
        double epoch, acc, vloss;
        if (sscanf(line, "%lf,%lf,%lf,%lf,%lf", &epoch, &loss[n], &acc, &vloss,
                   &val_acc[n]) == 5)
            n++;
    }
    fclose(f);
    return n;
}

static int compare_metrics(const char *dir, const char *ref_dir, drift *d, char *err,
                           size_t err_len)
{
    static double loss[MAX_EPOCHS], acc[MAX_EPOCHS], ref_loss[MAX_EPOCHS], ref_acc[MAX_EPOCHS];
    int n = read_metrics(dir, loss, acc, err, err_len);
    int m = read_metrics(ref_dir, ref_loss, ref_acc, err, err_len);
    if (n < 0 || m < 0) return -1;
    if (n != m || n == 0) {
        snprintf(err, err_len, "%s/metrics.csv: %d epochs, the reference has %d", dir, n, m);
        return -1;
    }
    d->max_loss_rel_diff = 0;
    for (int e = 0; e < n; e++)
        d->max_loss_rel_diff = fmax(d->max_loss_rel_diff, fabs(loss[e] - ref_loss[e]) /
                                                              fmax(fabs(ref_loss[e]), 1e-12));
    d->val_acc_diff = acc[n - 1] - ref_acc[n - 1];
    return 0;
}

int drift_measure(const char *dir, const char *ref_dir, drift *d, char *err, size_t err_len)
{
    char path[VB_PATH_ROOM], ref_path[VB_PATH_ROOM];
    snprintf(path, sizeof path, "%s/checkpoint.safetensors", dir);
    snprintf(ref_path, sizeof ref_path, "%s/checkpoint.safetensors", ref_dir);
    vb_st_file a, b;
    if (vb_st_read(&a, path, err, err_len)) return -1;
    if (vb_st_read(&b, ref_path, err, err_len)) {
        vb_st_close(&a);
        return -1;
    }
    int rc = param_distance(&a, &b, &d->param_rel_l2, err, err_len, path);
    vb_st_close(&a);
    vb_st_close(&b);
    return rc || compare_metrics(dir, ref_dir, d, err, err_len);
}
