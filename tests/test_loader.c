/* Loader: version negotiation, short tables, missing symbols, probe/init failures,
 * recorded reference fallbacks, and the selection rule (--backend > env > default). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/cpu.h"
#include "vitbench/loader.h"
#include "../lib/ref/ref.h"

#define STUB(name) STUB_DIR "/vitbench-" name ".so"

static char err[2048];

/* Loads a stub by path, expecting failure; returns the error line. */
static const char *load_must_fail(const char *path)
{
    err[0] = '\0';
    vb_loaded_backend *b = vb_backend_load(path, 1, err, sizeof err);
    cr_assert_null(b, "%s loaded but should have been refused", path);
    cr_assert(strchr(err, '\n') == NULL, "error must be one line: %s", err);
    cr_assert(strstr(err, path) != NULL, "error must name the file: %s", err);
    return err;
}

Test(loader, reference_is_built_in_and_complete)
{
    vb_loaded_backend *b = vb_backend_load("reference", 2, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    cr_assert_str_eq(b->name, "reference");
    for (int op = 0; op < VB_OP_COUNT; op++) {
        cr_assert_not_null(b->ops.slot[op], "reference slot %s is NULL", vb_op_name(op));
        cr_assert_eq(b->fallback[op], 0);
    }
    vb_backend_unload(b);
}

Test(loader, naive_loads_from_build_tree_without_fallbacks)
{
    vb_loaded_backend *b = vb_backend_load("naive", 1, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    cr_assert_str_eq(b->name, "naive");
    cr_assert(strstr(b->path, "vitbench-naive.so") != NULL, "path %s", b->path);
    cr_assert_eq(b->abi_major, VB_ABI_MAJOR);
    for (int op = 0; op < VB_OP_COUNT; op++)
        cr_assert_eq(b->fallback[op], 0, "naive falls back for %s", vb_op_name(op));
    vb_backend_unload(b);
}

Test(loader, wrong_major_is_refused_naming_both_versions)
{
    const char *msg = load_must_fail(STUB("stub-major"));
    char want[64];
    snprintf(want, sizeof want, "ABI %d.", VB_ABI_MAJOR + 98);
    cr_assert(strstr(msg, want) != NULL, "backend version missing: %s", msg);
    snprintf(want, sizeof want, "needs ABI %d.x", VB_ABI_MAJOR);
    cr_assert(strstr(msg, want) != NULL, "our version missing: %s", msg);
}

/* A backend's name becomes part of run folders: one that is not a name (here "../up";
 * NULL and "" once made the folders "X.?.seed1" and "X..seed1") is refused. */
Test(loader, a_name_that_is_not_a_name_is_refused)
{
    const char *msg = load_must_fail(STUB("stub-badname"));
    cr_assert(strstr(msg, "vitbench-stub-badname.so: its name is not") != NULL, "%s", msg);
}

/* A backend built for ABI 2 (no contexts) is refused before anything of it runs. */
Test(loader, abi2_backend_is_refused_naming_both_versions)
{
    const char *msg = load_must_fail(STUB("stub-abi2"));
    cr_assert(strstr(msg, "backend has ABI 2.0") != NULL, "backend version missing: %s", msg);
    char want[64];
    snprintf(want, sizeof want, "needs ABI %d.x", VB_ABI_MAJOR);
    cr_assert(strstr(msg, want) != NULL, "our version missing: %s", msg);
}

/* onednn and omp compute bf16 where the CPU has AVX512-BF16; every other backend, with an
 * init or without, refuses it in one line naming itself and the precision (and, on a CPU
 * without the instructions, saying so). f32 with the same options always loads. */
static int computes_bf16(const char *name)
{
    return vb_cpu_has_bf16() && (strcmp(name, "onednn") == 0 || strcmp(name, "omp") == 0);
}

Test(loader, bf16_loads_where_computed_and_is_refused_elsewhere)
{
    char names[16][64];
    int n = vb_backend_discover(names, 16);
    snprintf(names[n++], 64, "reference");
    cr_assert_geq(n, 3, "the build tree has at least naive and skeleton");
    for (int i = 0; i < n; i++) {
        vb_backend_init_opts opts = {.struct_size = sizeof opts, .threads = 1,
                                     .precision = VB_PRECISION_BF16};
        err[0] = '\0';
        vb_loaded_backend *b = vb_backend_load_with(names[i], &opts, err, sizeof err);
        if (computes_bf16(names[i])) {
            cr_expect(b && b->precision == VB_PRECISION_BF16, "%s: %s", names[i], err);
        } else {
            cr_expect_null(b, "%s accepted bf16", names[i]);
            cr_expect(strstr(err, names[i]) && strstr(err, "precision bf16") &&
                          !strchr(err, '\n') &&
                          (vb_cpu_has_bf16() || strstr(err, "lacks the AVX512-BF16")),
                      "%s: %s", names[i], err);
        }
        vb_backend_unload(b);
        opts.precision = VB_PRECISION_F32;
        b = vb_backend_load_with(names[i], &opts, err, sizeof err);
        cr_expect_not_null(b, "%s: %s", names[i], err);
        cr_expect(b == NULL || b->precision == VB_PRECISION_F32);
        vb_backend_unload(b);
    }
}

Test(loader, missing_entry_symbol_is_refused)
{
    const char *msg = load_must_fail(STUB("stub-noentry"));
    cr_assert(strstr(msg, VB_BACKEND_ENTRY_SYMBOL) != NULL, "%s", msg);
}

Test(loader, probe_failure_reports_the_backends_reason)
{
    const char *msg = load_must_fail(STUB("stub-probe"));
    cr_assert(strstr(msg, "frobnicator") != NULL, "%s", msg);
}

Test(loader, init_failure_is_reported)
{
    const char *msg = load_must_fail(STUB("stub-init"));
    cr_assert(strstr(msg, "initialise") != NULL, "%s", msg);
}

Test(loader, unknown_name_lists_the_folders_searched)
{
    setenv("VITBENCH_BACKEND_PATH", "/nonexistent/a:/nonexistent/b", 1);
    vb_loaded_backend *b = vb_backend_load("no-such-backend", 1, err, sizeof err);
    unsetenv("VITBENCH_BACKEND_PATH");
    cr_assert_null(b);
    cr_assert(strstr(err, "no-such-backend") && strstr(err, "/nonexistent/a") &&
                  strstr(err, "/nonexistent/b") && strstr(err, "backends/.libs"),
              "%s", err);
}

Test(loader, short_table_reads_only_slots_inside_struct_size)
{
    vb_loaded_backend *b = vb_backend_load(STUB("stub-short"), 1, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    const vb_backend *ref = vb_reference_backend();
    for (int op = 0; op < VB_OP_COUNT; op++) {
        int expect_fallback = op >= 3;
        cr_assert_eq(b->fallback[op], expect_fallback, "slot %s", vb_op_name(op));
        if (expect_fallback)
            cr_assert_eq((void *)b->ops.slot[op], (void *)ref->slot[op],
                         "slot %s beyond struct_size was adopted", vb_op_name(op));
    }
    vb_backend_unload(b);
}

Test(loader, null_slots_fall_back_and_are_recorded)
{
    vb_loaded_backend *b = vb_backend_load(STUB("stub-partial"), 1, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    cr_assert_eq(b->fallback[VB_OP_GEMM], 0);
    cr_assert_eq(b->fallback[VB_OP_CONV2D_FWD], 1);
    cr_assert_eq(vb_backend_runs_natively(b, VB_OP_CONV2D_FWD, NULL), 0);
    cr_assert_eq((void *)b->ops.conv2d_fwd, (void *)vb_reference_backend()->conv2d_fwd);
    vb_backend_unload(b);
}

Test(loader, selection_cli_beats_env_beats_default)
{
    setenv("VITBENCH_BACKEND", STUB("stub-partial"), 1);
    vb_loaded_backend *from_env = vb_backend_select(NULL, 1, err, sizeof err);
    vb_loaded_backend *from_cli = vb_backend_select("reference", 1, err, sizeof err);
    unsetenv("VITBENCH_BACKEND");
    vb_loaded_backend *by_default = vb_backend_select(NULL, 1, err, sizeof err);
    cr_assert_not_null(from_env);
    cr_assert_not_null(from_cli);
    cr_assert_not_null(by_default, "%s", err);
    cr_assert_str_eq(from_env->name, "stub-partial");
    cr_assert_str_eq(from_cli->name, "reference");
    cr_assert(strstr(VB_DEFAULT_BACKENDS, by_default->name) != NULL, "%s", by_default->name);
    vb_backend_unload(from_env);
    vb_backend_unload(from_cli);
    vb_backend_unload(by_default);
}

Test(loader, discovery_follows_the_search_path)
{
    setenv("VITBENCH_BACKEND_PATH", STUB_DIR, 1);
    char names[64][64];
    int n = vb_backend_discover(names, 64);
    char path[1024];
    int found = vb_backend_find("stub-partial", path, sizeof path, err, sizeof err);
    unsetenv("VITBENCH_BACKEND_PATH");
    int saw_stub = 0, saw_naive = 0;
    for (int i = 0; i < n; i++) {
        saw_stub |= strcmp(names[i], "stub-partial") == 0;
        saw_naive |= strcmp(names[i], "naive") == 0;
    }
    cr_assert(saw_stub && saw_naive, "discovered %d backends", n);
    cr_assert_eq(found, 0, "%s", err);
    cr_assert(strncmp(path, STUB_DIR, strlen(STUB_DIR)) == 0, "%s", path);
}

Test(loader, op_names_round_trip)
{
    for (int op = 0; op < VB_OP_COUNT; op++)
        cr_assert_eq(vb_op_from_name(vb_op_name(op)), op, "%s", vb_op_name(op));
    cr_assert_eq(vb_op_from_name("no_such_op"), VB_OP_COUNT);
    cr_assert_str_eq(vb_op_name(VB_OP_COUNT), "?");
}

/* A backend that crashes in init, tried in a child, is reported with its signal; the
 * parent goes on. A healthy one passes; one that fails cleanly gives its own reason. */
Test(loader, a_backend_crashing_in_init_is_caught_in_a_child)
{
    cr_assert_eq(vb_backend_try_isolated(STUB("stub-crash"), 1, err, sizeof err), -1);
    /* "(signal 11, ...)", or an exit status where a sanitizer catches the signal first */
    cr_expect_not_null(strstr(err, "crashed while loading ("), "%s", err);
    cr_expect_not_null(strstr(err, "stub-crash"), "%s", err);
    cr_expect_null(strchr(err, '\n'), "%s", err);
    cr_expect_eq(vb_backend_try_isolated(STUB("stub-partial"), 1, err, sizeof err), 0, "%s", err);
    cr_expect_eq(vb_backend_try_isolated(STUB("stub-init"), 1, err, sizeof err), -1);
    cr_expect_not_null(strstr(err, "initialise"), "%s", err);
}

/* The backend a program selects (by --backend, or VITBENCH_BACKEND by path) is tried in a
 * child before it is loaded: one whose init crashes, or a shared object cut short (which
 * dlopen maps and then faults on), ends in one line instead of taking the process down. */
Test(loader, selecting_a_broken_backend_is_an_error_not_a_crash)
{
    cr_assert_null(vb_backend_select(STUB("stub-crash"), 1, err, sizeof err));
    cr_expect(strstr(err, "stub-crash") && strstr(err, "crashed while loading ("), "%s", err);

    char cut[] = "/tmp/vb_test_loader_cut_XXXXXX.so";
    int fd = mkstemps(cut, 3);
    FILE *from = fopen(BUILD_BACKEND_DIR "/vitbench-naive.so", "rb"), *to = fdopen(fd, "wb");
    cr_assert(from && to);
    char buf[20000];
    size_t n = fread(buf, 1, sizeof buf, from); /* the ELF headers, not what they map */
    fwrite(buf, 1, n, to);
    fclose(from);
    fclose(to);
    setenv("VITBENCH_BACKEND", cut, 1);
    vb_loaded_backend *b = vb_backend_select(NULL, 1, err, sizeof err);
    unsetenv("VITBENCH_BACKEND");
    remove(cut);
    cr_assert_null(b);
    cr_expect(strstr(err, cut) != NULL, "%s", err);
    cr_expect_null(strchr(err, '\n'), "%s", err);
}

/* A thread count no machine has is refused before the backend starts any thread. */
Test(loader, absurd_thread_counts_are_refused)
{
    cr_assert_null(vb_backend_load("reference", 100000, err, sizeof err));
    cr_expect_not_null(strstr(err, "100000 threads asked, at most 1024"), "%s", err);
    vb_loaded_backend *b = vb_backend_load("reference", VB_MAX_THREADS, err, sizeof err);
    cr_expect_not_null(b, "%s", err);
    vb_backend_unload(b);
}
