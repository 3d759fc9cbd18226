/* omp backend internals: its context, and the contract between the GEMM driver (gemm.c)
 * and its parts — the SIMD microkernels, packing and the packing scratch.
 *
 * The driver cuts C into MR×NR tiles. A microkernel computes one tile over a slice of K,
 *   acc (mr×nr) = Σ_p  Ap(i, p) · Bp(p, j)
 * from packed panels of A and B, then stores  C = alpha·acc + beta·C [+ bias]  with
 * masked edges. */
#ifndef VB_OMP_GEMM_H
#define VB_OMP_GEMM_H

#include <stddef.h>
#include <stdint.h>
#include "vitbench/ops.h"
#include "../common/common.h"

/* The backend's context: the shared kernels' part (threads, GEMM, their scratch), then
 * the GEMM's packing scratch, one slice per thread. */
struct vb_backend_ctx {
    vb_common_ctx common;
    float *pack;     /* 64-byte aligned */
    size_t pack_cap; /* floats */
};

/* How a kernel writes its tile: C = alpha·acc + beta·C (beta == 0: C is not read),
 * then + bias[j] on every row when bias is non-NULL. */
typedef struct vb_omp_store {
    float alpha, beta;
    const float *bias; /* bias of the tile's first column, or NULL */
} vb_omp_store;

/* One tile: mr ≤ MR rows, nr ≤ NR columns, kc steps of K.
 *   Ap(i, p) = ap[p·MR + i]        (a packed A panel, see vb_omp_pack_a)
 *   Bp(p, j) = bp[p·ldb + j]        (a packed B panel, ldb = NR; or B itself, read
 *                                    in place, lanes j ≥ nr never touched)
 *   C(i, j) = c[i·ldc + j] */
typedef void (*vb_omp_kernel_fn)(int64_t kc, const float *ap, const float *bp, int64_t ldb,
                                 float *c, int64_t ldc, int mr, int nr,
                                 const vb_omp_store *st);

/* A microkernel with its register-block shape. */
typedef struct vb_omp_isa {
    const char *name; /* "avx512", "avx2", "generic" */
    int mr, nr;
    vb_omp_kernel_fn kernel;
} vb_omp_isa;

extern const vb_omp_isa vb_omp_isa_avx512, vb_omp_isa_avx2, vb_omp_isa_generic;

/* The best kernel this CPU runs (checked once, at run time). */
const vb_omp_isa *vb_omp_isa_select(void);

/* Packs op(A)[0:mc, 0:kc] into ceil(mc/mr) panels of kc columns × mr rows: panel q
 * holds rows [q·mr, q·mr + mr), element (i, p) at p·mr + i — the MR values one step of
 * the kernel broadcasts, side by side. Rows past the edge are left unset (a partial
 * tile never reads them). op(A)(i, p) = a[i·lda + p], or a[p·lda + i] when trans. */
void vb_omp_pack_a(const float *a, int64_t lda, int trans, int64_t mc, int64_t kc, int mr,
                   float *dst);

/* Packs op(B)[0:kc, 0:nc] into ceil(nc/nr) panels of kc rows × nr floats, zero-padded
 * on the right: panel q holds columns [q·nr, q·nr + nr). op(B)(p, j) = b[p·ldb + j],
 * or b[j·ldb + p] when trans. */
void vb_omp_pack_b(const float *b, int64_t ldb, int trans, int64_t kc, int64_t nc, int nr,
                   float *dst);

/* The activation epilogue on an mr×nr tile of C, in place (while it is hot in L1). */
void vb_omp_tile_act(vb_act act, float *c, int64_t ldc, int mr, int nr);

/* The context's grow-only, 64-byte aligned packing scratch of at least `floats` floats;
 * NULL when out of memory. Never shrinks, so steady-state calls do not allocate. */
float *vb_omp_scratch(vb_backend_ctx *ctx, size_t floats);
/* Frees it. */
void vb_omp_scratch_release(vb_backend_ctx *ctx);

VB_OP_DECLARE(vb_omp_, gemm)

#endif
