/* Finding a dataset by name: the search path, the files each dataset may come as, and
 * the one-line message when none is there.
 *
 * Folders are tried in search-path order; within a folder, a dataset's candidates in the
 * order of its table below (so the folder given with --data always wins, and within a
 * folder the lossless official layout wins over re-encoded ones). A candidate that
 * exists but cannot be read is an error, never a reason to silently try the next one. */
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "data.h"

typedef enum format { CIFAR10, CIFAR100, IMAGE_FOLDER, IDX } format;

typedef struct candidate {
    const char *rel; /* relative to a search folder */
    format fmt;
} candidate;

/* Datasets whose files carry no class names (IDX) get these; each list has 10. */
#define NAMED_CLASSES 10

typedef struct known_dataset {
    const char *name;
    const char *const *class_names; /* when the files carry none: NAMED_CLASSES of them */
    candidate cand[6];
} known_dataset;

static const char *const fashion_names[] = {"T-shirt/top", "Trouser", "Pullover", "Dress",
                                            "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                                            "Ankle boot"};
static const char *const digit_names[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

static const known_dataset known[] = {
    {"cifar10", NULL,
     {{"cifar-10-batches-bin", CIFAR10},
      {"cifar-10-binary.tar.gz", CIFAR10},
      {"cifar-10-binary.tar.xz", CIFAR10}}},
    {"cifar100", NULL,
     {{"cifar-100-binary", CIFAR100},
      {"cifar-100-binary.tar.gz", CIFAR100},
      {"cifar-100-jpeg", IMAGE_FOLDER},
      {"cifar-100-jpeg.tar.xz", IMAGE_FOLDER},
      {"cifar-100", CIFAR100}}}, /* written by `vbdata import` */
    {"fashion_mnist", fashion_names, {{"fashion-mnist", IDX}}},
    {"mnist", digit_names, {{"mnist", IDX}}},
};
#define KNOWN (sizeof known / sizeof *known)

const char *vb_dataset_names(void)
{
    return "cifar10, cifar100, fashion_mnist, mnist";
}

/* ---- the search path ------------------------------------------------------------------ */

static void append(char *buf, size_t len, const char *dir, const char *suffix)
{
    if (!dir || !*dir) return;
    size_t n = strlen(buf);
    snprintf(buf + n, len - n, "%s%s%s", n ? ":" : "", dir, suffix);
}

const char *vb_data_search_path(const char *data_dir, char *buf, size_t len)
{
    buf[0] = '\0';
    append(buf, len, data_dir, "");
    append(buf, len, getenv("VITBENCH_DATA"), ""); /* may itself be a ':' list */
    append(buf, len, "./data", "");
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && *xdg) append(buf, len, xdg, "/vitbench");
    else append(buf, len, getenv("HOME"), "/.local/share/vitbench");
    append(buf, len, "/usr/local/share/datasets", "");
    append(buf, len, "/usr/share/datasets", "");
    return buf;
}

/* ---- reading one candidate ------------------------------------------------------------ */

/* IDX files in dir: NAME or NAME.gz. */
static int idx_file(const char *dir, const char *name, char *path, size_t len, char *err,
                    size_t err_len)
{
    struct stat st;
    snprintf(path, len, "%s/%s", dir, name);
    if (stat(path, &st) == 0) return 0;
    snprintf(path, len, "%s/%s.gz", dir, name);
    if (stat(path, &st) == 0) return 0;
    return vb_data_fail(err, err_len, "%s: no %s or %s.gz", dir, name, name);
}

/* One part; its labels must be in [0, classes): a bad one is blamed on the labels file. */
static int read_idx_part(const char *dir, const char *prefix, int64_t classes, vb_dataset *out,
                         char *err, size_t err_len)
{
    char images[4096], labels[4096], name[64];
    snprintf(name, sizeof name, "%s-images-idx3-ubyte", prefix);
    if (idx_file(dir, name, images, sizeof images, err, err_len)) return -1;
    snprintf(name, sizeof name, "%s-labels-idx1-ubyte", prefix);
    if (idx_file(dir, name, labels, sizeof labels, err, err_len)) return -1;
    if (vb_read_idx(images, labels, out, err, err_len)) return -1;
    return vb_check_labels(out, classes, labels, err, err_len);
}

/* Both parts from path in one pass over the source. */
static int read_candidate(const char *path, format fmt, vb_dataset *train, vb_dataset *test,
                          char *err, size_t err_len)
{
    if (fmt == IDX) {
        if (read_idx_part(path, "train", NAMED_CLASSES, train, err, err_len)) return -1;
        return read_idx_part(path, "t10k", NAMED_CLASSES, test, err, err_len);
    }
    vb_members ms;
    int folder = fmt == IMAGE_FOLDER;
    if (vb_source_read(path, folder ? vb_image_folder_want : vb_cifar_want, NULL, &ms, err,
                       err_len))
        return -1;
    int rc; /* CIFAR's parts share one class-names file; image folders' are compared */
    if (folder) {
        rc = vb_image_folder_parts(&ms, train, test, err, err_len);
    } else {
        rc = vb_cifar_part(&ms, fmt == CIFAR100, 1, train, err, err_len);
        if (rc == 0) rc = vb_cifar_part(&ms, fmt == CIFAR100, 0, test, err, err_len);
    }
    vb_members_free(&ms);
    return rc;
}

/* Names, class count and label range that the dataset's name promises. */
static int finish(const known_dataset *k, const char *path, vb_dataset *d, char *err,
                  size_t err_len)
{
    snprintf(d->name, sizeof d->name, "%s", k->name);
    if (!k->class_names) return 0; /* labels checked against them when read */
    d->classes = NAMED_CLASSES;
    d->class_names = calloc(NAMED_CLASSES, sizeof *d->class_names);
    if (!d->class_names) return vb_data_fail(err, err_len, "%s: out of memory", path);
    for (int i = 0; i < NAMED_CLASSES; i++)
        snprintf(d->class_names[i], VB_CLASS_NAME_MAX, "%s", k->class_names[i]);
    return 0;
}

static const known_dataset *lookup(const char *name)
{
    char canon[64];
    snprintf(canon, sizeof canon, "%s", name);
    for (char *p = canon; *p; p++)
        if (*p == '-') *p = '_'; /* "fashion-mnist" works too */
    for (size_t i = 0; i < KNOWN; i++)
        if (strcmp(known[i].name, canon) == 0) return &known[i];
    return NULL;
}

static void not_found(const known_dataset *k, const char *search, char *err, size_t err_len)
{
    char looked[1024] = "";
    for (int c = 0; c < 6 && k->cand[c].rel; c++) {
        size_t n = strlen(looked);
        snprintf(looked + n, sizeof looked - n, "%s%s%s", c ? ", " : "", k->cand[c].rel,
                 strchr(k->cand[c].rel, '.') ? "" : "/");
    }
    vb_data_fail(err, err_len, "%s not found: looked for %s in %s; get it with "
                 "scripts/fetch-data %s", k->name, looked, search, k->name);
}

/* The first of k's candidates along the search path that exists: its path in path
 * (PATH_MAX bytes). NULL, with err saying where it looked, when there is none. */
static const candidate *locate(const known_dataset *k, const char *data_dir, char *path,
                               char *err, size_t err_len)
{
    char search[8192];
    vb_data_search_path(data_dir, search, sizeof search);
    for (char *dir = search; *dir;) {
        char *end = strchr(dir, ':');
        size_t dlen = end ? (size_t)(end - dir) : strlen(dir);
        for (int c = 0; c < 6 && k->cand[c].rel; c++) {
            struct stat st;
            snprintf(path, PATH_MAX, "%.*s/%s", (int)dlen, dir, k->cand[c].rel);
            if (stat(path, &st) == 0) return &k->cand[c];
        }
        dir += dlen + (end != NULL);
    }
    not_found(k, search, err, err_len);
    return NULL;
}

/* Both parts decoded from the candidate at path, then put through JPEG at quality when it
 * is not 0. */
static int decode(const known_dataset *k, const candidate *cand, const char *path,
                  int quality, vb_dataset *train, vb_dataset *test, char *err, size_t err_len)
{
    if (read_candidate(path, cand->fmt, train, test, err, err_len) ||
        finish(k, path, train, err, err_len) || finish(k, path, test, err, err_len) ||
        (quality && (vb_dataset_jpeg_roundtrip(train, quality, err, err_len) ||
                     vb_dataset_jpeg_roundtrip(test, quality, err, err_len)))) {
        vb_dataset_free(train);
        vb_dataset_free(test);
        return -1;
    }
    return 0;
}

/* A variant "NAME@jpegQ" (Q in 1..100): base gets NAME and the quality is returned; a
 * plain name is copied and gives 0; anything else after '@' gives -1. */
static int jpeg_variant(const char *name, char *base, size_t base_len)
{
    const char *at = strchr(name, '@');
    snprintf(base, base_len, "%.*s", at ? (int)(at - name) : (int)strlen(name), name);
    if (!at) return 0;
    const char *q = at + 1;
    if (strncmp(q, "jpeg", 4) != 0 || q[4] < '1' || q[4] > '9' || strlen(q + 4) > 3) return -1;
    for (const char *d = q + 4; *d; d++)
        if (*d < '0' || *d > '9') return -1;
    int quality = atoi(q + 4);
    return quality <= 100 ? quality : -1;
}

int vb_dataset_open(const char *name, const char *data_dir, vb_dataset *train,
                    vb_dataset *test, char *err, size_t err_len)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    char base[64], path[PATH_MAX];
    int quality = jpeg_variant(name, base, sizeof base);
    if (quality < 0)
        return vb_data_fail(err, err_len, "dataset '%s': after '@' expected jpegQ, Q a JPEG "
                            "quality in 1..100 (e.g. cifar10@jpeg75)", name);
    const known_dataset *k = lookup(base);
    if (!k)
        return vb_data_fail(err, err_len, "unknown dataset '%s' (known: %s)", base,
                            vb_dataset_names());
    /* a data folder given by name must exist: a typo would silently read another copy
     * found further along the search path */
    struct stat st;
    if (data_dir && *data_dir && stat(data_dir, &st) != 0)
        return vb_data_fail(err, err_len, "%s: the data folder given: %s", data_dir,
                            strerror(errno));
    if (data_dir && *data_dir && !S_ISDIR(st.st_mode))
        return vb_data_fail(err, err_len, "%s: the data folder given is not a folder",
                            data_dir);
    const candidate *cand = locate(k, data_dir, path, err, err_len);
    if (!cand) return -1;
    /* An archive is decoded once per content (cache.c); a folder is read each time. */
    vb_cache_entry entry;
    int cacheable = vb_cache_find(path, name, &entry) == 0;
    if (cacheable && vb_cache_load(&entry, train, test) == 0) return 0;
    if (decode(k, cand, path, quality, train, test, err, err_len)) return -1;
    if (cacheable) vb_cache_store(&entry, train, test);
    return 0;
}
