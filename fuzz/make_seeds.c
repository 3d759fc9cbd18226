/* Writes a small valid input for each fuzz target into SEEDS/TARGET/, so the fuzzers start
 * from inputs the readers accept: a safetensors file, a CIFAR batch (plain and in a tar),
 * an IDX pair, a tar of PNG class folders, gzip files (an IDX file, a tar, two members).
 * Model descriptions come from suites/models.
 *
 *   make_seeds SEEDS */
#include <archive.h>
#include <archive_entry.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include "vitbench/safetensors.h"

static char root[512];

static FILE *open_seed(const char *target, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, target);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/%s/%s", root, target, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    return f;
}

static void seed(const char *target, const char *name, const void *data, size_t size)
{
    FILE *f = open_seed(target, name);
    fwrite(data, 1, size, f);
    fclose(f);
}

/* A tar in memory holding the given members. */
static size_t tar_of(unsigned char *out, size_t cap, const char *const *names,
                     const void *const *data, const size_t *sizes, int n)
{
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    size_t used = 0;
    archive_write_open_memory(a, out, cap, &used);
    for (int i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, names[i]);
        archive_entry_set_size(e, (la_int64_t)sizes[i]);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_write_header(a, e);
        archive_write_data(a, data[i], sizes[i]);
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return used;
}

static void safetensors_seed(void)
{
    float w[6] = {1, 2, 3, 4, 5, 6};
    int64_t shape[2] = {2, 3};
    vb_st_writer wr;
    vb_st_writer_init(&wr);
    vb_st_writer_add(&wr, "param.dense.weight", VB_ST_F32, 2, shape, w);
    vb_st_writer_meta(&wr, "format", "vitbench-checkpoint");
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/safetensors", root);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/safetensors/tiny.safetensors", root);
    if (vb_st_writer_write(&wr, path, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    vb_st_writer_free(&wr);
}

/* Two CIFAR records (label byte + 3072 pixel bytes); the target's first byte picks the
 * plain file (0) or a tar (1). */
static void cifar_seeds(void)
{
    static unsigned char records[1 + 2 * 3073], tar[65536];
    records[0] = 0;
    for (int r = 0; r < 2; r++) {
        records[1 + r * 3073] = (unsigned char)(r + 3);
        for (int i = 1; i < 3073; i++) records[1 + r * 3073 + i] = (unsigned char)(i * 7 + r);
    }
    seed("cifar", "batch.bin", records, sizeof records);
    const char *names[] = {"cifar-10-batches-bin/data_batch_1.bin"};
    const void *data[] = {records + 1};
    size_t sizes[] = {2 * 3073};
    tar[0] = 1;
    size_t n = tar_of(tar + 1, sizeof tar - 1, names, data, sizes, 1);
    seed("cifar", "batch.tar", tar, n + 1);
}

/* Two 4x4 images and their labels; the first two bytes put the cut after the images. */
static void idx_seed(void)
{
    unsigned char images[16 + 32] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 4};
    unsigned char labels[8 + 2] = {0, 0, 8, 1, 0, 0, 0, 2, 1, 7};
    for (int i = 16; i < 48; i++) images[i] = (unsigned char)(i * 5);
    unsigned char input[2 + sizeof images + sizeof labels] = {0, sizeof images};
    memcpy(input + 2, images, sizeof images);
    memcpy(input + 2 + sizeof images, labels, sizeof labels);
    seed("idx", "pair.idx", input, sizeof input);
}

/* An 2x2 RGB PNG in memory. */
static size_t png_of(unsigned char *out, size_t cap, unsigned char shade)
{
    png_image img = {.version = PNG_IMAGE_VERSION, .width = 2, .height = 2,
                     .format = PNG_FORMAT_RGB};
    unsigned char px[12];
    for (int i = 0; i < 12; i++) px[i] = (unsigned char)(shade + i * 9);
    png_alloc_size_t size = cap;
    if (!png_image_write_to_memory(&img, out, &size, 0, px, 0, NULL)) exit(1);
    return size;
}

static void image_folder_seed(void)
{
    static unsigned char a[4096], b[4096], tar[65536];
    const char *names[] = {"train/cat/a.png", "train/dog/b.png"};
    const void *data[] = {a, b};
    size_t sizes[] = {png_of(a, sizeof a, 10), png_of(b, sizeof b, 200)};
    size_t n = tar_of(tar, sizeof tar, names, data, sizes, 2);
    seed("image_folder", "two_classes.tar", tar, n);
}

/* data as one gzip member, appended at out; its size. */
static size_t gzip_of(unsigned char *out, size_t cap, const void *data, size_t size)
{
    z_stream z = {0};
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) exit(1);
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)size;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) exit(1);
    deflateEnd(&z);
    return cap - z.avail_out;
}

static void gzip_seeds(void)
{
    static unsigned char idx[16 + 32] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 4};
    static unsigned char tar[65536], gz[65536];
    for (int i = 16; i < 48; i++) idx[i] = (unsigned char)(i * 5);
    size_t n = gzip_of(gz, sizeof gz, idx, sizeof idx);
    seed("gzip", "idx.gz", gz, n);
    n += gzip_of(gz + n, sizeof gz - n, idx, sizeof idx); /* a second member */
    seed("gzip", "two_members.gz", gz, n);
    const char *names[] = {"d/test_batch.bin"};
    const void *data[] = {idx};
    size_t sizes[] = {sizeof idx};
    size_t t = tar_of(tar, sizeof tar, names, data, sizes, 1);
    seed("gzip", "batch.tar.gz", gz, gzip_of(gz, sizeof gz, tar, t));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds SEEDS\n");
        return 2;
    }
    snprintf(root, sizeof root, "%s", argv[1]);
    mkdir(root, 0777);
    safetensors_seed();
    cifar_seeds();
    idx_seed();
    image_folder_seed();
    gzip_seeds();
    return 0;
}
