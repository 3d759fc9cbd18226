/* Datasets: images as uint8 NHWC in memory, int32 labels, read from the official layouts.
 *
 * Formats (lib/data/):
 *   - CIFAR-10 / CIFAR-100 binary (1 or 2 label bytes + 3072 planar RGB bytes per record),
 *     from the extracted folder or straight from the official archive (.tar.gz, .tar.xz);
 *   - MNIST / Fashion-MNIST IDX files, gzipped or not;
 *   - image folders train/CLASS/ and test/CLASS/ of JPEG or PNG files, from a folder or from
 *     inside an archive (classes = sorted folder names).
 * Every reader validates sizes, record counts and labels, and fails with one line that
 * names the file and, where it applies, the record.
 *
 * Where data is looked for, in order: the --data folder, $VITBENCH_DATA, ./data, the
 * per-user folder ($XDG_DATA_HOME or ~/.local/share)/vitbench, and system folders such as
 * /usr/share/datasets (Debian's dataset-fashion-mnist). */
#ifndef VITBENCH_DATASET_H
#define VITBENCH_DATASET_H

#include <stddef.h>
#include <stdint.h>

#define VB_CLASS_NAME_MAX 64

typedef struct vb_dataset {
    char name[64];          /* "cifar10", "cifar100", "fashion_mnist", "mnist", "folder" */
    char source[1024];      /* the file or folder it was read from, absolute */
    int64_t count;          /* images */
    int64_t h, w, c;        /* per image */
    int64_t classes;
    uint8_t *images;        /* (count, h, w, c), NHWC, 64-byte aligned */
    int32_t *labels;        /* (count), each in [0, classes) */
    char (*class_names)[VB_CLASS_NAME_MAX]; /* (classes), or NULL when the format has none */
    uint64_t checksum;      /* FNV-1a 64 over labels and images: identifies the content */
    int class_sorted;       /* 1: ordered by class (image folders), not in a recorded order */
} vb_dataset;

/* The known dataset names, for messages and --list: "cifar10, cifar100, ...". */
const char *vb_dataset_names(void);

/* Opens a dataset by name along the search path (data_dir may be NULL), filling its
 * train and test parts. "NAME@jpegQ" is NAME with every image put through JPEG at quality
 * Q (1..100, 4:2:0 chroma) and back, as if stored as JPEG files: e.g. cifar10@jpeg75
 * against cifar10 measures what our CIFAR-100's JPEG encoding costs. On failure err says
 * what was looked for and where, and how to get it (scripts/fetch-data). 0 or -1. */
int vb_dataset_open(const char *name, const char *data_dir, vb_dataset *train,
                    vb_dataset *test, char *err, size_t err_len);

/* The folders searched, in order, ':'-separated (for messages and manifests). */
const char *vb_data_search_path(const char *data_dir, char *buf, size_t len);

/* Readers for one part each, by path (a folder, a file, or an archive). */
int vb_read_cifar(const char *path, int cifar100, int train, vb_dataset *out, char *err,
                  size_t err_len);
int vb_read_idx(const char *images_path, const char *labels_path, vb_dataset *out, char *err,
                size_t err_len);
int vb_read_image_folder(const char *path, const char *part, vb_dataset *out, char *err,
                         size_t err_len);
/* Both parts of an image folder (train/<class>/, test/<class>/) in one pass over the
 * source; the two must have the same class folders, else an error naming the first
 * class one of them lacks (labels would mean different classes in each). */
int vb_read_image_folder_parts(const char *path, vb_dataset *train, vb_dataset *test,
                               char *err, size_t err_len);

/* Writes a dataset part in the CIFAR-10 binary record layout (1 label byte, then planar
 * RGB), plus batches.meta.txt with the class names: how an image folder (e.g. CIFAR-100
 * as JPEG class folders) becomes a CIFAR binary dataset. 32x32x3 only. 0 or -1. */
int vb_write_cifar_binary(const vb_dataset *d, const char *path, char *err, size_t err_len);

/* Sets d->checksum from its content. */
void vb_dataset_checksum(vb_dataset *d);
void vb_dataset_free(vb_dataset *d);

/* ---- splits ------------------------------------------------------------------------- */

/* A view of some of a dataset's images, by index (no pixels copied). */
typedef struct vb_subset {
    const vb_dataset *data;
    int64_t *index;
    int64_t count;
} vb_subset;

/* The whole dataset, or its first `limit` images when limit > 0. A class-sorted dataset
 * (image folders: the original order is lost) is taken in a fixed pseudo-random order
 * instead — the same on every run and machine — so that a limit and Keras's "last 10%"
 * validation split draw from every class, as they do in the original order. */
int vb_subset_all(const vb_dataset *d, int64_t limit, vb_subset *out);
/* 1 if a limit leaves out some of d's images (a run that is shortened); a limit of at
 * least d->count keeps them all, as no limit does. */
int vb_limit_shortens(const vb_dataset *d, int64_t limit);
/* Validation split: `fraction` of the images go to val. keras_last = 1 takes the LAST
 * fraction of the arrays, as Keras' validation_split does; 0 takes a random fraction
 * (seeded). 0 or -1. */
int vb_subset_split(const vb_subset *all, double fraction, int keras_last, uint64_t seed,
                    vb_subset *train, vb_subset *val);
void vb_subset_free(vb_subset *s);

#endif
