/* Dataset readers, writers and splits on small files generated in a temporary folder:
 * every accepted layout (folders, .tar.gz/.tar.xz archives, gzip or plain IDX, PNG/JPEG
 * class folders), every rejected input (the one-line message must name the file and,
 * where it applies, the record), splits, and the image-folder -> CIFAR binary round trip.
 * The real datasets are opened when VITBENCH_DATA or ../shared/datasets has them. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <jpeglib.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "vitbench/dataset.h"

static char tmp[256];
static char err[4096];

/* A call that must succeed; the message is the reader's error. */
#define OK(call) cr_assert_eq((call), 0, "%s", err)

static void setup(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/vb_test_data_XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    err[0] = '\0';
}

static void teardown(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) cr_log_warn("could not remove %s", tmp);
}

TestSuite(data, .init = setup, .fini = teardown);

/* ---- generated inputs ------------------------------------------------------------------ */

/* tmp/rel, with its parent folders created. */
static const char *at(const char *rel)
{
    static char paths[8][1024];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 1024, "%s/%s", tmp, rel);
    for (char *s = p + strlen(tmp) + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        mkdir(p, 0777);
        *s = '/';
    }
    return p;
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

static void write_text(const char *path, const char *text)
{
    write_bytes(path, text, strlen(text));
}

/* The pixel value of image `id` at planar position (channel ch, pixel p). */
static uint8_t pixel(int id, int ch, int p)
{
    return (uint8_t)(id * 31 + ch * 7 + p * 3);
}

/* n CIFAR records: label_bytes (coarse = 99 for 2), then planar pixels of image first+i;
 * labels (first + i) % classes. */
static void write_cifar(const char *path, int first, int n, int label_bytes, int classes)
{
    size_t rec = (size_t)label_bytes + 3072;
    uint8_t *buf = malloc(rec * (size_t)n);
    for (int i = 0; i < n; i++) {
        uint8_t *r = buf + rec * (size_t)i;
        if (label_bytes == 2) r[0] = 99;
        r[label_bytes - 1] = (uint8_t)((first + i) % classes);
        for (int ch = 0; ch < 3; ch++)
            for (int p = 0; p < 1024; p++) r[label_bytes + ch * 1024 + p] = pixel(first + i, ch, p);
    }
    write_bytes(path, buf, rec * (size_t)n);
    free(buf);
}

static const char *CIFAR10_NAMES = "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\n"
                                   "ship\ntruck\n\n";

/* cifar-10-batches-bin/ under tmp: 3 records per training batch, 4 test records. */
static void make_cifar10(void)
{
    char rel[128];
    for (int b = 0; b < 5; b++) {
        snprintf(rel, sizeof rel, "cifar-10-batches-bin/data_batch_%d.bin", b + 1);
        write_cifar(at(rel), 3 * b, 3, 1, 10);
    }
    write_cifar(at("cifar-10-batches-bin/test_batch.bin"), 100, 4, 1, 10);
    write_text(at("cifar-10-batches-bin/batches.meta.txt"), CIFAR10_NAMES);
}

/* tar (flags "czf" or "cJf") of folder rel in tmp, written to tmp/archive. */
static void make_tar(const char *flags, const char *archive, const char *rel)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "tar -C '%s' -%s '%s' '%s'", tmp, flags, at(archive), rel);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void truncate_to(const char *path, double fraction)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(truncate(path, (off_t)((double)st.st_size * fraction)), 0);
}

/* XORs one byte of path at offset (from the end when negative). */
static void flip_byte(const char *path, long offset)
{
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fseek(f, offset, offset < 0 ? SEEK_END : SEEK_SET), 0);
    int c = fgetc(f);
    cr_assert_neq(c, EOF);
    cr_assert_eq(fseek(f, -1, SEEK_CUR), 0);
    fputc(c ^ 0x10, f);
    fclose(f);
}

/* Cuts path right after its last non-zero byte, rounded up to a whole tar block: a tar
 * that lost its end-of-archive blocks (and so could have lost members too). */
static void cut_tar_end(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    long last = 0, at = 0;
    for (int c; (c = fgetc(f)) != EOF; at++)
        if (c) last = at + 1;
    fclose(f);
    cr_assert_eq(truncate(path, (last + 511) / 512 * 512), 0);
}

/* An IDX file: ubyte type, dims, then data; gzipped when gz (2: stored, not deflated, so
 * that a flipped data byte leaves the deflate structure intact: only the CRC sees it). */
static void write_idx(const char *path, int ndim, const uint32_t *dims, const uint8_t *data,
                      size_t n, int gz)
{
    uint8_t head[4 + 4 * 4] = {0, 0, 0x08, (uint8_t)ndim};
    for (int i = 0; i < ndim; i++)
        for (int k = 0; k < 4; k++) head[4 + 4 * i + k] = (uint8_t)(dims[i] >> (24 - 8 * k));
    size_t hn = 4 + 4 * (size_t)ndim;
    if (!gz) {
        FILE *f = fopen(path, "wb");
        cr_assert_not_null(f);
        fwrite(head, 1, hn, f);
        fwrite(data, 1, n, f);
        fclose(f);
        return;
    }
    gzFile f = gzopen(path, gz == 2 ? "wb0" : "wb");
    cr_assert_not_null(f);
    gzwrite(f, head, (unsigned)hn);
    if (n) gzwrite(f, data, (unsigned)n);
    gzclose(f);
}

/* MNIST-like part: n images of 4x5, labels i % 10. */
static void make_idx(const char *dir, const char *prefix, int n, int gz)
{
    char path[1024];
    static uint8_t img[256 * 20], lab[256];
    cr_assert_leq(n, 256);
    for (int i = 0; i < n * 20; i++) img[i] = (uint8_t)(i * 13);
    for (int i = 0; i < n; i++) lab[i] = (uint8_t)(i % 10);
    uint32_t idims[3] = {(uint32_t)n, 4, 5}, ldims[1] = {(uint32_t)n};
    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte%s", dir, prefix, gz ? ".gz" : "");
    write_idx(path, 3, idims, img, (size_t)n * 20, gz);
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte%s", dir, prefix, gz ? ".gz" : "");
    write_idx(path, 1, ldims, lab, (size_t)n, gz);
}

/* A w x h PNG, gray (c = 1) or RGB (c = 3), pixel values from seed. */
static void write_png(const char *path, int w, int h, int c, int seed)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = c == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    uint8_t *px = malloc((size_t)(w * h * c));
    for (int i = 0; i < w * h * c; i++) px[i] = (uint8_t)(seed * 17 + i * 5);
    cr_assert(png_image_write_to_file(&img, path, 0, px, 0, NULL), "%s", img.message);
    free(px);
}

static void write_jpeg(const char *path, int w, int h, int seed)
{
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    jpeg_stdio_dest(&cinfo, f);
    cinfo.image_width = (JDIMENSION)w;
    cinfo.image_height = (JDIMENSION)h;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 95, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    uint8_t row[3 * 256];
    while (cinfo.next_scanline < cinfo.image_height) {
        for (int i = 0; i < 3 * w; i++) row[i] = (uint8_t)(seed * 40 + i + cinfo.next_scanline * 4);
        JSAMPROW r = row;
        jpeg_write_scanlines(&cinfo, &r, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    fclose(f);
}

/* imgs/{train,test}/{cat,ant}/: cat has 2 PNG (one gray) + 1 JPEG, ant 1 JPEG (train);
 * test: one PNG per class. All 32x32. */
static void make_image_folder(void)
{
    write_png(at("imgs/train/cat/b.png"), 32, 32, 3, 1);
    write_png(at("imgs/train/cat/a.png"), 32, 32, 1, 2);
    write_jpeg(at("imgs/train/cat/c.jpg"), 32, 32, 3);
    write_jpeg(at("imgs/train/ant/x.JPEG"), 32, 32, 4);
    write_text(at("imgs/train/ant/notes.txt"), "not an image\n");
    write_png(at("imgs/test/cat/t.png"), 32, 32, 3, 5);
    write_png(at("imgs/test/ant/u.png"), 32, 32, 3, 6);
}

/* ---- checks ------------------------------------------------------------------------------ */

static void expect_error(int rc, const char *file, const char *want)
{
    cr_assert_eq(rc, -1, "accepted; wanted an error with \"%s\"", want);
    cr_assert_not_null(strstr(err, file), "error does not name %s: %s", file, err);
    cr_assert_not_null(strstr(err, want), "error lacks \"%s\": %s", want, err);
    cr_assert_null(strchr(err, '\n'), "error is not one line: %s", err);
}

/* Image `id` of write_cifar, converted to NHWC, equals d's image i. */
static void expect_cifar_image(const vb_dataset *d, int64_t i, int id)
{
    const uint8_t *im = d->images + i * 3072;
    for (int p = 0; p < 1024; p++)
        for (int ch = 0; ch < 3; ch++)
            cr_assert_eq(im[3 * p + ch], pixel(id, ch, p), "image %lld pixel %d ch %d",
                         (long long)i, p, ch);
}

static void expect_same(const vb_dataset *a, const vb_dataset *b)
{
    cr_assert_eq(a->count, b->count);
    cr_assert_eq(a->h * a->w * a->c, b->h * b->w * b->c);
    cr_assert_eq(memcmp(a->labels, b->labels, (size_t)a->count * 4), 0);
    cr_assert_eq(memcmp(a->images, b->images, (size_t)(a->count * a->h * a->w * a->c)), 0);
    cr_assert_eq(a->checksum, b->checksum);
}

/* ---- CIFAR ------------------------------------------------------------------------------- */

static void expect_cifar10_small(const vb_dataset *tr, const vb_dataset *te)
{
    cr_assert_eq(tr->count, 15);
    cr_assert_eq(te->count, 4);
    cr_assert(tr->h == 32 && tr->w == 32 && tr->c == 3 && tr->classes == 10);
    cr_assert_eq((uintptr_t)tr->images % 64, 0, "images not 64-byte aligned");
    for (int i = 0; i < 15; i++) cr_assert_eq(tr->labels[i], i % 10, "batches out of order");
    expect_cifar_image(tr, 7, 7);
    expect_cifar_image(te, 2, 102);
    cr_assert_not_null(tr->class_names);
    cr_assert_str_eq(tr->class_names[9], "truck");
    cr_assert_neq(tr->checksum, 0);
}

Test(data, cifar10_folder_and_archives)
{
    make_cifar10();
    vb_dataset tr, te, tr2;
    OK(vb_read_cifar(at("cifar-10-batches-bin"), 0, 1, &tr, err, sizeof err));
    OK(vb_read_cifar(at("cifar-10-batches-bin"), 0, 0, &te, err, sizeof err));
    expect_cifar10_small(&tr, &te);
    make_tar("czf", "cifar-10-binary.tar.gz", "cifar-10-batches-bin");
    make_tar("cJf", "c.tar.xz", "cifar-10-batches-bin");
    OK(vb_read_cifar(at("cifar-10-binary.tar.gz"), 0, 1, &tr2, err, sizeof err));
    expect_same(&tr, &tr2);
    vb_dataset_free(&tr2);
    OK(vb_read_cifar(at("c.tar.xz"), 0, 1, &tr2, err, sizeof err));
    expect_same(&tr, &tr2);
    cr_assert_str_eq(tr2.source, at("c.tar.xz"));
    vb_dataset_free(&tr2);
    /* a single record file is a source too */
    OK(vb_read_cifar(at("cifar-10-batches-bin/test_batch.bin"), 0, 0, &tr2, err, sizeof err));
    expect_same(&te, &tr2);
    vb_dataset_free(&tr2);
    vb_dataset_free(&tr);
    vb_dataset_free(&te);
}

Test(data, cifar10_open_by_name)
{
    make_cifar10();
    make_tar("czf", "only/cifar-10-binary.tar.gz", "cifar-10-batches-bin");
    vb_dataset tr, te;
    OK(vb_dataset_open("cifar10", tmp, &tr, &te, err, sizeof err));
    expect_cifar10_small(&tr, &te);
    cr_assert_str_eq(tr.name, "cifar10");
    cr_assert_str_eq(tr.source, at("cifar-10-batches-bin"));
    vb_dataset_free(&tr);
    vb_dataset_free(&te);
    OK(vb_dataset_open("cifar10", at("only"), &tr, &te, err, sizeof err));
    expect_cifar10_small(&tr, &te);
    cr_assert_str_eq(tr.source, at("only/cifar-10-binary.tar.gz"));
    vb_dataset_free(&tr);
    vb_dataset_free(&te);
}

/* Mean |a − b| over every pixel of two datasets of the same shape. */
static double mean_abs_diff(const vb_dataset *a, const vb_dataset *b)
{
    int64_t n = a->count * a->h * a->w * a->c;
    double sum = 0;
    for (int64_t i = 0; i < n; i++) sum += abs((int)a->images[i] - (int)b->images[i]);
    return sum / (double)n;
}

/* "cifar10@jpegQ": the same records, labels and order, every image put through JPEG at
 * quality Q and back: changed pixels (less at a higher quality), a new name and checksum.
 * A malformed variant is one line naming it. */
Test(data, jpeg_variant_round_trips_every_image)
{
    make_cifar10();
    vb_dataset tr, te, tr75, te75, tr100, te100;
    OK(vb_dataset_open("cifar10", tmp, &tr, &te, err, sizeof err));
    OK(vb_dataset_open("cifar10@jpeg75", tmp, &tr75, &te75, err, sizeof err));
    OK(vb_dataset_open("cifar10@jpeg100", tmp, &tr100, &te100, err, sizeof err));
    cr_assert_str_eq(tr75.name, "cifar10@jpeg75");
    cr_assert_str_eq(te100.name, "cifar10@jpeg100");
    cr_assert(tr75.count == tr.count && te75.count == te.count && tr75.classes == 10);
    cr_assert_eq(memcmp(tr75.labels, tr.labels, (size_t)tr.count * sizeof *tr.labels), 0);
    cr_assert_str_eq(tr75.class_names[9], "truck");
    double loss75 = mean_abs_diff(&tr, &tr75), loss100 = mean_abs_diff(&tr, &tr100);
    cr_log_info("mean |pixel change|: quality 75 %.2f, quality 100 %.2f", loss75, loss100);
    cr_assert(loss75 > 1.0, "quality 75 changed the pixels by only %.3f", loss75);
    cr_assert(loss100 < loss75, "quality 100 (%.3f) no closer than 75 (%.3f)", loss100, loss75);
    cr_assert(mean_abs_diff(&te, &te75) > 1.0, "the test part was not round-tripped");
    cr_assert_neq(tr75.checksum, tr.checksum);
    vb_dataset *all[] = {&tr, &te, &tr75, &te75, &tr100, &te100};
    for (size_t i = 0; i < 6; i++) vb_dataset_free(all[i]);
    static const char *const bad[] = {"cifar10@jpeg0", "cifar10@jpeg101", "cifar10@jpeg",
                                      "cifar10@png75", "cifar10@jpeg7x", "cifar10@jpeg075"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_expect_eq(vb_dataset_open(bad[i], tmp, &tr, &te, err, sizeof err), -1, "%s", bad[i]);
        cr_expect_not_null(strstr(err, bad[i]), "%s: %s", bad[i], err);
        cr_expect_null(strchr(err, '\n'), "%s", err);
    }
}

/* The one entry in tmp/cache (the decoded-data cache of these tests), into path. */
static void cache_entry(char *path, size_t len)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ls '%s'/cache/*.vbdata", tmp);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    cr_assert_not_null(fgets(path, (int)len, p), "no cache entry in %s/cache", tmp);
    path[strcspn(path, "\n")] = '\0';
    char extra[1024];
    cr_assert_null(fgets(extra, sizeof extra, p), "a second cache entry: %s", extra);
    pclose(p);
}

/* len bytes at offset of the file at path overwritten with data. */
static void patch_file(const char *path, long offset, const void *data, size_t len)
{
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fseek(f, offset, SEEK_SET), 0);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* Offsets in a cache entry (lib/data/cache.c's layout) of the small CIFAR-10's train part:
 * the header (8 + 8 + 8 + 64 bytes), its part header (seven i64, then the checksum), the
 * 10 class names of 64 bytes and 15 labels, then the images. */
#define ENTRY_TRAIN_CHECKSUM (88 + 56)
#define ENTRY_TRAIN_IMAGES (88 + 64 + 10 * 64 + 15 * 4)

/* An archive is decoded once per content: the first open writes a cache entry and the
 * next reads it (an entry edited with a consistent checksum comes back edited); a damaged
 * entry is a miss and is rewritten; other archive bytes never meet the entry; the source
 * recorded is the archive; VITBENCH_CACHE=off writes nothing. */
Test(data, archives_are_decoded_once_through_the_cache)
{
    make_cifar10();
    make_tar("cJf", "only/cifar-10-binary.tar.xz", "cifar-10-batches-bin");
    char cache[1024], entry[1024];
    snprintf(cache, sizeof cache, "%s/cache", tmp);
    setenv("VITBENCH_CACHE", cache, 1);
    vb_dataset tr, te, again, te2;
    OK(vb_dataset_open("cifar10", at("only"), &tr, &te, err, sizeof err));
    cache_entry(entry, sizeof entry);
    OK(vb_dataset_open("cifar10", at("only"), &again, &te2, err, sizeof err));
    expect_same(&tr, &again);
    expect_same(&te, &te2);
    cr_assert_str_eq(again.source, at("only/cifar-10-binary.tar.xz"));
    cr_assert_str_eq(again.class_names[9], "truck");
    vb_dataset_free(&again);
    vb_dataset_free(&te2);

    /* A hit: an edit that keeps the checksum consistent is what the next open returns. */
    uint8_t first = tr.images[0];
    tr.images[0] ^= 0xff;
    vb_dataset_checksum(&tr);
    patch_file(entry, ENTRY_TRAIN_IMAGES, tr.images, 1);
    patch_file(entry, ENTRY_TRAIN_CHECKSUM, &tr.checksum, sizeof tr.checksum);
    OK(vb_dataset_open("cifar10", at("only"), &again, &te2, err, sizeof err));
    cr_assert_eq(again.images[0], tr.images[0], "the cache entry was not read");
    vb_dataset_free(&again);
    vb_dataset_free(&te2);

    /* Damage the checksum cannot explain: a miss, the archive decoded, the entry rewritten. */
    patch_file(entry, ENTRY_TRAIN_IMAGES + 1, &(uint8_t){0x5a}, 1);
    OK(vb_dataset_open("cifar10", at("only"), &again, &te2, err, sizeof err));
    cr_assert_eq(again.images[0], first, "a damaged entry was used");
    vb_dataset_free(&again);
    vb_dataset_free(&te2);
    OK(vb_dataset_open("cifar10", at("only"), &again, &te2, err, sizeof err));
    cr_assert_eq(again.images[0], first, "the damaged entry was not rewritten");
    vb_dataset_free(&again);
    vb_dataset_free(&te2);

    /* Other archive bytes: another entry, never the first one's data. */
    write_cifar(at("cifar-10-batches-bin/test_batch.bin"), 200, 4, 1, 10);
    make_tar("cJf", "only/cifar-10-binary.tar.xz", "cifar-10-batches-bin");
    OK(vb_dataset_open("cifar10", at("only"), &again, &te2, err, sizeof err));
    cr_assert_eq(te2.images[0], pixel(200, 0, 0), "a stale entry was used");
    vb_dataset_free(&again);
    vb_dataset_free(&te2);

    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", cache);
    cr_assert_eq(system(cmd), 0);
    setenv("VITBENCH_CACHE", "off", 1);
    OK(vb_dataset_open("cifar10", at("only"), &again, &te2, err, sizeof err));
    struct stat st;
    cr_assert_neq(stat(cache, &st), 0, "VITBENCH_CACHE=off wrote %s", cache);
    vb_dataset_free(&again);
    vb_dataset_free(&te2);
    vb_dataset_free(&tr);
    vb_dataset_free(&te);
}

Test(data, cifar100_official_and_imported)
{
    char names[2000] = "";
    for (int k = 0; k < 100; k++) sprintf(names + strlen(names), "class%02d\n", k);
    write_cifar(at("cifar-100-binary/train.bin"), 0, 5, 2, 100);
    write_cifar(at("cifar-100-binary/test.bin"), 50, 3, 2, 100);
    write_text(at("cifar-100-binary/fine_label_names.txt"), names);
    write_text(at("cifar-100-binary/coarse_label_names.txt"), "a\nb\n");
    vb_dataset tr, te;
    OK(vb_dataset_open("cifar100", tmp, &tr, &te, err, sizeof err));
    cr_assert(tr.count == 5 && te.count == 3 && tr.classes == 100);
    cr_assert_eq(te.labels[2], 52, "the fine label (second byte) is the label");
    expect_cifar_image(&te, 1, 51);
    cr_assert_str_eq(tr.class_names[42], "class42");
    vb_dataset_free(&tr);
    vb_dataset_free(&te);

    /* the layout vbdata import writes: 1 label byte, names in batches.meta.txt */
    write_cifar(at("imp/cifar-100/train.bin"), 0, 4, 1, 3);
    write_cifar(at("imp/cifar-100/test.bin"), 0, 2, 1, 3);
    write_text(at("imp/cifar-100/batches.meta.txt"), "x\ny\nz\n");
    OK(vb_dataset_open("cifar100", at("imp"), &tr, &te, err, sizeof err));
    cr_assert(tr.count == 4 && tr.classes == 3 && tr.labels[3] == 0);
    cr_assert_str_eq(tr.class_names[2], "z");
    vb_dataset_free(&tr);
    vb_dataset_free(&te);
}

Test(data, cifar_truncated_names_file_and_record)
{
    make_cifar10();
    const char *f = at("cifar-10-batches-bin/data_batch_3.bin");
    write_cifar(f, 0, 3, 1, 10);
    truncate_to(f, 2.5 / 3.0);
    vb_dataset d;
    expect_error(vb_read_cifar(at("cifar-10-batches-bin"), 0, 1, &d, err, sizeof err), f,
                 "record 2 is cut");
    /* the same inside an archive: ARCHIVE:MEMBER */
    make_tar("czf", "c.tar.gz", "cifar-10-batches-bin");
    expect_error(vb_read_cifar(at("c.tar.gz"), 0, 1, &d, err, sizeof err),
                 "c.tar.gz:cifar-10-batches-bin/data_batch_3.bin", "record 2 is cut");
    /* cut at a record boundary: shorter than its siblings (49,999 images were accepted) */
    write_cifar(f, 0, 2, 1, 10);
    expect_error(vb_read_cifar(at("cifar-10-batches-bin"), 0, 1, &d, err, sizeof err), f,
                 "truncated: 2 records, where the first training file holds 3");
}

Test(data, cifar_label_out_of_range)
{
    make_cifar10();
    const char *f = at("cifar-10-batches-bin/test_batch.bin");
    write_cifar(f, 0, 12, 1, 13); /* labels 0, 1, .., 11: record 10 is the first bad one */
    vb_dataset d;
    expect_error(vb_read_cifar(at("cifar-10-batches-bin"), 0, 0, &d, err, sizeof err), f,
                 "record 10: label 10 out of range");
}

Test(data, cifar_wrong_and_corrupt_archive)
{
    make_cifar10();
    remove(at("cifar-10-batches-bin/data_batch_4.bin"));
    make_tar("czf", "wrong.tar.gz", "cifar-10-batches-bin");
    vb_dataset d;
    expect_error(vb_read_cifar(at("wrong.tar.gz"), 0, 1, &d, err, sizeof err), "wrong.tar.gz",
                 "wrong archive: no member data_batch_4.bin");
    make_cifar10();
    make_tar("cJf", "cut.tar.xz", "cifar-10-batches-bin");
    truncate_to(at("cut.tar.xz"), 0.5);
    expect_error(vb_read_cifar(at("cut.tar.xz"), 0, 0, &d, err, sizeof err), "cut.tar.xz",
                 "corrupt or truncated");
    make_tar("czf", "cut.tar.gz", "cifar-10-batches-bin");
    truncate_to(at("cut.tar.gz"), 0.7);
    expect_error(vb_read_cifar(at("cut.tar.gz"), 0, 0, &d, err, sizeof err), "cut.tar.gz",
                 "truncated");
}

/* ---- IDX ----------------------------------------------------------------------------------- */

Test(data, idx_plain_and_gzip)
{
    mkdir(at("p"), 0777);
    mkdir(at("g"), 0777);
    make_idx(at("p"), "train", 6, 0);
    make_idx(at("g"), "train", 6, 1);
    vb_dataset a, b;
    OK(vb_read_idx(at("p/train-images-idx3-ubyte"), at("p/train-labels-idx1-ubyte"), &a, err,
                   sizeof err));
    OK(vb_read_idx(at("g/train-images-idx3-ubyte.gz"), at("g/train-labels-idx1-ubyte.gz"), &b,
                   err, sizeof err));
    cr_assert(a.count == 6 && a.h == 4 && a.w == 5 && a.c == 1 && a.labels[5] == 5);
    cr_assert_eq(a.images[21], (uint8_t)(21 * 13));
    expect_same(&a, &b);
    vb_dataset_free(&a);
    vb_dataset_free(&b);
}

Test(data, fashion_mnist_open_by_name)
{
    mkdir(at("fashion-mnist"), 0777);
    make_idx(at("fashion-mnist"), "train", 12, 1);
    make_idx(at("fashion-mnist"), "t10k", 3, 0);
    vb_dataset tr, te;
    OK(vb_dataset_open("fashion_mnist", tmp, &tr, &te, err, sizeof err));
    cr_assert(tr.count == 12 && te.count == 3 && tr.classes == 10);
    cr_assert_str_eq(tr.name, "fashion_mnist");
    cr_assert_str_eq(tr.class_names[0], "T-shirt/top");
    cr_assert_str_eq(te.class_names[9], "Ankle boot");
    vb_dataset_free(&tr);
    vb_dataset_free(&te);
}

Test(data, idx_errors)
{
    make_idx(tmp, "train", 6, 0);
    const char *im = at("train-images-idx3-ubyte"), *lb = at("train-labels-idx1-ubyte");
    vb_dataset d;
    uint8_t data[6 * 20] = {0};
    uint32_t dims[3] = {6, 4, 5};
    write_idx(im, 2, dims, data, 6 * 20, 0); /* 2 dimensions: a labels header */
    expect_error(vb_read_idx(im, lb, &d, err, sizeof err), im, "IDX magic says 2 dimensions");
    write_idx(im, 3, dims, data, 6 * 20 - 7, 0);
    expect_error(vb_read_idx(im, lb, &d, err, sizeof err), im, "IDX dimensions say 120");
    write_bytes(im, "\x00\x00\x0d\x03", 4);
    expect_error(vb_read_idx(im, lb, &d, err, sizeof err), im, "IDX type 0x0d");
    dims[0] = 5;
    write_idx(im, 3, dims, data, 5 * 20, 0);
    expect_error(vb_read_idx(im, lb, &d, err, sizeof err), lb, "6 labels for 5 images");
    make_idx(tmp, "t10k", 200, 1);
    const char *gz = at("t10k-images-idx3-ubyte.gz");
    truncate_to(gz, 0.6);
    expect_error(vb_read_idx(gz, at("t10k-labels-idx1-ubyte.gz"), &d, err, sizeof err), gz,
                 "truncated");
}

Test(data, mnist_label_out_of_range)
{
    mkdir(at("mnist"), 0777);
    make_idx(at("mnist"), "train", 4, 0);
    make_idx(at("mnist"), "t10k", 3, 0);
    uint8_t lab[3] = {1, 11, 2};
    uint32_t dims[1] = {3};
    const char *lb = at("mnist/t10k-labels-idx1-ubyte");
    write_idx(lb, 1, dims, lab, 3, 0);
    vb_dataset tr, te; /* the labels file is to blame, not the images file */
    expect_error(vb_dataset_open("mnist", tmp, &tr, &te, err, sizeof err), lb,
                 "record 1: label 11 out of range");
}

/* ---- compressed and archived inputs ------------------------------------------------------ */

static void append_bytes(const char *path, int byte, size_t n)
{
    FILE *f = fopen(path, "ab");
    cr_assert_not_null(f, "%s", path);
    for (size_t i = 0; i < n; i++) fputc(byte, f);
    cr_assert_eq(fclose(f), 0);
}

Test(data, compressed_inputs_are_verified_to_the_end)
{
    vb_dataset d;
    /* gzip: a flipped data byte (the IDX test images), a flipped length trailer */
    mkdir(at("g"), 0777);
    make_idx(at("g"), "t10k", 6, 2);
    const char *im = at("g/t10k-images-idx3-ubyte.gz"), *lb = at("g/t10k-labels-idx1-ubyte.gz");
    OK(vb_read_idx(im, lb, &d, err, sizeof err));
    vb_dataset_free(&d);
    flip_byte(im, 80);
    expect_error(vb_read_idx(im, lb, &d, err, sizeof err), im, "incorrect data check");
    flip_byte(im, 80);
    flip_byte(lb, -1);
    expect_error(vb_read_idx(im, lb, &d, err, sizeof err), lb, "incorrect length check");
    flip_byte(lb, -1);
    /* zero padding after the last member (tape blocks) is ignored, as gzip(1) does; a byte
     * after the padding is not */
    append_bytes(im, 0, 70000); /* longer than one read */
    OK(vb_read_idx(im, lb, &d, err, sizeof err));
    vb_dataset_free(&d);
    append_bytes(im, 'x', 1);
    expect_error(vb_read_idx(im, lb, &d, err, sizeof err), im, "bytes after the zero padding");

    /* a gzipped tar: the CRC trailer lies after the tar's end, and is still checked */
    make_cifar10();
    make_tar("czf", "cifar-10-binary.tar.gz", "cifar-10-batches-bin");
    flip_byte(at("cifar-10-binary.tar.gz"), -8);
    expect_error(vb_read_cifar(at("cifar-10-binary.tar.gz"), 0, 1, &d, err, sizeof err),
                 "cifar-10-binary.tar.gz", "incorrect data check");
    /* xz: its footer too */
    make_tar("cJf", "c.tar.xz", "cifar-10-batches-bin");
    flip_byte(at("c.tar.xz"), -1);
    expect_error(vb_read_cifar(at("c.tar.xz"), 0, 1, &d, err, sizeof err), "c.tar.xz",
                 "corrupt or truncated xz data");

    /* a plain tar cut at a block boundary: libarchive alone takes it as complete */
    make_image_folder();
    make_tar("cf", "imgs.tar", "imgs");
    OK(vb_read_image_folder(at("imgs.tar"), "train", &d, err, sizeof err));
    vb_dataset_free(&d);
    cut_tar_end(at("imgs.tar"));
    expect_error(vb_read_image_folder(at("imgs.tar"), "train", &d, err, sizeof err),
                 "imgs.tar", "truncated tar archive");
}

Test(data, errors_name_the_file_and_the_cause)
{
    vb_dataset tr, te;
    /* an empty file and one that is no archive: said so, not "no member ..." */
    write_text(at("e/cifar-10-binary.tar.gz"), "");
    expect_error(vb_dataset_open("cifar10", at("e"), &tr, &te, err, sizeof err),
                 at("e/cifar-10-binary.tar.gz"), "not a recognised archive: empty file");
    write_text(at("e/cifar-10-binary.tar.gz"), "no archive, just text");
    expect_error(vb_dataset_open("cifar10", at("e"), &tr, &te, err, sizeof err),
                 at("e/cifar-10-binary.tar.gz"), "not a recognised archive: Unrecognized");
    /* a .gz that lost its last byte: the file, and that it is truncated */
    mkdir(at("fashion-mnist"), 0777);
    make_idx(at("fashion-mnist"), "train", 4, 1);
    make_idx(at("fashion-mnist"), "t10k", 3, 1);
    const char *gz = at("fashion-mnist/t10k-images-idx3-ubyte.gz");
    struct stat st;
    cr_assert_eq(stat(gz, &st), 0);
    cr_assert_eq(truncate(gz, st.st_size - 1), 0);
    expect_error(vb_dataset_open("fashion_mnist", tmp, &tr, &te, err, sizeof err), gz,
                 "truncated");
}

/* ---- search ------------------------------------------------------------------------------- */

Test(data, missing_dataset_says_where_and_how)
{
    vb_dataset tr, te;
    setenv("VITBENCH_DATA", at("nothing-here"), 1);
    expect_error(vb_dataset_open("cifar10", tmp, &tr, &te, err, sizeof err), tmp,
                 "scripts/fetch-data cifar10");
    cr_assert_not_null(strstr(err, "cifar-10-binary.tar.xz"), "%s", err);
    cr_assert_not_null(strstr(err, "nothing-here"), "%s", err);
    expect_error(vb_dataset_open("imagenet", tmp, &tr, &te, err, sizeof err), "imagenet",
                 "known: cifar10");
    /* a data folder given by name that is missing (a typo) is an error, not a search on */
    expect_error(vb_dataset_open("cifar10", at("typo"), &tr, &te, err, sizeof err), "typo",
                 "the data folder given: No such file or directory");
    char buf[4096];
    vb_data_search_path("/x", buf, sizeof buf);
    cr_assert(strncmp(buf, "/x:", 3) == 0 && strstr(buf, "nothing-here") &&
              strstr(buf, "/usr/share/datasets"), "%s", buf);
}

/* ---- image folders ------------------------------------------------------------------------- */

static void expect_small_folder(const vb_dataset *tr)
{
    cr_assert_eq(tr->count, 4);
    cr_assert(tr->h == 32 && tr->w == 32 && tr->c == 3 && tr->classes == 2);
    cr_assert_str_eq(tr->class_names[0], "ant");
    cr_assert_str_eq(tr->class_names[1], "cat");
    int want[4] = {0, 1, 1, 1}; /* ant/x.JPEG, cat/a.png, cat/b.png, cat/c.jpg */
    for (int i = 0; i < 4; i++) cr_assert_eq(tr->labels[i], want[i]);
    const uint8_t *gray = tr->images + 1 * 3072; /* cat/a.png, gray: expanded to RGB */
    for (int p = 0; p < 1024; p++) {
        cr_assert_eq(gray[3 * p], (uint8_t)(2 * 17 + p * 5));
        cr_assert(gray[3 * p] == gray[3 * p + 1] && gray[3 * p] == gray[3 * p + 2]);
    }
    cr_assert_eq(tr->images[2 * 3072 + 100], (uint8_t)(1 * 17 + 100 * 5), "PNG is lossless");
}

Test(data, image_folder_and_archive)
{
    make_image_folder();
    vb_dataset tr, te, tr2;
    OK(vb_read_image_folder(at("imgs"), "train", &tr, err, sizeof err));
    expect_small_folder(&tr);
    OK(vb_read_image_folder(at("imgs"), "test", &te, err, sizeof err));
    cr_assert(te.count == 2 && te.labels[0] == 0 && te.labels[1] == 1);
    make_tar("czf", "imgs.tar.gz", "imgs");
    OK(vb_read_image_folder(at("imgs.tar.gz"), "train", &tr2, err, sizeof err));
    expect_same(&tr, &tr2);
    vb_dataset_free(&tr2);
    /* no part: class folders at the top */
    OK(vb_read_image_folder(at("imgs/train"), NULL, &tr2, err, sizeof err));
    expect_same(&tr, &tr2);
    vb_dataset_free(&tr2);
    vb_dataset_free(&tr);
    vb_dataset_free(&te);
}

Test(data, image_folder_all_gray_stays_one_channel)
{
    write_png(at("g/train/a/1.png"), 8, 6, 1, 1);
    write_png(at("g/train/b/2.png"), 8, 6, 1, 2);
    vb_dataset d;
    OK(vb_read_image_folder(at("g"), "train", &d, err, sizeof err));
    cr_assert(d.c == 1 && d.h == 6 && d.w == 8 && d.count == 2);
    vb_dataset_free(&d);
}

Test(data, image_folder_errors)
{
    make_image_folder();
    vb_dataset d;
    const char *bad = at("imgs/train/cat/c.jpg");
    write_text(bad, "\xff\xd8\xff\xe0 this is not really a JPEG");
    expect_error(vb_read_image_folder(at("imgs"), "train", &d, err, sizeof err), bad,
                 "undecodable JPEG");
    write_jpeg(bad, 32, 32, 3);
    truncate_to(bad, 0.5);
    expect_error(vb_read_image_folder(at("imgs"), "train", &d, err, sizeof err), bad,
                 "undecodable JPEG");
    write_jpeg(bad, 32, 32, 3);
    const char *png = at("imgs/train/cat/b.png");
    write_text(png, "\x89PNG\r\n\x1a\n garbage");
    expect_error(vb_read_image_folder(at("imgs"), "train", &d, err, sizeof err), png,
                 "undecodable PNG");
    write_png(png, 16, 32, 3, 1);
    expect_error(vb_read_image_folder(at("imgs"), "train", &d, err, sizeof err), png,
                 "all images of a part must have one size");
    write_png(png, 32, 32, 3, 1);
    mkdir(at("imgs/train/dog"), 0777);
    expect_error(vb_read_image_folder(at("imgs"), "train", &d, err, sizeof err), "imgs",
                 "class folder train/dog has no images");
    make_tar("czf", "empty.tar.gz", "imgs");
    expect_error(vb_read_image_folder(at("empty.tar.gz"), "train", &d, err, sizeof err),
                 "empty.tar.gz", "class folder train/dog has no images");
    expect_error(vb_read_image_folder(at("imgs"), "val", &d, err, sizeof err), "imgs",
                 "no class folders val/");
}

Test(data, train_and_test_need_the_same_classes)
{
    make_image_folder();
    cr_assert_eq(rename(at("imgs"), at("cifar-100-jpeg")), 0);
    cr_assert_eq(rename(at("cifar-100-jpeg/test/ant"), at("cifar-100-jpeg/test/zz_ant")), 0);
    vb_dataset tr, te;
    expect_error(vb_dataset_open("cifar100", tmp, &tr, &te, err, sizeof err),
                 at("cifar-100-jpeg"), "train/ant has no test/ant");
    /* the same in the archive; and a class only the test part has */
    cr_assert_eq(rename(at("cifar-100-jpeg/test/zz_ant"), at("cifar-100-jpeg/test/ant")), 0);
    write_png(at("cifar-100-jpeg/test/dog/d.png"), 32, 32, 3, 7);
    make_tar("cJf", "x/cifar-100-jpeg.tar.xz", "cifar-100-jpeg");
    expect_error(vb_dataset_open("cifar100", at("x"), &tr, &te, err, sizeof err),
                 at("x/cifar-100-jpeg.tar.xz"), "test/dog has no train/dog");
}

/* ---- import: image folder -> CIFAR binary -> read back ------------------------------------ */

Test(data, import_round_trip)
{
    make_image_folder();
    vb_dataset tr, te, back;
    OK(vb_read_image_folder(at("imgs"), "train", &tr, err, sizeof err));
    OK(vb_read_image_folder(at("imgs"), "test", &te, err, sizeof err));
    mkdir(at("out"), 0777);
    OK(vb_write_cifar_binary(&tr, at("out/train.bin"), err, sizeof err));
    OK(vb_write_cifar_binary(&te, at("out/test.bin"), err, sizeof err));
    OK(vb_read_cifar(at("out"), 1, 1, &back, err, sizeof err));
    expect_same(&tr, &back);
    cr_assert_eq(back.classes, 2);
    cr_assert_str_eq(back.class_names[1], "cat");
    vb_dataset_free(&back);
    OK(vb_read_cifar(at("out"), 1, 0, &back, err, sizeof err));
    expect_same(&te, &back);
    vb_dataset_free(&back);
    vb_dataset_free(&tr);
    vb_dataset_free(&te);
}

Test(data, import_refuses_other_shapes)
{
    write_png(at("s/train/a/1.png"), 28, 28, 3, 1);
    vb_dataset d;
    OK(vb_read_image_folder(at("s"), "train", &d, err, sizeof err));
    const char *out = at("train.bin");
    expect_error(vb_write_cifar_binary(&d, out, err, sizeof err), out, "needs 32x32x3 images");
    vb_dataset_free(&d);
    struct stat st;
    cr_assert_neq(stat(out, &st), 0, "nothing written");
}

/* ---- splits ---------------------------------------------------------------------------------- */

static vb_dataset fake(int64_t n)
{
    vb_dataset d;
    memset(&d, 0, sizeof d);
    d.count = n;
    return d;
}

Test(data, subset_all_and_limit)
{
    vb_dataset d = fake(10);
    vb_subset s;
    cr_assert_eq(vb_subset_all(&d, 0, &s), 0);
    cr_assert(s.count == 10 && s.index[9] == 9 && s.data == &d);
    vb_subset_free(&s);
    cr_assert_eq(vb_subset_all(&d, 4, &s), 0);
    cr_assert(s.count == 4 && s.index[3] == 3);
    /* only a limit under the count shortens a run (--limit 10^8 once marked it shortened) */
    cr_expect(vb_limit_shortens(&d, 4) && vb_limit_shortens(&d, 9));
    cr_expect(!vb_limit_shortens(&d, 0) && !vb_limit_shortens(&d, 10) &&
              !vb_limit_shortens(&d, 100000000));
    vb_subset_free(&s);
}

Test(data, split_keras_last_takes_the_last_fraction)
{
    vb_dataset d = fake(50000);
    vb_subset all, tr, va;
    cr_assert_eq(vb_subset_all(&d, 0, &all), 0);
    cr_assert_eq(vb_subset_split(&all, 0.1, 1, 0, &tr, &va), 0);
    cr_assert_eq(tr.count, 45000); /* int(50000 * (1 - 0.1)) */
    cr_assert_eq(va.count, 5000);
    for (int64_t i = 0; i < va.count; i++) cr_assert_eq(va.index[i], 45000 + i);
    for (int64_t i = 0; i < tr.count; i++) cr_assert_eq(tr.index[i], i);
    vb_subset_free(&tr);
    vb_subset_free(&va);
    vb_subset_free(&all);
    d = fake(7);
    cr_assert_eq(vb_subset_all(&d, 0, &all), 0);
    cr_assert_eq(vb_subset_split(&all, 0.3, 1, 0, &tr, &va), 0);
    cr_assert(tr.count == 4 && va.count == 3 && va.index[0] == 4); /* int(7 * 0.7) = 4 */
    vb_subset_free(&tr);
    vb_subset_free(&va);
    cr_assert_eq(vb_subset_split(&all, 1.0, 1, 0, &tr, &va), -1);
    vb_subset_free(&all);
}

Test(data, split_random_is_seeded_and_disjoint)
{
    vb_dataset d = fake(1000);
    vb_subset all, tr, va, tr2, va2, tr3, va3;
    cr_assert_eq(vb_subset_all(&d, 0, &all), 0);
    cr_assert_eq(vb_subset_split(&all, 0.25, 0, 42, &tr, &va), 0);
    cr_assert_eq(vb_subset_split(&all, 0.25, 0, 42, &tr2, &va2), 0);
    cr_assert_eq(vb_subset_split(&all, 0.25, 0, 43, &tr3, &va3), 0);
    cr_assert(tr.count == 750 && va.count == 250);
    cr_assert_eq(memcmp(va.index, va2.index, 250 * sizeof *va.index), 0, "same seed, same split");
    cr_assert_neq(memcmp(va.index, va3.index, 250 * sizeof *va.index), 0, "seed is used");
    int seen[1000] = {0};
    for (int64_t i = 0; i < tr.count; i++) seen[tr.index[i]]++;
    for (int64_t i = 0; i < va.count; i++) seen[va.index[i]]++;
    for (int i = 0; i < 1000; i++) cr_assert_eq(seen[i], 1, "index %d in both or neither", i);
    int last = 0; /* not simply the tail */
    for (int64_t i = 0; i < va.count; i++) last += va.index[i] >= 750;
    cr_assert_lt(last, 200);
    vb_subset *all_sets[] = {&tr, &va, &tr2, &va2, &tr3, &va3, &all};
    for (int i = 0; i < 7; i++) vb_subset_free(all_sets[i]);
}

Test(data, checksum_is_fnv1a_over_labels_then_images)
{
    uint8_t img[2] = {1, 2};
    int32_t lab[1] = {3};
    vb_dataset d = fake(1);
    d.h = d.w = 1;
    d.c = 2;
    d.images = img;
    d.labels = lab;
    vb_dataset_checksum(&d);
    uint64_t h = 0xcbf29ce484222325ull;
    const uint8_t bytes[6] = {3, 0, 0, 0, 1, 2};
    for (int i = 0; i < 6; i++) h = (h ^ bytes[i]) * 0x100000001b3ull;
    cr_assert_eq(d.checksum, h);
}

/* ---- the real datasets, when present ------------------------------------------------------- */

static const char *real_data_dir(void)
{
    const char *env = getenv("VITBENCH_DATA");
    return env && *env ? env : VB_SRCDIR "/../shared/datasets";
}

static int exists(const char *dir, const char *name)
{
    char path[2048];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Opens a real dataset, or skips when the search path lacks it. */
static void open_real(const char *name, vb_dataset *tr, vb_dataset *te)
{
    double t0 = seconds();
    if (vb_dataset_open(name, real_data_dir(), tr, te, err, sizeof err) != 0) {
        if (strstr(err, "not found")) cr_skip_test("%s absent: %s", name, err);
        cr_assert_fail("%s", err);
    }
    cr_log_info("%s: read in %.2f s from %s", name, seconds() - t0, tr->source);
}

Test(data, real_cifar10, .timeout = 300)
{
    if (!exists(real_data_dir(), "cifar-10-binary.tar.xz") &&
        !exists(real_data_dir(), "cifar-10-batches-bin") &&
        !exists(real_data_dir(), "cifar-10-binary.tar.gz"))
        cr_skip_test("CIFAR-10 not in %s (set VITBENCH_DATA)", real_data_dir());
    vb_dataset tr, te;
    open_real("cifar10", &tr, &te);
    cr_assert_eq(tr.count, 50000);
    cr_assert_eq(te.count, 10000);
    int first[5] = {3, 8, 8, 0, 6}; /* cat, ship, ship, airplane, frog */
    for (int i = 0; i < 5; i++) cr_assert_eq(te.labels[i], first[i], "test label %d", i);
    cr_assert_str_eq(te.class_names[3], "cat");
    vb_dataset_free(&tr);
    vb_dataset_free(&te);
}

Test(data, real_cifar100_jpeg, .timeout = 300)
{
    const char *dir = real_data_dir();
    if (!exists(dir, "cifar-100-jpeg.tar.xz") && !exists(dir, "cifar-100-jpeg"))
        cr_skip_test("CIFAR-100 JPEG not in %s (set VITBENCH_DATA)", dir);
    vb_dataset tr, te;
    double t0 = seconds();
    const char *src = exists(dir, "cifar-100-jpeg") ? "cifar-100-jpeg" : "cifar-100-jpeg.tar.xz";
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, src);
    OK(vb_read_image_folder(path, "train", &tr, err, sizeof err));
    OK(vb_read_image_folder(path, "test", &te, err, sizeof err));
    cr_log_info("cifar-100-jpeg: train + test read in %.2f s", seconds() - t0);
    cr_assert_eq(tr.count, 50000);
    cr_assert_eq(te.count, 10000);
    cr_assert(tr.classes == 100 && te.classes == 100 && tr.c == 3 && tr.h == 32);
    cr_assert_str_eq(tr.class_names[0], "apple");
    vb_dataset_free(&tr);
    vb_dataset_free(&te);
}

Test(data, real_fashion_mnist, .timeout = 300)
{
    vb_dataset tr, te;
    open_real("fashion_mnist", &tr, &te);
    cr_assert_eq(tr.count, 60000);
    cr_assert_eq(te.count, 10000);
    cr_assert(tr.h == 28 && tr.w == 28 && tr.c == 1 && tr.classes == 10);
    vb_dataset_free(&tr);
    vb_dataset_free(&te);
}

/* Distinct labels among a subset's images. */
static int classes_in(const vb_subset *s)
{
    int seen[10] = {0}, n = 0;
    for (int64_t i = 0; i < s->count; i++) {
        int32_t y = s->data->labels[s->index[i]];
        n += !seen[y];
        seen[y] = 1;
    }
    return n;
}

/* A class-sorted dataset (image folders) is taken in a fixed shuffled order: a limit and
 * Keras's "last 10%" must not be a handful of classes. A recorded order stays as it is. */
Test(data, class_sorted_datasets_subset_across_classes)
{
    int32_t labels[1000];
    for (int i = 0; i < 1000; i++) labels[i] = i / 100; /* 10 classes, sorted */
    vb_dataset d = {.count = 1000, .classes = 10, .labels = labels, .class_sorted = 1};
    vb_subset first, again, fit, val;
    cr_assert_eq(vb_subset_all(&d, 100, &first), 0);
    cr_expect_eq(first.count, 100);
    cr_expect_geq(classes_in(&first), 8, "the first 100 hold %d classes", classes_in(&first));
    cr_assert_eq(vb_subset_all(&d, 100, &again), 0);
    cr_expect_arr_eq(first.index, again.index, 100 * sizeof *first.index, "not a fixed order");
    vb_subset all;
    cr_assert_eq(vb_subset_all(&d, 0, &all), 0);
    cr_assert_eq(vb_subset_split(&all, 0.1, 1, 7, &fit, &val), 0);
    cr_expect_geq(classes_in(&val), 8, "Keras's last 10%% holds %d classes", classes_in(&val));
    vb_subset_free(&first);
    vb_subset_free(&again);
    vb_subset_free(&all);
    vb_subset_free(&fit);
    vb_subset_free(&val);

    d.class_sorted = 0; /* CIFAR binaries, IDX: their own order, first N as they come */
    cr_assert_eq(vb_subset_all(&d, 100, &first), 0);
    for (int64_t i = 0; i < 100; i++) cr_expect_eq(first.index[i], i);
    vb_subset_free(&first);
}
