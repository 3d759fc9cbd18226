/* The openblas backend's own ops, shared between its files. */
#ifndef VITBENCH_BACKEND_OPENBLAS_H
#define VITBENCH_BACKEND_OPENBLAS_H

#include "vitbench/backend.h"

/* The GEMM slot (ops.h semantics) on single-threaded cblas_sgemm calls, spread over the
 * OpenMP threads by gemm.c. Returns VB_EUNSUPPORTED for sizes beyond OpenBLAS's int. */
int vb_openblas_gemm(const vb_gemm_desc *d, const float *a, const float *b,
                     const float *bias, float *c);

/* 1 if vb_openblas_gemm can take this descriptor (every size fits a blasint). */
int vb_openblas_gemm_fits(const vb_gemm_desc *d);

#endif
