/* safetensors reader/writer: round trip, a file from the Python writer (golden.py's
 * st_write), and corrupt files each rejected with a one-line error naming the file. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "vitbench/safetensors.h"

/* Written by scripts/golden.py's st_write (json.dumps header, larger dtypes first,
 * space padding): w F32 (2,3) = 0, 0.5, .., 2.5; labels I32 (4) = 3 -1 7 0;
 * norm F64 (2) = 1.25 -2.5; index I64 scalar = 42; empty F32 (0,4); metadata
 * format = vitbench-golden and "quote\"key" = "tab\there \u00e9". */
static const unsigned char PYTHON_FILE[] = {
    0xa0, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7b, 0x22, 0x5f, 0x5f, 0x6d, 0x65, 0x74, 0x61,
    0x64, 0x61, 0x74, 0x61, 0x5f, 0x5f, 0x22, 0x3a, 0x20, 0x7b, 0x22, 0x66, 0x6f, 0x72, 0x6d, 0x61,
    0x74, 0x22, 0x3a, 0x20, 0x22, 0x76, 0x69, 0x74, 0x62, 0x65, 0x6e, 0x63, 0x68, 0x2d, 0x67, 0x6f,
    0x6c, 0x64, 0x65, 0x6e, 0x22, 0x2c, 0x20, 0x22, 0x71, 0x75, 0x6f, 0x74, 0x65, 0x5c, 0x22, 0x6b,
    0x65, 0x79, 0x22, 0x3a, 0x20, 0x22, 0x74, 0x61, 0x62, 0x5c, 0x74, 0x68, 0x65, 0x72, 0x65, 0x20,
    0x5c, 0x75, 0x30, 0x30, 0x65, 0x39, 0x22, 0x7d, 0x2c, 0x20, 0x22, 0x6e, 0x6f, 0x72, 0x6d, 0x22,
    0x3a, 0x20, 0x7b, 0x22, 0x64, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3a, 0x20, 0x22, 0x46, 0x36, 0x34,
    0x22, 0x2c, 0x20, 0x22, 0x73, 0x68, 0x61, 0x70, 0x65, 0x22, 0x3a, 0x20, 0x5b, 0x32, 0x5d, 0x2c,
    0x20, 0x22, 0x64, 0x61, 0x74, 0x61, 0x5f, 0x6f, 0x66, 0x66, 0x73, 0x65, 0x74, 0x73, 0x22, 0x3a,
    0x20, 0x5b, 0x30, 0x2c, 0x20, 0x31, 0x36, 0x5d, 0x7d, 0x2c, 0x20, 0x22, 0x69, 0x6e, 0x64, 0x65,
    0x78, 0x22, 0x3a, 0x20, 0x7b, 0x22, 0x64, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3a, 0x20, 0x22, 0x49,
    0x36, 0x34, 0x22, 0x2c, 0x20, 0x22, 0x73, 0x68, 0x61, 0x70, 0x65, 0x22, 0x3a, 0x20, 0x5b, 0x5d,
    0x2c, 0x20, 0x22, 0x64, 0x61, 0x74, 0x61, 0x5f, 0x6f, 0x66, 0x66, 0x73, 0x65, 0x74, 0x73, 0x22,
    0x3a, 0x20, 0x5b, 0x31, 0x36, 0x2c, 0x20, 0x32, 0x34, 0x5d, 0x7d, 0x2c, 0x20, 0x22, 0x77, 0x22,
    0x3a, 0x20, 0x7b, 0x22, 0x64, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3a, 0x20, 0x22, 0x46, 0x33, 0x32,
    0x22, 0x2c, 0x20, 0x22, 0x73, 0x68, 0x61, 0x70, 0x65, 0x22, 0x3a, 0x20, 0x5b, 0x32, 0x2c, 0x20,
    0x33, 0x5d, 0x2c, 0x20, 0x22, 0x64, 0x61, 0x74, 0x61, 0x5f, 0x6f, 0x66, 0x66, 0x73, 0x65, 0x74,
    0x73, 0x22, 0x3a, 0x20, 0x5b, 0x32, 0x34, 0x2c, 0x20, 0x34, 0x38, 0x5d, 0x7d, 0x2c, 0x20, 0x22,
    0x6c, 0x61, 0x62, 0x65, 0x6c, 0x73, 0x22, 0x3a, 0x20, 0x7b, 0x22, 0x64, 0x74, 0x79, 0x70, 0x65,
    0x22, 0x3a, 0x20, 0x22, 0x49, 0x33, 0x32, 0x22, 0x2c, 0x20, 0x22, 0x73, 0x68, 0x61, 0x70, 0x65,
    0x22, 0x3a, 0x20, 0x5b, 0x34, 0x5d, 0x2c, 0x20, 0x22, 0x64, 0x61, 0x74, 0x61, 0x5f, 0x6f, 0x66,
    0x66, 0x73, 0x65, 0x74, 0x73, 0x22, 0x3a, 0x20, 0x5b, 0x34, 0x38, 0x2c, 0x20, 0x36, 0x34, 0x5d,
    0x7d, 0x2c, 0x20, 0x22, 0x65, 0x6d, 0x70, 0x74, 0x79, 0x22, 0x3a, 0x20, 0x7b, 0x22, 0x64, 0x74,
    0x79, 0x70, 0x65, 0x22, 0x3a, 0x20, 0x22, 0x46, 0x33, 0x32, 0x22, 0x2c, 0x20, 0x22, 0x73, 0x68,
    0x61, 0x70, 0x65, 0x22, 0x3a, 0x20, 0x5b, 0x30, 0x2c, 0x20, 0x34, 0x5d, 0x2c, 0x20, 0x22, 0x64,
    0x61, 0x74, 0x61, 0x5f, 0x6f, 0x66, 0x66, 0x73, 0x65, 0x74, 0x73, 0x22, 0x3a, 0x20, 0x5b, 0x36,
    0x34, 0x2c, 0x20, 0x36, 0x34, 0x5d, 0x7d, 0x7d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf4, 0x3f,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xc0, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0xc0, 0x3f,
    0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x20, 0x40, 0x03, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
    0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static char path[256];

static void make_path(const char *tag)
{
    snprintf(path, sizeof path, "/tmp/vb_test_st_%ld_%s.safetensors", (long)getpid(), tag);
}

static void write_bytes(const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(p, 1, n, f), n);
    fclose(f);
}

/* A file with the given header text (length written as is) and data_bytes zero bytes. */
static void write_file(const char *header, size_t data_bytes)
{
    size_t n = strlen(header);
    unsigned char buf[4096] = {0};
    cr_assert(8 + n + data_bytes <= sizeof buf);
    for (int i = 0; i < 8; i++) buf[i] = (unsigned char)((uint64_t)n >> (8 * i));
    memcpy(buf + 8, header, n);
    write_bytes(buf, 8 + n + data_bytes);
}

/* Reading path must fail with a one-line error naming the file and containing want. */
static void expect_reject(const char *want)
{
    vb_st_file f;
    char err[512] = "";
    cr_assert_eq(vb_st_read(&f, path, err, sizeof err), -1, "accepted; wanted \"%s\"", want);
    cr_assert_not_null(strstr(err, path), "error does not name the file: %s", err);
    cr_assert_not_null(strstr(err, want), "error \"%s\" lacks \"%s\"", err, want);
    cr_assert_null(strchr(err, '\n'), "multi-line error: %s", err);
    cr_assert_eq(f.count, 0);
    cr_assert_null(f.data);
    remove(path);
}

Test(safetensors, round_trip)
{
    float w[3][4];
    for (int i = 0; i < 12; i++) w[i / 4][i % 4] = (float)i * 0.25f - 1.0f;
    int32_t labels[5] = {4, 0, 9, -3, 2};
    double d[2] = {3.5, -1e300};
    int64_t big = INT64_C(1) << 40;

    vb_st_writer wr;
    vb_st_writer_init(&wr);
    cr_assert_eq(vb_st_writer_add(&wr, "dense.0.weight", VB_ST_F32, 2, (int64_t[]){3, 4}, w), 0);
    cr_assert_eq(vb_st_writer_add(&wr, "labels", VB_ST_I32, 1, (int64_t[]){5}, labels), 0);
    cr_assert_eq(vb_st_writer_add(&wr, "d", VB_ST_F64, 1, (int64_t[]){2}, d), 0);
    cr_assert_eq(vb_st_writer_add(&wr, "odd \"name\"\n", VB_ST_I64, 0, NULL, &big), 0);
    cr_assert_eq(vb_st_writer_add(&wr, "labels", VB_ST_I32, 1, (int64_t[]){5}, labels), -1);
    cr_assert_eq(vb_st_writer_add(&wr, "__metadata__", VB_ST_I32, 1, (int64_t[]){5}, labels), -1);
    cr_assert_eq(vb_st_writer_meta(&wr, "format", "vitbench-golden"), 0);
    cr_assert_eq(vb_st_writer_meta(&wr, "format", "again"), -1);
    cr_assert_eq(vb_st_writer_meta(&wr, "note", "tab\tand \\ and \"quotes\""), 0);
    make_path("round");
    char err[512] = "";
    cr_assert_eq(vb_st_writer_write(&wr, path, err, sizeof err), 0, "%s", err);
    vb_st_writer_free(&wr);

    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    cr_assert_neq(access(tmp, F_OK), 0, "temporary file left behind");

    vb_st_file f;
    cr_assert_eq(vb_st_read(&f, path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(f.count, 4);
    const vb_st_tensor *t = vb_st_find(&f, "dense.0.weight");
    cr_assert_not_null(t);
    cr_assert_eq(t->dtype, VB_ST_F32);
    cr_assert_eq(t->ndim, 2);
    cr_assert_eq(t->shape[0], 3);
    cr_assert_eq(t->shape[1], 4);
    cr_assert_eq(t->numel, 12);
    cr_assert_eq((uintptr_t)t->data % 4, 0);
    cr_assert_eq(memcmp(t->data, w, sizeof w), 0);
    t = vb_st_find(&f, "labels");
    cr_assert_eq(t->dtype, VB_ST_I32);
    cr_assert_eq(memcmp(t->data, labels, sizeof labels), 0);
    t = vb_st_find(&f, "d");
    cr_assert_eq(t->dtype, VB_ST_F64);
    cr_assert_eq((uintptr_t)t->data % 8, 0);
    cr_assert_eq(memcmp(t->data, d, sizeof d), 0);
    t = vb_st_find(&f, "odd \"name\"\n");
    cr_assert_not_null(t);
    cr_assert_eq(t->ndim, 0);
    cr_assert_eq(t->numel, 1);
    cr_assert_eq(*(const int64_t *)t->data, big);
    cr_assert_null(vb_st_find(&f, "missing"));
    cr_assert_str_eq(vb_st_meta_get(&f, "format"), "vitbench-golden");
    cr_assert_str_eq(vb_st_meta_get(&f, "note"), "tab\tand \\ and \"quotes\"");
    cr_assert_null(vb_st_meta_get(&f, "absent"));
    vb_st_close(&f);
    remove(path);
}

static void check_python_file(const vb_st_file *f)
{
    cr_assert_eq(f->count, 5);
    const vb_st_tensor *t = vb_st_find(f, "w");
    cr_assert_eq(t->dtype, VB_ST_F32);
    cr_assert_eq(t->ndim, 2);
    for (int i = 0; i < 6; i++) cr_assert_eq(((const float *)t->data)[i], 0.5f * (float)i);
    t = vb_st_find(f, "labels");
    const int32_t want[4] = {3, -1, 7, 0};
    cr_assert_eq(memcmp(t->data, want, sizeof want), 0);
    t = vb_st_find(f, "norm");
    cr_assert_eq(((const double *)t->data)[1], -2.5);
    t = vb_st_find(f, "index");
    cr_assert_eq(t->ndim, 0);
    cr_assert_eq(*(const int64_t *)t->data, 42);
    t = vb_st_find(f, "empty");
    cr_assert_eq(t->numel, 0);
    cr_assert_eq(t->bytes, 0);
    cr_assert_str_eq(vb_st_meta_get(f, "format"), "vitbench-golden");
    cr_assert_str_eq(vb_st_meta_get(f, "quote\"key"), "tab\there \xc3\xa9");
}

Test(safetensors, reads_the_python_writer)
{
    vb_st_file f;
    char err[512] = "";
    cr_assert_eq(vb_st_parse(&f, "python", PYTHON_FILE, sizeof PYTHON_FILE, err, sizeof err), 0,
                 "%s", err);
    check_python_file(&f);
    vb_st_close(&f);

    make_path("python");
    write_bytes(PYTHON_FILE, sizeof PYTHON_FILE);
    cr_assert_eq(vb_st_read(&f, path, err, sizeof err), 0, "%s", err);
    check_python_file(&f);
    vb_st_close(&f);
    remove(path);
}

Test(safetensors, rejects_truncated_files)
{
    make_path("trunc");
    write_bytes(PYTHON_FILE, 5);
    expect_reject("too short");
    make_path("trunc_data");
    write_bytes(PYTHON_FILE, sizeof PYTHON_FILE - 4);
    expect_reject("tensor 'labels': data_offsets [48, 64] outside"); /* cut 4 bytes short */
    make_path("trunc_header");
    write_bytes(PYTHON_FILE, 100);
    expect_reject("header length");
}

Test(safetensors, rejects_header_length_beyond_the_file)
{
    make_path("hlen");
    unsigned char bad[sizeof PYTHON_FILE];
    memcpy(bad, PYTHON_FILE, sizeof bad);
    bad[0] = 0xff, bad[1] = 0xff; /* header length 65535+ in a 488-byte file */
    write_bytes(bad, sizeof bad);
    expect_reject("header length");
    make_path("hlen_zero");
    write_bytes("\0\0\0\0\0\0\0\0{}", 10);
    expect_reject("header length 0");
}

Test(safetensors, rejects_bad_json)
{
    static const char *cases[][2] = {
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1] \"data_offsets\":[0,4]}}", "expected '}'"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", "expected '}'"},
        {"{\"a:{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "expected ':'"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "non-negative integer"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} x", "trailing"},
        {"[1]", "not a JSON object"},
        {"{\"a\\q\":{}}", "bad escape"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", "tensor 'a': unexpected"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", "tensor 'a': needs"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
         "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "duplicate tensor"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "two entries"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}", "too large"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        make_path("json");
        write_file(cases[i][0], 8);
        expect_reject(cases[i][1]);
    }
    make_path("json_offset"); /* the byte offset counts from the start of the file */
    write_file("{\"a\" {}}", 0);
    expect_reject("header byte 13: expected ':'");
}

Test(safetensors, rejects_offsets_out_of_range)
{
    make_path("range");
    write_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4);
    expect_reject("tensor 'a': data_offsets [0, 8] outside the data region (4 bytes");
    make_path("backwards");
    write_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}", 4);
    expect_reject("tensor 'a': data_offsets [4, 0]");
}

Test(safetensors, rejects_overlaps_gaps_and_leftovers)
{
    make_path("overlap");
    write_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
               "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
    expect_reject("tensor 'b': data [4, 12) overlaps tensor 'a'");
    make_path("gap");
    write_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
               "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12);
    expect_reject("gap before tensor 'b'");
    make_path("leftover");
    write_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8);
    expect_reject("4 bytes after the last tensor");
    make_path("misaligned");
    write_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
               "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[4,12]}}", 12);
    expect_reject("tensor 'b': offset 4 not aligned");
}

Test(safetensors, rejects_shape_size_mismatch)
{
    make_path("size");
    write_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
    expect_reject("tensor 'a': 8 bytes in data_offsets but shape × F32 needs 12");
}

Test(safetensors, rejects_unknown_dtype)
{
    make_path("dtype");
    write_file("{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4);
    expect_reject("tensor 'a': unknown dtype \"BF16\"");
}

Test(safetensors, reports_a_missing_file)
{
    make_path("missing");
    remove(path);
    expect_reject("No such file");
}

/* SIGKILL in the middle of a write — of the file, its sync or the rename — leaves the
 * previous file whole: the writer fills "path.tmp.PID" and renames it over path. A child
 * rewrites a 4 MiB tensor with a new fill value again and again and is killed at varying
 * moments; every time, the file must load and hold one value throughout. */
static void write_filled(const char *file, float value, float *buf, int64_t n)
{
    for (int64_t i = 0; i < n; i++) buf[i] = value;
    vb_st_writer w;
    vb_st_writer_init(&w);
    char err[512];
    if (vb_st_writer_add(&w, "param.x", VB_ST_F32, 1, &n, buf) ||
        vb_st_writer_write(&w, file, err, sizeof err))
        _exit(3);
    vb_st_writer_free(&w);
}

Test(safetensors, sigkill_during_a_write_keeps_the_previous_file, .timeout = 60)
{
    enum { N = 1 << 20 };
    char dir[] = "/tmp/vb-st-kill-XXXXXX", file[64], err[512];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/checkpoint.safetensors", dir);
    float *buf = malloc(N * sizeof *buf);
    cr_assert_not_null(buf);
    write_filled(file, 1.0f, buf, N);
    for (int round = 0; round < 12; round++) {
        pid_t child = fork();
        cr_assert_geq(child, 0);
        if (child == 0)
            for (float v = 2.0f;; v += 1.0f) write_filled(file, v, buf, N);
        struct timespec pause = {0, (long)(1 + round * 7) * 1000000L}; /* 1..78 ms */
        nanosleep(&pause, NULL);
        kill(child, SIGKILL);
        int status;
        waitpid(child, &status, 0);
        cr_assert(WIFSIGNALED(status), "the writer ended by itself (status %d)", status);
        vb_st_file f;
        cr_assert_eq(vb_st_read(&f, file, err, sizeof err), 0, "round %d: %s", round, err);
        const vb_st_tensor *t = vb_st_find(&f, "param.x");
        cr_assert_not_null(t);
        cr_assert_eq(t->numel, N);
        const float *x = t->data;
        for (int64_t i = 1; i < N; i++)
            cr_assert_eq(x[i], x[0], "round %d: a mixed file (%g at 0, %g at %lld)", round,
                         x[0], x[i], (long long)i);
        vb_st_close(&f);
    }
    free(buf);
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    cr_assert_eq(system(command), 0);
}
