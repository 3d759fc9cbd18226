/* Finding, loading and describing backends.
 *
 * Selection: an explicit name (--backend NAME) wins, then the VITBENCH_BACKEND environment
 * variable, then the default list (the first of onednn, openblas, omp, naive that loads).
 * A name containing '/' is a path to a shared object; any other name NAME is looked up
 * as vitbench-NAME.so in each folder of VITBENCH_BACKEND_PATH (':'-separated), then in
 * the build tree's backends/.libs for a program run from the build tree (so everything
 * works uninstalled), or the installed pkglibdir for an installed one. "reference" is the
 * built-in reference and needs no file.
 *
 * A loaded backend has every slot set: NULL slots of the shared object are filled from
 * the reference and marked in `fallback`, so a report can always say which ops ran where.
 * It also holds the context its init made: call a slot as  b->ops.gemm(b->ctx, &d, ...).
 * One file may be loaded several times; each load is its own context (its own threads). */
#ifndef VITBENCH_LOADER_H
#define VITBENCH_LOADER_H

#include <stddef.h>
#include "vitbench/backend.h"

#define VB_DEFAULT_BACKENDS "onednn,openblas,omp,naive"

typedef struct vb_loaded_backend {
    vb_backend ops;                    /* every slot set (after fallback filling) */
    char name[64];
    char version[128];
    char path[1024];                   /* "" for the built-in reference */
    uint32_t abi_major, abi_minor;     /* as the backend declared them */
    unsigned char fallback[VB_OP_COUNT]; /* 1 = slot filled from the reference */
    int threads;                       /* what the context runs its ops on */
    vb_precision precision;            /* what the context computes in */
    vb_backend_ctx *ctx;               /* from init; NULL for a backend without one */
    void *dl_handle;                   /* NULL for the built-in reference */
    int (*native_supports)(vb_backend_ctx *ctx, vb_op op, const void *desc); /* or NULL */
} vb_loaded_backend;

/* The most threads a backend is started with. Each OpenMP thread reserves a stack, and
 * libgomp fails (or crashes) creating tens of thousands of them; no CPU these models run
 * on has more than a few hundred cores, so a larger count is a typo, refused up front. */
#define VB_MAX_THREADS 1024

/* Loads by name or path, probes it, and makes an f32 context of `threads` threads
 * (1..VB_MAX_THREADS; 0 or less means 1). On failure returns NULL and writes one line to
 * err saying which file and why (not found: the folders searched; ABI mismatch: both
 * versions; probe: the backend's own reason; init: what it refused). */
vb_loaded_backend *vb_backend_load(const char *name_or_path, int threads, char *err,
                                   size_t err_len);

/* The same with every init option given (opts->threads 1..VB_MAX_THREADS). A precision the
 * backend does not compute is refused naming the backend and the precision. */
vb_loaded_backend *vb_backend_load_with(const char *name_or_path,
                                        const vb_backend_init_opts *opts, char *err,
                                        size_t err_len);

/* "f32", "bf16", or "?" for a value outside vb_precision. */
const char *vb_precision_name(vb_precision p);

/* Loads, probes, inits and unloads the backend in a child process: 0 when that worked (the
 * caller then loads it for real), -1 with one line in err when it failed, crashed (the
 * signal is named) or hung. Call it before the process has run OpenMP work, which a forked
 * child cannot safely repeat: a backend that passed once is remembered (by its file) and
 * not forked for again. */
int vb_backend_try_isolated(const char *name_or_path, int threads, char *err, size_t err_len);

/* Calls shutdown(ctx) and dlclose(). NULL is ignored. */
void vb_backend_unload(vb_loaded_backend *b);

/* Resolves the selection rule above: cli_name (may be NULL) > $VITBENCH_BACKEND > default
 * list. Returns the first that loads, or NULL with err set. Each candidate is first tried
 * in a child process (vb_backend_try_isolated), so a broken shared object or a backend
 * that crashes in its entry, probe or init ends in one line, not in a crash of the caller;
 * a backend that passed once in this process is not tried again. */
vb_loaded_backend *vb_backend_select(const char *cli_name, int threads, char *err,
                                     size_t err_len);
/* The same with every init option given: the first backend of the list that computes in
 * opts->precision. */
vb_loaded_backend *vb_backend_select_with(const char *cli_name,
                                          const vb_backend_init_opts *opts, char *err,
                                          size_t err_len);

/* Finds the shared object for a backend name along the search path. Returns 0 and
 * writes the path, or -1 and writes the folders searched into err. */
int vb_backend_find(const char *name, char *path, size_t path_len, char *err,
                    size_t err_len);

/* Names of the backends found along the search path (without loading them), in search
 * order, duplicates removed. Returns how many were written (at most max). */
int vb_backend_discover(char names[][64], int max);

/* 1 if the loaded backend computes this case itself; 0 if it declined (or the slot is a
 * reference fallback). The descriptor must already pass vb_desc_check. */
int vb_backend_runs_natively(const vb_loaded_backend *b, vb_op op, const void *desc);

/* "gemm", "conv2d_fwd", ... (the slot name), or "?" for an out-of-range op. */
const char *vb_op_name(vb_op op);

/* The op whose slot name is `name`, or VB_OP_COUNT if none. */
vb_op vb_op_from_name(const char *name);

#endif
