/* The fuzz targets replayed over every file in tests/fuzz/TARGET/: inputs `make fuzz`
 * found — crashes once fixed, and corner cases of each format — must keep running to an
 * error or a result, never a crash (with --enable-sanitizers: never a sanitizer report
 * either). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fuzz_model_cfg_one(const uint8_t *data, size_t size);
int fuzz_recipe_cfg_one(const uint8_t *data, size_t size);
int fuzz_suite_cfg_one(const uint8_t *data, size_t size);
int fuzz_safetensors_one(const uint8_t *data, size_t size);
int fuzz_cifar_one(const uint8_t *data, size_t size);
int fuzz_idx_one(const uint8_t *data, size_t size);
int fuzz_image_folder_one(const uint8_t *data, size_t size);
int fuzz_gzip_one(const uint8_t *data, size_t size);

/* Runs one target over every file of its folder; returns how many. */
static int replay(const char *target, int (*one)(const uint8_t *, size_t))
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/%s", VB_SRCDIR, target);
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "%s: missing", dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f, "%s", path);
        static uint8_t buf[1 << 20];
        size_t size = fread(buf, 1, sizeof buf, f);
        fclose(f);
        cr_log_info("%s", path);
        cr_expect_eq(one(buf, size), 0, "%s", path);
        n++;
    }
    closedir(d);
    return n;
}

Test(fuzz_replay, model_cfg) { cr_expect_gt(replay("model_cfg", fuzz_model_cfg_one), 0); }
Test(fuzz_replay, recipe_cfg) { cr_expect_gt(replay("recipe_cfg", fuzz_recipe_cfg_one), 0); }
Test(fuzz_replay, suite_cfg) { cr_expect_gt(replay("suite_cfg", fuzz_suite_cfg_one), 0); }
Test(fuzz_replay, safetensors) { cr_expect_gt(replay("safetensors", fuzz_safetensors_one), 0); }
Test(fuzz_replay, cifar) { cr_expect_gt(replay("cifar", fuzz_cifar_one), 0); }
Test(fuzz_replay, idx) { cr_expect_gt(replay("idx", fuzz_idx_one), 0); }
Test(fuzz_replay, image_folder) { cr_expect_gt(replay("image_folder", fuzz_image_folder_one), 0); }
Test(fuzz_replay, gzip) { cr_expect_gt(replay("gzip", fuzz_gzip_one), 0); }
