/* Error checking for oneDNN calls: a failing call becomes a VB_E* code, never an abort. */
#ifndef VITBENCH_ONEDNN_CHECK_H
#define VITBENCH_ONEDNN_CHECK_H

#include <oneapi/dnnl/dnnl.h>
#include "vitbench/backend.h"

static inline int vb_dnnl_err(dnnl_status_t s)
{
    if (s == dnnl_success)
        return VB_OK;
    return s == dnnl_out_of_memory ? VB_ENOMEM : VB_EBACKEND;
}

/* Returns from the enclosing function when a call fails. */
#define VB_DNNL_TRY(call)                    \
    do {                                     \
        int vb_err_ = vb_dnnl_err(call);     \
        if (vb_err_ != VB_OK)                \
            return vb_err_;                  \
    } while (0)

/* Same, for a status that is already a VB_E* code. */
#define VB_TRY(call)                         \
    do {                                     \
        int vb_err_ = (call);                \
        if (vb_err_ != VB_OK)                \
            return vb_err_;                  \
    } while (0)

#endif
