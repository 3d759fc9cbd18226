/* CIFAR binary: records of label byte(s) + 3072 pixel bytes (1024 red, 1024 green, 1024
 * blue, each plane row-major 32x32), converted to NHWC.
 *
 * Layouts, told apart by their file names:
 *   CIFAR-10     data_batch_1..5.bin (train, in that order), test_batch.bin; 1 label
 *                byte; class names in batches.meta.txt.
 *   CIFAR-100    train.bin, test.bin; 2 label bytes (coarse, fine): the fine one is the
 *                label; class names in fine_label_names.txt.
 *   imported     train.bin, test.bin with batches.meta.txt: the CIFAR-10 record layout
 *                (1 label byte) that vb_write_cifar_binary writes, any class count. */
#include <stdio.h>
#include <string.h>
#include "data.h"

#define CIFAR_SIDE 32
#define CIFAR_PLANE (CIFAR_SIDE * CIFAR_SIDE)
#define CIFAR_PIXELS (3 * CIFAR_PLANE)

static const char *const cifar10_train[] = {"data_batch_1.bin", "data_batch_2.bin",
                                            "data_batch_3.bin", "data_batch_4.bin",
                                            "data_batch_5.bin"};
static const char *const cifar10_test[] = {"test_batch.bin"};
static const char *const cifar100_train[] = {"train.bin"};
static const char *const cifar100_test[] = {"test.bin"};

int vb_cifar_want(const char *name, int is_dir, void *ctx)
{
    static const char *const wanted[] = {"data_batch_1.bin", "data_batch_2.bin",
                                         "data_batch_3.bin", "data_batch_4.bin",
                                         "data_batch_5.bin", "test_batch.bin", "train.bin",
                                         "test.bin", "batches.meta.txt", "fine_label_names.txt"};
    if (is_dir) return 0;
    for (size_t i = 0; i < sizeof wanted / sizeof *wanted; i++)
        if (strcmp(vb_base_name(name), wanted[i]) == 0) return 1;
    return 0;
}

/* The record files of one part, checked for presence and whole records. */
typedef struct cifar_files {
    const vb_member *file[5];
    int n;
    int64_t records;
} cifar_files;

static int find_files(const vb_members *ms, const char *const *names, int n, size_t record,
                      cifar_files *out, char *err, size_t err_len)
{
    out->n = n;
    out->records = 0;
    for (int i = 0; i < n; i++) {
        const vb_member *m = vb_members_find(ms, names[i]);
        if (!m)
            return vb_data_fail(err, err_len, "%s: wrong %s: no member %s", ms->path,
                                ms->archive ? "archive" : "folder", names[i]);
        char where[2048];
        vb_member_where(ms, m, where, sizeof where);
        if (m->size == 0) return vb_data_fail(err, err_len, "%s: empty file", where);
        if (m->size % record)
            return vb_data_fail(err, err_len,
                                "%s: truncated: record %lld is cut (%zu bytes, not a multiple "
                                "of the %zu-byte record)",
                                where, (long long)(m->size / record), m->size, record);
        /* CIFAR-10's training files hold the same number of records (10,000 each): one
         * cut at a record boundary is otherwise indistinguishable from a whole file */
        if (i > 0 && m->size != out->file[0]->size)
            return vb_data_fail(err, err_len,
                                "%s: truncated: %lld records, where the first training file "
                                "holds %lld",
                                where, (long long)(m->size / record),
                                (long long)(out->file[0]->size / record));
        out->file[i] = m;
        out->records += (int64_t)(m->size / record);
    }
    return 0;
}

/* Records (label_bytes + 3072 planar bytes each) -> NHWC images and labels. */
static void unpack(const uint8_t *rec, int64_t n, int label_bytes, uint8_t *images,
                   int32_t *labels)
{
    size_t record = (size_t)label_bytes + CIFAR_PIXELS;
    for (int64_t i = 0; i < n; i++, rec += record) {
        labels[i] = rec[label_bytes - 1]; /* CIFAR-100: the fine label is the second byte */
        const uint8_t *px = rec + label_bytes;
        uint8_t *out = images + i * CIFAR_PIXELS;
        for (int p = 0; p < CIFAR_PLANE; p++)
            for (int ch = 0; ch < 3; ch++) out[3 * p + ch] = px[ch * CIFAR_PLANE + p];
    }
}

int vb_cifar_part(const vb_members *ms, int cifar100, int train, vb_dataset *out, char *err,
                  size_t err_len)
{
    const vb_member *meta = vb_members_find(ms, "batches.meta.txt");
    const vb_member *fine = vb_members_find(ms, "fine_label_names.txt");
    const vb_member *names = cifar100 && fine ? fine : meta;
    /* CIFAR-100 names without fine_label_names.txt but with batches.meta.txt: imported. */
    int label_bytes = cifar100 && (fine || !meta) ? 2 : 1;
    int64_t classes = cifar100 ? 100 : 10;
    const char *const *files = cifar100 ? (train ? cifar100_train : cifar100_test)
                                        : (train ? cifar10_train : cifar10_test);
    int nfiles = !cifar100 && train ? 5 : 1;

    cifar_files found;
    if (find_files(ms, files, nfiles, (size_t)label_bytes + CIFAR_PIXELS, &found, err, err_len))
        return -1;
    if (vb_dataset_alloc(out, cifar100 ? "cifar100" : "cifar10", ms->path, found.records,
                         CIFAR_SIDE, CIFAR_SIDE, 3, classes, 0, err, err_len))
        return -1;
    char where[2048];
    if (names) {
        vb_member_where(ms, names, where, sizeof where);
        if (vb_class_names_parse(out, names->data, names->size, where, err, err_len)) goto fail;
        if (label_bytes == 2 && out->classes != 100) {
            vb_data_fail(err, err_len, "%s: %lld class names, CIFAR-100 has 100", where,
                         (long long)out->classes);
            goto fail;
        }
        if (!cifar100 && out->classes != 10) {
            vb_data_fail(err, err_len, "%s: %lld class names, CIFAR-10 has 10", where,
                         (long long)out->classes);
            goto fail;
        }
    }
    int64_t first = 0;
    for (int i = 0; i < found.n; i++) {
        const vb_member *m = found.file[i];
        int64_t n = (int64_t)(m->size / ((size_t)label_bytes + CIFAR_PIXELS));
        unpack(m->data, n, label_bytes, out->images + first * CIFAR_PIXELS, out->labels + first);
        /* Check this file's labels on their own, so the message names file and record. */
        vb_dataset part = *out;
        part.labels += first;
        part.count = n;
        vb_member_where(ms, m, where, sizeof where);
        if (vb_check_labels(&part, out->classes, where, err, err_len)) goto fail;
        first += n;
    }
    vb_dataset_checksum(out);
    return 0;
fail:
    vb_dataset_free(out);
    return -1;
}

int vb_read_cifar(const char *path, int cifar100, int train, vb_dataset *out, char *err,
                  size_t err_len)
{
    memset(out, 0, sizeof *out);
    vb_members ms;
    if (vb_source_read(path, vb_cifar_want, NULL, &ms, err, err_len)) return -1;
    int rc = vb_cifar_part(&ms, cifar100, train, out, err, err_len);
    vb_members_free(&ms);
    return rc;
}
