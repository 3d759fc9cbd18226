/* Image folders: PART/<class>/<image>.jpg|.jpeg|.png, from a folder or an archive.
 *
 * Classes are the sorted class-folder names; images are ordered by class, then by file
 * name, so the dataset's order does not depend on how an archive happened to be written.
 * The files' bytes are read first (one archive pass), then decoded in parallel, one file
 * per OpenMP iteration. A part's images must all have one size; gray images are expanded
 * to RGB when the part has colour images. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "data.h"

static int is_image(const char *name, int *png)
{
    const char *dot = strrchr(vb_base_name(name), '.');
    if (!dot) return 0;
    *png = strcasecmp(dot, ".png") == 0;
    return *png || strcasecmp(dot, ".jpg") == 0 || strcasecmp(dot, ".jpeg") == 0;
}

/* A member's place in PART/<class>/<file>: the class folder's name is copied to cls.
 * For a folder member (is_dir) the name must end at the class folder. 1 if it fits. */
static int class_of(const char *name, int is_dir, const char *part, char *cls, size_t len)
{
    const char *comp[3] = {NULL, NULL, NULL}; /* the last three components, last first */
    int n = 0;
    const char *end = name + strlen(name);
    for (const char *p = end; n < 3; p--) {
        if (p == name || p[-1] == '/') {
            comp[n++] = p;
            if (p == name) break;
        }
    }
    int cls_at = is_dir ? 0 : 1; /* index of the class folder in comp */
    if (n <= cls_at) return 0;
    if (part) {
        /* the class folder's parent must be named part */
        if (n <= cls_at + 1) return 0;
        size_t plen = strlen(part);
        if (strncmp(comp[cls_at + 1], part, plen) != 0 || comp[cls_at + 1][plen] != '/') return 0;
    } else if (comp[cls_at] != name) {
        return 0; /* no part: class folders at the top */
    }
    const char *cend = cls_at == 0 ? end : comp[0] - 1;
    size_t clen = (size_t)(cend - comp[cls_at]);
    if (clen == 0 || comp[cls_at][0] == '.' || clen >= len) return 0;
    memcpy(cls, comp[cls_at], clen);
    cls[clen] = '\0';
    return 1;
}

int vb_image_folder_want(const char *name, int is_dir, void *ctx)
{
    int png;
    if (vb_base_name(name)[0] == '.') return 0; /* hidden files: .DS_Store, ._x.jpg */
    return is_dir || is_image(name, &png);
}

/* ---- classes ------------------------------------------------------------------------- */

typedef struct class_list {
    char (*name)[VB_CLASS_NAME_MAX];
    int64_t *images; /* per class */
    int64_t n, cap;
} class_list;

static int class_add(class_list *cl, const char *name)
{
    for (int64_t i = 0; i < cl->n; i++)
        if (strcmp(cl->name[i], name) == 0) return 0;
    if (cl->n == cl->cap) {
        int64_t cap = cl->cap ? 2 * cl->cap : 16;
        void *names = realloc(cl->name, (size_t)cap * sizeof *cl->name);
        if (!names) return -1;
        cl->name = names;
        cl->cap = cap;
    }
    snprintf(cl->name[cl->n++], VB_CLASS_NAME_MAX, "%s", name);
    return 0;
}

static int class_index(const class_list *cl, const char *name)
{
    for (int64_t i = 0; i < cl->n; i++)
        if (strcmp(cl->name[i], name) == 0) return (int)i;
    return -1;
}

static int by_class_name(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* ---- the part ------------------------------------------------------------------------ */

typedef struct image_file {
    const vb_member *m;
    int label, png;
    vb_image img;
    char msg[256]; /* the decoder's reason, when it failed */
} image_file;

static int by_label_then_name(const void *a, const void *b)
{
    const image_file *x = a, *y = b;
    if (x->label != y->label) return x->label < y->label ? -1 : 1;
    return strcmp(x->m->name, y->m->name);
}

/* Collects classes (sorted) and the part's image files (sorted by class, name). */
static int collect(const vb_members *ms, const char *part, class_list *cl, image_file **files,
                   int64_t *nfiles, char *err, size_t err_len)
{
    char cls[VB_CLASS_NAME_MAX];
    for (size_t i = 0; i < ms->count; i++)
        if (class_of(ms->m[i].name, ms->m[i].is_dir, part, cls, sizeof cls) && class_add(cl, cls))
            return vb_data_fail(err, err_len, "%s: out of memory", ms->path);
    if (cl->n == 0)
        return vb_data_fail(err, err_len, "%s: wrong %s: no class folders %s%s<class>/",
                            ms->path, ms->archive ? "archive" : "folder", part ? part : "",
                            part ? "/" : "");
    qsort(cl->name, (size_t)cl->n, sizeof *cl->name, by_class_name);
    cl->images = calloc((size_t)cl->n, sizeof *cl->images);
    *files = calloc(ms->count, sizeof **files);
    if (!cl->images || !*files) return vb_data_fail(err, err_len, "%s: out of memory", ms->path);
    *nfiles = 0;
    for (size_t i = 0; i < ms->count; i++) {
        const vb_member *m = &ms->m[i];
        image_file *f = &(*files)[*nfiles];
        if (m->is_dir || !is_image(m->name, &f->png) ||
            !class_of(m->name, 0, part, cls, sizeof cls))
            continue;
        f->m = m;
        f->label = class_index(cl, cls);
        cl->images[f->label]++;
        (*nfiles)++;
    }
    for (int64_t k = 0; k < cl->n; k++)
        if (cl->images[k] == 0)
            return vb_data_fail(err, err_len, "%s: class folder %s%s%s has no images",
                                ms->path, part ? part : "", part ? "/" : "", cl->name[k]);
    qsort(*files, (size_t)*nfiles, sizeof **files, by_label_then_name);
    return 0;
}

/* Decodes every file, in parallel; -1 names the first file (in dataset order) that failed. */
static int decode_all(const vb_members *ms, image_file *files, int64_t n, char *err,
                      size_t err_len)
{
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 64) reduction(| : failed)
    for (int64_t i = 0; i < n; i++) {
        image_file *f = &files[i];
        int rc = f->png ? vb_decode_png(f->m->data, f->m->size, &f->img, f->msg, sizeof f->msg)
                        : vb_decode_jpeg(f->m->data, f->m->size, &f->img, f->msg, sizeof f->msg);
        failed |= rc != 0;
    }
    if (!failed) return 0;
    for (int64_t i = 0; i < n; i++) {
        if (files[i].img.pixels) continue;
        char where[2048];
        vb_member_where(ms, files[i].m, where, sizeof where);
        return vb_data_fail(err, err_len, "%s: %s", where, files[i].msg);
    }
    return -1;
}

/* Copies the decoded images into d (all one size; gray -> RGB when d->c = 3). */
static int gather(const vb_members *ms, image_file *files, vb_dataset *d, char *err,
                  size_t err_len)
{
    size_t pixels = (size_t)(d->h * d->w);
    for (int64_t i = 0; i < d->count; i++) {
        const vb_image *im = &files[i].img;
        if (im->h != d->h || im->w != d->w) {
            char where[2048], first[2048];
            vb_member_where(ms, files[i].m, where, sizeof where);
            vb_member_where(ms, files[0].m, first, sizeof first);
            return vb_data_fail(err, err_len, "%s: %lldx%lld image, but %s is %lldx%lld: all "
                                "images of a part must have one size", where, (long long)im->w,
                                (long long)im->h, first, (long long)d->w, (long long)d->h);
        }
        uint8_t *dst = d->images + (size_t)i * pixels * (size_t)d->c;
        if (im->c == d->c) memcpy(dst, im->pixels, pixels * (size_t)d->c);
        else /* gray in an RGB part */
            for (size_t p = 0; p < pixels; p++)
                dst[3 * p] = dst[3 * p + 1] = dst[3 * p + 2] = im->pixels[p];
        d->labels[i] = files[i].label;
    }
    return 0;
}

int vb_image_folder_part(const vb_members *ms, const char *part, vb_dataset *out, char *err,
                         size_t err_len)
{
    memset(out, 0, sizeof *out);
    if (part && !*part) part = NULL;
    class_list cl = {0};
    image_file *files = NULL;
    int64_t n = 0;
    int rc = -1;
    if (collect(ms, part, &cl, &files, &n, err, err_len) ||
        decode_all(ms, files, n, err, err_len))
        goto done;
    int64_t c = 1;
    for (int64_t i = 0; i < n; i++)
        if (files[i].img.c == 3) c = 3;
    if (vb_dataset_alloc(out, "folder", ms->path, n, files[0].img.h, files[0].img.w, c, cl.n, 1,
                         err, err_len))
        goto done;
    memcpy(out->class_names, cl.name, (size_t)cl.n * sizeof *cl.name);
    if (gather(ms, files, out, err, err_len)) {
        vb_dataset_free(out);
        goto done;
    }
    out->class_sorted = 1;
    vb_dataset_checksum(out);
    rc = 0;
done:
    for (int64_t i = 0; i < n; i++) free(files[i].img.pixels);
    free(files);
    free(cl.name);
    free(cl.images);
    return rc;
}

/* The parts' class folders are the same: else the labels of one would mean other
 * classes in the other. Both lists are sorted, so at the first difference the smaller
 * name is the class the other part lacks. */
static int same_classes(const vb_members *ms, const vb_dataset *train, const vb_dataset *test,
                        char *err, size_t err_len)
{
    int64_t k = 0;
    while (k < train->classes && k < test->classes &&
           strcmp(train->class_names[k], test->class_names[k]) == 0)
        k++;
    if (k == train->classes && k == test->classes) return 0;
    const char *a = k < train->classes ? train->class_names[k] : NULL;
    const char *b = k < test->classes ? test->class_names[k] : NULL;
    int train_has = a && (!b || strcmp(a, b) < 0); /* the first that differs is train's */
    const char *cls = train_has ? a : b;
    return vb_data_fail(err, err_len, "%s: train/ and test/ have different class folders: "
                        "%s/%s has no %s/%s (class %lld)", ms->path, train_has ? "train" : "test",
                        cls, train_has ? "test" : "train", cls, (long long)k);
}

int vb_image_folder_parts(const vb_members *ms, vb_dataset *train, vb_dataset *test, char *err,
                          size_t err_len)
{
    memset(test, 0, sizeof *test);
    if (vb_image_folder_part(ms, "train", train, err, err_len)) return -1;
    if (vb_image_folder_part(ms, "test", test, err, err_len) == 0 &&
        same_classes(ms, train, test, err, err_len) == 0)
        return 0;
    vb_dataset_free(train);
    vb_dataset_free(test);
    return -1;
}

int vb_read_image_folder_parts(const char *path, vb_dataset *train, vb_dataset *test,
                               char *err, size_t err_len)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    vb_members ms;
    if (vb_source_read(path, vb_image_folder_want, NULL, &ms, err, err_len)) return -1;
    int rc = vb_image_folder_parts(&ms, train, test, err, err_len);
    vb_members_free(&ms);
    return rc;
}

int vb_read_image_folder(const char *path, const char *part, vb_dataset *out, char *err,
                         size_t err_len)
{
    memset(out, 0, sizeof *out);
    vb_members ms;
    if (vb_source_read(path, vb_image_folder_want, NULL, &ms, err, err_len)) return -1;
    int rc = vb_image_folder_part(&ms, part, out, err, err_len);
    vb_members_free(&ms);
    return rc;
}
