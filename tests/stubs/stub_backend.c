/* One deliberately broken (or partial) backend per STUB_* flag, for the loader tests.
 * Each variant is built from this file as its own shared object (tests/core.mk). */
#include <signal.h>
#include <stdio.h>
#include "vitbench/backend.h"

static int gemm_stub(vb_backend_ctx *ctx, const vb_gemm_desc *d, const float *a,
                     const float *b, const float *bias, float *c)
{
    return VB_OK;
}

static vb_backend table = {
    .abi_major = VB_ABI_MAJOR,
    .abi_minor = VB_ABI_MINOR,
    .struct_size = sizeof(vb_backend),
    .name = STUB_NAME,
    .version = "stub 0",
    .gemm = gemm_stub,
};

#if defined(STUB_NO_ENTRY)
const vb_backend *vb_backend_entry_misspelt(void) { return &table; }

#elif defined(STUB_WRONG_MAJOR)
const vb_backend *vb_backend_entry(void)
{
    table.abi_major = VB_ABI_MAJOR + 98;
    return &table;
}

#elif defined(STUB_ABI2)
/* A backend built against ABI 2.0's headers: the header (version, size, names) is laid out
 * as in every ABI, so the loader reads it and refuses the rest. */
const vb_backend *vb_backend_entry(void)
{
    table.abi_major = 2;
    table.abi_minor = 0;
    return &table;
}

#elif defined(STUB_SHORT_TABLE)
/* Must never be called: it fills the slots beyond struct_size, which the loader must
 * not adopt. */
static int poison(void) { return 99; }

/* An "older" table that ends after its first three slots; garbage follows. */
const vb_backend *vb_backend_entry(void)
{
    for (int op = 3; op < VB_OP_COUNT; op++) table.slot[op] = (vb_slot_fn)poison;
    table.slot[1] = (vb_slot_fn)gemm_stub;
    table.slot[2] = (vb_slot_fn)gemm_stub;
    table.struct_size = (uint32_t)(offsetof(vb_backend, slot) + 3 * sizeof(vb_slot_fn));
    return &table;
}

#elif defined(STUB_PROBE_FAILS)
static int probe_unavailable(char *why, size_t why_len)
{
    snprintf(why, why_len, "stub: required frobnicator not present");
    return 0;
}

const vb_backend *vb_backend_entry(void)
{
    table.probe = probe_unavailable;
    return &table;
}

#elif defined(STUB_INIT_CRASHES)
static int init_crashes(const vb_backend_init_opts *opts, vb_backend_ctx **ctx)
{
    raise(SIGSEGV); /* a backend bug, as a user would meet it */
    return 0;
}

const vb_backend *vb_backend_entry(void)
{
    table.init = init_crashes;
    return &table;
}

#elif defined(STUB_INIT_FAILS)
static int init_fails(const vb_backend_init_opts *opts, vb_backend_ctx **ctx)
{
    return VB_EBACKEND;
}

const vb_backend *vb_backend_entry(void)
{
    table.init = init_fails;
    return &table;
}

#elif defined(STUB_OP_CRASHES)
/* A sound table whose gemm crashes: a backend bug met mid-run, after init. */
static int gemm_crashes(vb_backend_ctx *ctx, const vb_gemm_desc *d, const float *a,
                        const float *b, const float *bias, float *c)
{
    raise(SIGSEGV);
    return VB_OK;
}

const vb_backend *vb_backend_entry(void)
{
    table.gemm = gemm_crashes;
    return &table;
}

#else /* a valid backend that implements only gemm: every other slot falls back */
const vb_backend *vb_backend_entry(void) { return &table; }
#endif
