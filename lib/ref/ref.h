/* The reference implementation of every op: plain, readable, single-threaded C that
 * spells out the maths of ops.h. It is the ground truth every backend is checked
 * against and the fallback for any slot a backend leaves NULL. Speed is not a goal. */
#ifndef VITBENCH_REF_H
#define VITBENCH_REF_H

#include "vitbench/backend.h"

/* The complete reference table (name "reference"); every slot is set, no init: the
 * reference keeps no state. */
const vb_backend *vb_reference_backend(void);

/* vb_ref_gemm, vb_ref_conv2d_fwd, ...: one per op of VB_OPS, each of its op's type. The
 * context is never read, so a backend's slot falls back to these with its own context,
 * and a direct call passes NULL. */
#define VB_REF_DECLARE(ID, name, desc, args) VB_OP_DECLARE(vb_ref_, name)
VB_OPS(VB_REF_DECLARE)
#undef VB_REF_DECLARE

/* The initializer of a table whose every slot is the reference, and which keeps nothing
 * (no init: its slots receive a NULL context). */
#define VB_REF_SLOT(ID, name, desc, args) VB_OP_SLOT(vb_ref_, name)
#define VB_REF_TABLE(table_name, table_version)                                          \
    {                                                                                    \
        .abi_major = VB_ABI_MAJOR, .abi_minor = VB_ABI_MINOR,                            \
        .struct_size = sizeof(vb_backend), .name = (table_name),                         \
        .version = (table_version), VB_OPS(VB_REF_SLOT)                                  \
    }

#endif
