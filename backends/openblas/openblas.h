/* The openblas backend's context and own ops, shared between its files. */
#ifndef VITBENCH_BACKEND_OPENBLAS_H
#define VITBENCH_BACKEND_OPENBLAS_H

#include "vitbench/backend.h"
#include "../common/common.h"

/* The backend's context: the shared kernels' part is all it needs. */
struct vb_backend_ctx {
    vb_common_ctx common;
};

/* The GEMM slot (ops.h semantics) on single-threaded cblas_sgemm calls, spread over the
 * context's OpenMP threads by gemm.c. Returns VB_EUNSUPPORTED for sizes beyond OpenBLAS's
 * int. */
VB_OP_DECLARE(vb_openblas_, gemm)

/* 1 if vb_openblas_gemm can take this descriptor (every size fits a blasint). */
int vb_openblas_gemm_fits(const vb_gemm_desc *d);

#endif
