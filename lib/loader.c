/* Backend discovery, version negotiation and reference fallback (see loader.h). */
#include "vitbench/loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../lib/ref/ref.h"
#include "build_tree.h"
#include "vitbench/cfg.h"
#include "vitbench/cpu.h"

static const char *const op_names[VB_OP_COUNT] = {
#define VB_OP_NAME(ID, name, desc, args) #name,
    VB_OPS(VB_OP_NAME)
#undef VB_OP_NAME
};

const char *vb_op_name(vb_op op)
{
    return ((int)op >= 0 && op < VB_OP_COUNT) ? op_names[op] : "?";
}

vb_op vb_op_from_name(const char *name)
{
    for (int i = 0; i < VB_OP_COUNT; i++)
        if (strcmp(op_names[i], name) == 0) return (vb_op)i;
    return VB_OP_COUNT;
}

/* ---- search path -------------------------------------------------------------------- */

#define MAX_SEARCH_DIRS 32

/* Fills dirs with the search folders in order; returns how many. The strings point into
 * storage (which must outlive dirs). */
static int search_dirs(char *storage, size_t storage_len, const char *dirs[MAX_SEARCH_DIRS])
{
    int count = 0;
    const char *env = getenv("VITBENCH_BACKEND_PATH");
    snprintf(storage, storage_len, "%s", env ? env : "");
    for (char *save = NULL, *dir = strtok_r(storage, ":", &save);
         dir && count < MAX_SEARCH_DIRS - 1; dir = strtok_r(NULL, ":", &save))
        if (*dir) dirs[count++] = dir;
    dirs[count++] = vb_in_build_tree() ? VB_BUILDDIR "/backends/.libs" : VB_PKGLIBDIR;
    return count;
}

int vb_backend_find(const char *name, char *path, size_t path_len, char *err, size_t err_len)
{
    char storage[4096];
    const char *dirs[MAX_SEARCH_DIRS];
    int count = search_dirs(storage, sizeof storage, dirs);
    for (int i = 0; i < count; i++) {
        snprintf(path, path_len, "%s/vitbench-%s.so", dirs[i], name);
        if (access(path, R_OK) == 0) return 0;
    }
    int n = snprintf(err, err_len, "backend '%s' not found (looked for vitbench-%s.so in", name,
                     name);
    for (int i = 0; i < count && n >= 0 && (size_t)n < err_len; i++)
        n += snprintf(err + n, err_len - (size_t)n, "%s %s", i ? "," : "", dirs[i]);
    if (n >= 0 && (size_t)n < err_len) snprintf(err + n, err_len - (size_t)n, ")");
    return -1;
}

int vb_backend_discover(char names[][64], int max)
{
    char storage[4096];
    const char *dirs[MAX_SEARCH_DIRS];
    int count = search_dirs(storage, sizeof storage, dirs), found = 0;
    for (int i = 0; i < count; i++) {
        DIR *dir = opendir(dirs[i]);
        if (!dir) continue;
        for (struct dirent *e; (e = readdir(dir)) && found < max;) {
            size_t len = strlen(e->d_name);
            if (len <= 12 || strncmp(e->d_name, "vitbench-", 9) != 0 ||
                strcmp(e->d_name + len - 3, ".so") != 0 || len - 12 >= 64)
                continue;
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(len - 12), e->d_name + 9);
            int duplicate = 0;
            for (int j = 0; j < found; j++) duplicate |= strcmp(names[j], name) == 0;
            if (!duplicate) snprintf(names[found++], 64, "%s", name);
        }
        closedir(dir);
    }
    return found;
}

/* ---- loading ------------------------------------------------------------------------ */

/* Copies the slots the backend's table actually has (those inside struct_size) and fills
 * every other or NULL slot from the reference, recording which. */
static void adopt_table(vb_loaded_backend *b, const vb_backend *table)
{
    const vb_backend *ref = vb_reference_backend();
    size_t have = table->struct_size < sizeof(vb_backend) ? table->struct_size
                                                          : sizeof(vb_backend);
    memcpy(&b->ops, ref, sizeof b->ops);
    memcpy(&b->ops, table, have);
    for (int op = 0; op < VB_OP_COUNT; op++) {
        size_t slot_end = offsetof(vb_backend, slot) + (size_t)(op + 1) * sizeof(vb_slot_fn);
        int present = slot_end <= have && table->slot[op] != NULL;
        b->fallback[op] = !present;
        b->ops.slot[op] = present ? table->slot[op] : ref->slot[op];
    }
    b->native_supports = b->ops.supports;
    b->abi_major = table->abi_major;
    b->abi_minor = table->abi_minor;
    snprintf(b->name, sizeof b->name, "%s", table->name);
    snprintf(b->version, sizeof b->version, "%s", table->version ? table->version : "?");
}

/* The header fields every table must have, whatever its version. */
#define HEADER_SIZE (offsetof(vb_backend, version) + sizeof(const char *))

static const vb_backend *open_table(const char *path, void **handle, char *err, size_t err_len)
{
    /* RTLD_NODELETE: a backend's OpenMP worker threads, thread-local scratch and the
     * exit handlers of the libraries it pulls in (OpenBLAS, libgomp) outlive dlclose();
     * unmapping its code under them crashes the process at exit. */
    *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!*handle) {
        snprintf(err, err_len, "%s: cannot load: %s", path, dlerror());
        return NULL;
    }
    vb_backend_entry_fn entry;
    *(void **)&entry = dlsym(*handle, VB_BACKEND_ENTRY_SYMBOL);
    const vb_backend *table = entry ? entry() : NULL;
    const char *why = !entry ? "no " VB_BACKEND_ENTRY_SYMBOL " symbol (not a vitbench backend)"
                      : !table ? VB_BACKEND_ENTRY_SYMBOL "() returned NULL"
                      : table->struct_size < HEADER_SIZE ? "struct_size too small for the header"
                      : table->abi_major != VB_ABI_MAJOR ? "ABI major version mismatch"
                      : !table->name || !vb_is_name(table->name)
                          ? "its name is not 1 to 63 letters, digits, '_' and '-' (it names "
                            "run folders)"
                          : NULL;
    if (why && table && table->abi_major != VB_ABI_MAJOR && table->struct_size >= HEADER_SIZE)
        snprintf(err, err_len, "%s: %s: backend has ABI %u.%u, vitbench %s needs ABI %u.x "
                 "(rebuild the backend against this vitbench's headers)", path, why,
                 table->abi_major, table->abi_minor, PACKAGE_VERSION, VB_ABI_MAJOR);
    else if (why)
        snprintf(err, err_len, "%s: %s", path, why);
    if (why) {
        dlclose(*handle);
        *handle = NULL;
        return NULL;
    }
    return table;
}

const char *vb_precision_name(vb_precision p)
{
    switch (p) {
    case VB_PRECISION_F32: return "f32";
    case VB_PRECISION_BF16: return "bf16";
    }
    return "?";
}

/* Makes the context: init(opts), or, for a backend without init, nothing — which can only
 * compute f32. */
static int make_context(vb_loaded_backend *b, const vb_backend_init_opts *opts,
                        const char *where, char *err, size_t err_len)
{
    const vb_backend *table = &b->ops;
    int rc = table->init ? table->init(opts, &b->ctx)
                         : opts->precision == VB_PRECISION_F32 ? VB_OK : VB_EUNSUPPORTED;
    if (rc == VB_EUNSUPPORTED)
        snprintf(err, err_len, "%s: backend '%s' does not compute in precision %s%s", where,
                 b->name, vb_precision_name(opts->precision),
                 opts->precision == VB_PRECISION_BF16 && !vb_cpu_has_bf16()
                     ? " (this CPU lacks the AVX512-BF16 instructions)"
                     : "");
    else if (rc != VB_OK)
        snprintf(err, err_len, "%s: backend '%s' failed to initialise (code %d)", where,
                 b->name, rc);
    return rc == VB_OK ? 0 : -1;
}

/* probe() then the context, read from the adopted table (so a field beyond a short
 * table's struct_size is never touched); on failure err says which and why. */
static int start_backend(vb_loaded_backend *b, const vb_backend_init_opts *opts, char *err,
                         size_t err_len)
{
    const vb_backend *table = &b->ops;
    const char *where = b->path[0] ? b->path : b->name;
    if (table->probe) {
        char why[256] = "no reason given";
        if (!table->probe(why, sizeof why)) {
            snprintf(err, err_len, "%s: backend '%s' unavailable on this machine: %s", where,
                     b->name, why);
            return -1;
        }
    }
    return make_context(b, opts, where, err, err_len);
}

vb_loaded_backend *vb_backend_load(const char *name_or_path, int threads, char *err,
                                   size_t err_len)
{
    const vb_backend_init_opts opts = {.struct_size = sizeof opts,
                                       .threads = threads > 0 ? threads : 1,
                                       .precision = VB_PRECISION_F32};
    return vb_backend_load_with(name_or_path, &opts, err, err_len);
}

vb_loaded_backend *vb_backend_load_with(const char *name_or_path,
                                        const vb_backend_init_opts *opts, char *err,
                                        size_t err_len)
{
    if (opts->threads < 1 || opts->threads > VB_MAX_THREADS) {
        snprintf(err, err_len, "backend '%s': %d threads asked, at %s %d", name_or_path,
                 opts->threads, opts->threads < 1 ? "least" : "most",
                 opts->threads < 1 ? 1 : VB_MAX_THREADS);
        return NULL;
    }
    vb_loaded_backend *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, err_len, "out of memory loading backend '%s'", name_or_path);
        return NULL;
    }
    b->threads = opts->threads;
    b->precision = opts->precision;
    const vb_backend *table;
    if (strcmp(name_or_path, "reference") == 0) {
        table = vb_reference_backend();
    } else {
        if (strchr(name_or_path, '/'))
            snprintf(b->path, sizeof b->path, "%s", name_or_path);
        else if (vb_backend_find(name_or_path, b->path, sizeof b->path, err, err_len) != 0)
            goto fail;
        table = open_table(b->path, &b->dl_handle, err, err_len);
        if (!table) goto fail;
    }
    adopt_table(b, table);
    if (start_backend(b, opts, err, err_len) == 0) return b;
fail:
    if (b->dl_handle) dlclose(b->dl_handle);
    free(b);
    return NULL;
}

void vb_backend_unload(vb_loaded_backend *b)
{
    if (!b) return;
    if (b->ops.shutdown && b->ctx) b->ops.shutdown(b->ctx);
    if (b->dl_handle) dlclose(b->dl_handle);
    free(b);
}

/* A backend tried in a child first, then loaded here (the built-in reference needs no
 * trial). The trial catches crashes and hangs; a precision the backend refuses is a clean
 * error of the load itself. */
static vb_loaded_backend *load_checked(const char *name_or_path,
                                       const vb_backend_init_opts *opts, char *err,
                                       size_t err_len)
{
    if (strcmp(name_or_path, "reference") != 0 &&
        vb_backend_try_isolated(name_or_path, opts->threads, err, err_len) != 0)
        return NULL;
    return vb_backend_load_with(name_or_path, opts, err, err_len);
}

vb_loaded_backend *vb_backend_select(const char *cli_name, int threads, char *err,
                                     size_t err_len)
{
    const vb_backend_init_opts opts = {.struct_size = sizeof opts,
                                       .threads = threads > 0 ? threads : 1,
                                       .precision = VB_PRECISION_F32};
    return vb_backend_select_with(cli_name, &opts, err, err_len);
}

vb_loaded_backend *vb_backend_select_with(const char *cli_name,
                                          const vb_backend_init_opts *opts, char *err,
                                          size_t err_len)
{
    const char *chosen = cli_name && *cli_name ? cli_name : getenv("VITBENCH_BACKEND");
    if (chosen && *chosen) return load_checked(chosen, opts, err, err_len);
    char list[] = VB_DEFAULT_BACKENDS;
    for (char *save = NULL, *name = strtok_r(list, ",", &save); name;
         name = strtok_r(NULL, ",", &save)) {
        vb_loaded_backend *b = load_checked(name, opts, err, err_len);
        if (b) return b;
    }
    if (opts->precision != VB_PRECISION_F32)
        snprintf(err, err_len, "no backend computes in precision %s here%s (tried %s)",
                 vb_precision_name(opts->precision),
                 vb_cpu_has_bf16() ? "" : ": this CPU lacks the AVX512-BF16 instructions",
                 VB_DEFAULT_BACKENDS);
    else
        snprintf(err, err_len, "no backend could be loaded (tried %s; set "
                 "VITBENCH_BACKEND_PATH or build one)", VB_DEFAULT_BACKENDS);
    return NULL;
}

int vb_backend_runs_natively(const vb_loaded_backend *b, vb_op op, const void *desc)
{
    if ((int)op < 0 || op >= VB_OP_COUNT || b->fallback[op]) return 0;
    return b->native_supports ? b->native_supports(b->ctx, op, desc) != 0 : 1;
}
