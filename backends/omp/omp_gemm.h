/* omp backend internals: its context, and the contract between the GEMM driver (gemm.c)
 * and its parts — the SIMD microkernels, packing and the packing scratch.
 *
 * The driver cuts C into MR×NR tiles. A microkernel computes one tile over a slice of K,
 *   acc (mr×nr) = Σ_p  Ap(i, p) · Bp(p, j)
 * from packed panels of A and B, then stores  C = alpha·acc + beta·C [+ bias]  with
 * masked edges.
 *
 * Panels are made of 32-bit words, each holding the values of kpack consecutive steps of
 * K: one f32 (kpack = 1), or a pair of bf16 (kpack = 2, what one VDPBF16PS lane takes).
 * kc steps are ceil(kc/kpack) words; an odd kc pads the last bf16 pair of both panels with
 * zero, so the padding multiplies to zero. */
#ifndef VB_OMP_GEMM_H
#define VB_OMP_GEMM_H

#include <stddef.h>
#include <stdint.h>
#include "vitbench/ops.h"
#include "../common/common.h"

/* The backend's context: the shared kernels' part (threads, precision, GEMM, their
 * scratch), then the GEMM's packing scratch, one slice per thread. */
struct vb_backend_ctx {
    vb_common_ctx common;
    uint32_t *pack;  /* panel words, 64-byte aligned */
    size_t pack_cap; /* words */
};

/* How a kernel writes its tile: C = alpha·acc + beta·C (beta == 0: C is not read),
 * then + bias[j] on every row when bias is non-NULL. */
typedef struct vb_omp_store {
    float alpha, beta;
    const float *bias; /* bias of the tile's first column, or NULL */
} vb_omp_store;

/* One tile: mr ≤ MR rows, nr ≤ NR columns, kc steps of K, in words g = p / kpack:
 *   Ap(i, g) = ap[g·MR + i]        (a packed A panel, see vb_omp_pack_a)
 *   Bp(g, j) = bp[g·ldb + j]        (a packed B panel, ldb = NR; or, f32 only, B itself
 *                                    read in place, lanes j ≥ nr never touched)
 *   C(i, j) = c[i·ldc + j] */
typedef void (*vb_omp_kernel_fn)(int64_t kc, const void *ap, const void *bp, int64_t ldb,
                                 float *c, int64_t ldc, int mr, int nr,
                                 const vb_omp_store *st);

/* A microkernel file's vb_omp_kernel_fn, `name`: it runs TILE_CASE(m) — a `case m:` the
 * file defines, calling its tile code at m rows for the widths it has — for every row
 * count m of ROWS (VB_OMP_ROWS_6 or VB_OMP_ROWS_12, the kernel's MR). */
#define VB_OMP_ROWS_6(X) X(1) X(2) X(3) X(4) X(5) X(6)
#define VB_OMP_ROWS_12(X) VB_OMP_ROWS_6(X) X(7) X(8) X(9) X(10) X(11) X(12)
#define VB_OMP_KERNEL(name, ROWS)                                                          \
    static void name(int64_t kc, const void *ap, const void *bp, int64_t ldb, float *c,   \
                     int64_t ldc, int mr, int nr, const vb_omp_store *st)                 \
    {                                                                                      \
        switch (mr) { ROWS(TILE_CASE) }                                                    \
    }

/* The same for a vb_omp_kernel_rows_fn, `name`, whose A words have type T (float, or
 * uint32_t bf16 pairs): ROWS_CASE(m) is the file's `case m:` with A read as rows. */
#define VB_OMP_KERNEL_ROWS(name, ROWS, T)                                                  \
    static void name(int64_t kc, const void *a, int64_t lda, const void *bp, int64_t ldb, \
                     float *c, int64_t ldc, int mr, int nr, const vb_omp_store *st)       \
    {                                                                                      \
        const T *ap = a;                                                                   \
        switch (mr) { ROWS(ROWS_CASE) }                                                    \
    }

/* Packs op(A)[0:mc, 0:kc] into ceil(mc/mr) panels of kw = ceil(kc/kpack) words × mr
 * rows: panel q holds rows [q·mr, q·mr + mr) from word q·mr·kw, word (i, g) at g·mr + i —
 * the MR words one step of the kernel broadcasts, side by side. Rows past the edge are
 * left unset (a partial tile never reads them). op(A)(i, p) = a[i·lda + p], or
 * a[p·lda + i] when trans. */
typedef void (*vb_omp_pack_a_fn)(const float *a, int64_t lda, int trans, int64_t mc,
                                 int64_t kc, int mr, void *dst);

/* Packs op(B)[0:kc, 0:nc] into ceil(nc/nr) panels of kw = ceil(kc/kpack) rows × nr
 * words, zero-padded on the right: panel q holds columns [q·nr, q·nr + nr) from word
 * q·nr·kw. op(B)(p, j) = b[p·ldb + j], or b[j·ldb + p] when trans. */
typedef void (*vb_omp_pack_b_fn)(const float *b, int64_t ldb, int trans, int64_t kc,
                                 int64_t nc, int nr, void *dst);

/* The kernel with A read as rows of words: Ap(i, g) = a[i·lda + g] — an f32 matrix stored
 * m×k, read in place (kpack = 1), or the rows pack_a_rows made (kpack = 2). */
typedef void (*vb_omp_kernel_rows_fn)(int64_t kc, const void *a, int64_t lda,
                                      const void *bp, int64_t ldb, float *c, int64_t ldc,
                                      int mr, int nr, const vb_omp_store *st);

/* Converts rows [0, mc) of A stored m×k (steps [0, kc) of each) into rows of
 * kw = ceil(kc/kpack) words, row i at dst[i·kw], for kernel_rows: no transpose, so
 * cheaper than packing panels. */
typedef void (*vb_omp_pack_a_rows_fn)(const float *a, int64_t lda, int64_t mc, int64_t kc,
                                      void *dst);

/* A microkernel with its register-block shape and the packing that feeds it. */
typedef struct vb_omp_isa {
    const char *name; /* "avx512", "avx2", "generic", "bf16" */
    int mr, nr;
    int kpack; /* steps of K per panel word: 1 (f32), 2 (bf16 pairs) */
    vb_omp_pack_a_fn pack_a;
    vb_omp_pack_b_fn pack_b;
    vb_omp_kernel_fn kernel;
    vb_omp_kernel_rows_fn kernel_rows; /* or NULL: A is always packed */
    vb_omp_pack_a_rows_fn pack_a_rows; /* or NULL: kernel_rows reads A in place */
} vb_omp_isa;

extern const vb_omp_isa vb_omp_isa_avx512, vb_omp_isa_avx2, vb_omp_isa_generic,
    vb_omp_isa_bf16;

/* The kernel for a precision: for f32 the best one this CPU runs (checked once, at run
 * time); for bf16 the AVX512-BF16 one, which only a CPU with those instructions may call
 * (init refuses bf16 elsewhere). */
const vb_omp_isa *vb_omp_isa_select(vb_precision precision);

/* dst[p·ldd + i] = s[i·lds + p] for i < h, p < kc, 32-bit words (f32 values or bf16
 * pairs, copied bit for bit): a transpose in 4×4 blocks through SSE registers (x86-64's
 * baseline), the edges one word at a time. Four source rows stream side by side. */
void vb_omp_transpose_words(const uint32_t *s, int64_t lds, int h, int64_t kc,
                            uint32_t *dst, int64_t ldd);

/* The f32 packing, one float per word (kpack = 1). */
void vb_omp_pack_a(const float *a, int64_t lda, int trans, int64_t mc, int64_t kc, int mr,
                   void *dst);
void vb_omp_pack_b(const float *b, int64_t ldb, int trans, int64_t kc, int64_t nc, int nr,
                   void *dst);

/* The bf16 packing, a pair of K steps per word (kpack = 2), rounded to nearest even. Its
 * pack_a takes only A stored k×m (trans): the driver converts A stored m×k with
 * pack_a_rows. */
void vb_omp_pack_a_bf16(const float *a, int64_t lda, int trans, int64_t mc, int64_t kc,
                        int mr, void *dst);
void vb_omp_pack_a_rows_bf16(const float *a, int64_t lda, int64_t mc, int64_t kc, void *dst);
void vb_omp_pack_b_bf16(const float *b, int64_t ldb, int trans, int64_t kc, int64_t nc,
                        int nr, void *dst);

/* The activation epilogue on an mr×nr tile of C, in place (while it is hot in L1). */
void vb_omp_tile_act(vb_act act, float *c, int64_t ldc, int mr, int nr);

/* The context's grow-only, 64-byte aligned packing scratch of at least `words` panel
 * words; NULL when out of memory. Never shrinks, so steady-state calls do not allocate. */
uint32_t *vb_omp_scratch(vb_backend_ctx *ctx, size_t words);
/* Frees it. */
void vb_omp_scratch_release(vb_backend_ctx *ctx);

VB_OP_DECLARE(vb_omp_, gemm)

#endif
