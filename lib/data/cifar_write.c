/* Writes a dataset part as CIFAR-10 binary records (1 label byte, then the red, green and
 * blue planes, each 32x32 row-major), and batches.meta.txt (one class name per line)
 * next to it. Each file is written to a temporary name and renamed, so a crash never
 * leaves a half-written dataset behind a valid name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "data.h"

#define SIDE 32
#define PLANE (SIDE * SIDE)

/* NHWC image -> one record: label byte + planar RGB. */
static void pack(const uint8_t *img, int32_t label, uint8_t *rec)
{
    rec[0] = (uint8_t)label;
    for (int p = 0; p < PLANE; p++)
        for (int ch = 0; ch < 3; ch++) rec[1 + ch * PLANE + p] = img[3 * p + ch];
}

typedef int (*writer_fn)(FILE *f, const vb_dataset *d);

static int write_records(FILE *f, const vb_dataset *d)
{
    uint8_t rec[1 + 3 * PLANE];
    for (int64_t i = 0; i < d->count; i++) {
        pack(d->images + i * 3 * PLANE, d->labels[i], rec);
        if (fwrite(rec, sizeof rec, 1, f) != 1) return -1;
    }
    return 0;
}

static int write_names(FILE *f, const vb_dataset *d)
{
    for (int64_t k = 0; k < d->classes; k++) {
        int rc = d->class_names ? fprintf(f, "%s\n", d->class_names[k])
                                : fprintf(f, "%lld\n", (long long)k);
        if (rc < 0) return -1;
    }
    return 0;
}

/* path.tmp, then rename over path. */
static int write_atomic(const char *path, writer_fn write, const vb_dataset *d, char *err,
                        size_t err_len)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) return vb_data_fail(err, err_len, "%s: cannot create: %s", tmp, strerror(errno));
    int bad = write(f, d);
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return vb_data_fail(err, err_len, "%s: cannot write: %s", path, strerror(e));
    }
    return 0;
}

/* Class names go one per line: a name with a line break would shift the others. */
static int check_names(const vb_dataset *d, char *err, size_t err_len)
{
    for (int64_t k = 0; d->class_names && k < d->classes; k++)
        if (strpbrk(d->class_names[k], "\r\n") || !d->class_names[k][0])
            return vb_data_fail(err, err_len, "%s: class %lld has an empty or multi-line name",
                                d->source, (long long)k);
    return 0;
}

int vb_write_cifar_binary(const vb_dataset *d, const char *path, char *err, size_t err_len)
{
    if (d->h != SIDE || d->w != SIDE || d->c != 3)
        return vb_data_fail(err, err_len, "%s: CIFAR binary needs 32x32x3 images, %s has "
                            "%lldx%lldx%lld", path, d->source, (long long)d->h,
                            (long long)d->w, (long long)d->c);
    if (d->classes < 1 || d->classes > 256)
        return vb_data_fail(err, err_len, "%s: CIFAR binary has one label byte: %lld classes "
                            "do not fit", path, (long long)d->classes);
    if (vb_check_labels(d, d->classes, d->source, err, err_len) || check_names(d, err, err_len))
        return -1;
    char meta[4096];
    const char *slash = strrchr(path, '/');
    snprintf(meta, sizeof meta, "%.*sbatches.meta.txt", slash ? (int)(slash - path + 1) : 0,
             path);
    if (write_atomic(path, write_records, d, err, err_len)) return -1;
    return write_atomic(meta, write_names, d, err, err_len);
}
