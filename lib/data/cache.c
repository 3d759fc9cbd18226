/* The decoded-data cache: an archive is decoded once per content, not once per run.
 *
 * Reading CIFAR-10 from its .tar.xz (one xz stream: no parallel decoding) takes ~11 s,
 * and a @jpegQ variant (jpeg_roundtrip.c) adds ~4 s. After the first read both parts are
 * written, as decoded, to CACHE/NAME-HASH.vbdata, where HASH is the FNV-1a 64 of the
 * archive's bytes (so a replaced or damaged archive never meets a stale entry) and NAME
 * the dataset's name with its variant. A later open hashes the archive (~0.2 s), finds
 * the entry and reads it back; the content checksum stored for each part is recomputed on
 * the way in, so a damaged entry is a miss (it is rewritten), never different data.
 *
 * CACHE is $VITBENCH_CACHE, else $XDG_CACHE_HOME/vitbench, else ~/.cache/vitbench;
 * VITBENCH_CACHE=off turns the cache off. An entry is written only where the disk keeps
 * 1 GiB free beyond it; failing to write one costs the next run time, nothing else.
 *
 * File layout (little-endian, as this code writes and reads it on x86-64):
 *   header: magic "VBDATA1\n", u64 archive hash, u64 archive size, char name[64]
 *   per part (train, then test): i64 count, h, w, c, classes, has_names, class_sorted,
 *     u64 checksum; then classes × char[VB_CLASS_NAME_MAX] names if has_names, count ×
 *     i32 labels, count·h·w·c bytes of images (NHWC). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vitbench/files.h"
#include "vitbench/fnv1a.h"
#include "data.h"

#define CACHE_MAGIC "VBDATA1\n"
#define CACHE_FREE_MARGIN (1ull << 30) /* bytes the disk keeps free beyond an entry */
#define CACHE_MAX_SIDE 65536           /* sanity bounds on a stored part's shape */
#define CACHE_MAX_CLASSES 1000000

typedef struct cache_header {
    char magic[8];
    uint64_t archive_hash, archive_size;
    char name[64];
} cache_header;

typedef struct cache_part {
    int64_t count, h, w, c, classes, has_names, class_sorted;
    uint64_t checksum;
} cache_part;

/* The cache folder into dir (VB_PATH_ROOM bytes); 0, or -1 when the cache is off or no
 * folder can be named. */
static int cache_dir(char *dir)
{
    const char *env = getenv("VITBENCH_CACHE");
    if (env && strcmp(env, "off") == 0) return -1;
    if (env && *env) return snprintf(dir, VB_PATH_ROOM, "%s", env) < VB_PATH_ROOM ? 0 : -1;
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n = xdg && *xdg ? snprintf(dir, VB_PATH_ROOM, "%s/vitbench", xdg)
            : home && *home ? snprintf(dir, VB_PATH_ROOM, "%s/.cache/vitbench", home)
                            : VB_PATH_ROOM;
    return n < VB_PATH_ROOM ? 0 : -1;
}

/* FNV-1a 64 of the file's bytes and its size; 0, or -1 when it cannot be read. */
static int hash_file(const char *path, uint64_t *hash, uint64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    enum { CHUNK = 1 << 22 };
    unsigned char *buf = malloc(CHUNK);
    uint64_t h = VB_FNV1A_START, n = 0;
    ssize_t got = -1;
    while (buf && (got = read(fd, buf, CHUNK)) != 0) {
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) break;
        h = vb_fnv1a(h, buf, (size_t)got);
        n += (uint64_t)got;
    }
    free(buf);
    close(fd);
    if (got != 0) return -1;
    *hash = h;
    *size = n;
    return 0;
}

int vb_cache_find(const char *archive, const char *name, vb_cache_entry *e)
{
    memset(e, 0, sizeof *e);
    struct stat st;
    char dir[VB_PATH_ROOM];
    if (stat(archive, &st) != 0 || !S_ISREG(st.st_mode) || strlen(name) >= sizeof e->name ||
        cache_dir(dir) != 0 || hash_file(archive, &e->archive_hash, &e->archive_size) != 0)
        return -1;
    snprintf(e->name, sizeof e->name, "%s", name);
    snprintf(e->archive, sizeof e->archive, "%s", archive);
    if (snprintf(e->dir, sizeof e->dir, "%s", dir) >= (int)sizeof e->dir ||
        snprintf(e->path, sizeof e->path, "%s/%s-%016llx.vbdata", dir, name,
                 (unsigned long long)e->archive_hash) >= (int)sizeof e->path)
        return -1;
    return 0;
}

/* ---- reading an entry --------------------------------------------------------------- */

static int read_all(FILE *f, void *buf, size_t n)
{
    return n == 0 || fread(buf, 1, n, f) == n ? 0 : -1;
}

/* A stored shape this code could have written, and whose bytes fit in what is left. */
static int plausible(const cache_part *p, uint64_t left)
{
    if (p->count < 1 || p->h < 1 || p->w < 1 || p->c < 1 || p->h > CACHE_MAX_SIDE ||
        p->w > CACHE_MAX_SIDE || p->c > 4 || p->classes < 1 || p->classes > CACHE_MAX_CLASSES ||
        (p->has_names != 0 && p->has_names != 1) || (p->class_sorted & ~1))
        return 0;
    uint64_t image = (uint64_t)(p->h * p->w * p->c);
    uint64_t names = p->has_names ? (uint64_t)p->classes * VB_CLASS_NAME_MAX : 0;
    return (uint64_t)p->count <= left / (image + sizeof(int32_t)) &&
           names + (uint64_t)p->count * (image + sizeof(int32_t)) <= left;
}

static int read_part(FILE *f, const vb_cache_entry *e, uint64_t left, vb_dataset *d)
{
    cache_part p;
    char err[256];
    if (read_all(f, &p, sizeof p) || !plausible(&p, left - sizeof p) ||
        vb_dataset_alloc(d, e->name, e->archive, p.count, p.h, p.w, p.c, p.classes,
                         (int)p.has_names, err, sizeof err))
        return -1;
    d->class_sorted = (int)p.class_sorted;
    if ((p.has_names && read_all(f, d->class_names, (size_t)p.classes * VB_CLASS_NAME_MAX)) ||
        read_all(f, d->labels, (size_t)p.count * sizeof *d->labels) ||
        read_all(f, d->images, (size_t)(p.count * p.h * p.w * p.c)))
        return -1;
    for (int64_t k = 0; p.has_names && k < p.classes; k++)
        d->class_names[k][VB_CLASS_NAME_MAX - 1] = '\0';
    vb_dataset_checksum(d);
    return d->checksum == p.checksum && vb_check_labels(d, p.classes, e->path, err, sizeof err) == 0
               ? 0 : -1;
}

int vb_cache_load(const vb_cache_entry *e, vb_dataset *train, vb_dataset *test)
{
    FILE *f = fopen(e->path, "rb");
    if (!f) return -1;
    struct stat st;
    cache_header h;
    int rc = fstat(fileno(f), &st) != 0 || read_all(f, &h, sizeof h) ||
             memcmp(h.magic, CACHE_MAGIC, sizeof h.magic) != 0 ||
             h.archive_hash != e->archive_hash || h.archive_size != e->archive_size ||
             strncmp(h.name, e->name, sizeof h.name) != 0 ||
             read_part(f, e, (uint64_t)st.st_size - sizeof h, train) ||
             read_part(f, e, (uint64_t)st.st_size - (uint64_t)ftell(f), test) ||
             fgetc(f) != EOF ? -1 : 0;
    fclose(f);
    if (rc) {
        vb_dataset_free(train);
        vb_dataset_free(test);
    }
    return rc;
}

/* ---- writing an entry --------------------------------------------------------------- */

typedef struct cache_parts {
    const vb_cache_entry *e;
    const vb_dataset *part[2];
} cache_parts;

static int write_part(FILE *f, const vb_dataset *d)
{
    cache_part p = {d->count, d->h, d->w, d->c, d->classes, d->class_names != NULL,
                    d->class_sorted, d->checksum};
    size_t names = d->class_names ? (size_t)d->classes * VB_CLASS_NAME_MAX : 0;
    size_t images = (size_t)(d->count * d->h * d->w * d->c);
    return fwrite(&p, sizeof p, 1, f) == 1 &&
                   (!names || fwrite(d->class_names, 1, names, f) == names) &&
                   fwrite(d->labels, sizeof *d->labels, (size_t)d->count, f) == (size_t)d->count &&
                   fwrite(d->images, 1, images, f) == images
               ? 0 : -1;
}

static int fill_entry(FILE *f, void *ctx, char *err, size_t err_len)
{
    (void)err, (void)err_len; /* vb_write_atomically names the file and the reason */
    const cache_parts *c = ctx;
    cache_header h = {.archive_hash = c->e->archive_hash, .archive_size = c->e->archive_size};
    memcpy(h.magic, CACHE_MAGIC, sizeof h.magic);
    snprintf(h.name, sizeof h.name, "%s", c->e->name);
    return fwrite(&h, sizeof h, 1, f) == 1 && write_part(f, c->part[0]) == 0 &&
                   write_part(f, c->part[1]) == 0
               ? 0 : -1;
}

static uint64_t part_bytes(const vb_dataset *d)
{
    return sizeof(cache_part) + (d->class_names ? (uint64_t)d->classes * VB_CLASS_NAME_MAX : 0) +
           (uint64_t)d->count * (sizeof(int32_t) + (uint64_t)(d->h * d->w * d->c));
}

int vb_cache_store(const vb_cache_entry *e, const vb_dataset *train, const vb_dataset *test)
{
    char err[VB_PATH_ROOM + 256];
    uint64_t bytes = sizeof(cache_header) + part_bytes(train) + part_bytes(test);
    if (vb_make_dirs(e->dir, err, sizeof err) != 0 ||
        vb_free_bytes(e->dir) < bytes + CACHE_FREE_MARGIN)
        return -1;
    cache_parts c = {e, {train, test}};
    return vb_write_atomically(e->path, fill_entry, &c, err, sizeof err);
}
