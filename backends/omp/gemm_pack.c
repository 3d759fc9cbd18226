/* Packing op(A) and op(B) into the panels the f32 microkernels stream through (one float
 * per panel word).
 *
 * A panel holds exactly the values one tile needs, in the order the kernel reads them,
 * so whatever the transposes and leading dimensions the kernel walks two contiguous
 * buffers: no cache-set conflicts between rows of a power-of-two lda, no TLB misses,
 * aligned vector loads of B. Each packed value is then reused by a whole row (A) or
 * column (B) of tiles. B columns past the matrix edge are zero, so a partial tile
 * multiplies zeros, never stale data. */
#include <string.h>
#include <xmmintrin.h>
#include "omp_gemm.h"

/* d[0:w) = s[0:w), four floats per move: a memcpy of constant size compiles to one
 * 16-byte load and store, where a plain loop stays scalar at -O2 and a memcpy call of a
 * short run costs more than the copy. */
static inline void copy_run(float *d, const float *s, int w)
{
    int j = 0;
    for (; j + 4 <= w; j += 4)
        memcpy(d + j, s + j, 4 * sizeof *d);
    for (; j < w; j++)
        d[j] = s[j];
}

void vb_omp_transpose_words(const uint32_t *s, int64_t lds, int h, int64_t kc,
                            uint32_t *dst, int64_t ldd)
{
    int i = 0;
    for (; i + 4 <= h; i += 4) { /* float moves and shuffles: every bit pattern kept */
        const float *r = (const float *)(s + i * lds);
        int64_t p = 0;
        for (; p + 4 <= kc; p += 4) {
            __m128 r0 = _mm_loadu_ps(r + p), r1 = _mm_loadu_ps(r + lds + p);
            __m128 r2 = _mm_loadu_ps(r + 2 * lds + p), r3 = _mm_loadu_ps(r + 3 * lds + p);
            _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
            _mm_storeu_ps((float *)(dst + p * ldd + i), r0);
            _mm_storeu_ps((float *)(dst + (p + 1) * ldd + i), r1);
            _mm_storeu_ps((float *)(dst + (p + 2) * ldd + i), r2);
            _mm_storeu_ps((float *)(dst + (p + 3) * ldd + i), r3);
        }
        for (; p < kc; p++)
            for (int q = 0; q < 4; q++)
                dst[p * ldd + i + q] = s[(i + q) * lds + p];
    }
    for (; i < h; i++)
        for (int64_t p = 0; p < kc; p++)
            dst[p * ldd + i] = s[i * lds + p];
}

/* A stored m×k: a transpose. */
static void pack_a_rows(const float *a, int64_t lda, int64_t kc, int h, int mr, float *dst)
{
    vb_omp_transpose_words((const uint32_t *)a, lda, h, kc, (uint32_t *)dst, mr);
}

/* A stored k×m (trans): each step of K is a contiguous run of h values. */
static void pack_a_cols(const float *a, int64_t lda, int64_t kc, int h, int mr, float *dst)
{
    for (int64_t p = 0; p < kc; p++)
        copy_run(dst + p * mr, a + p * lda, h);
}

void vb_omp_pack_a(const float *a, int64_t lda, int trans, int64_t mc, int64_t kc, int mr,
                   void *dst)
{
    for (int64_t i0 = 0; i0 < mc; i0 += mr) {
        const int h = mc - i0 < mr ? (int)(mc - i0) : mr;
        float *panel = (float *)dst + i0 * kc;
        if (trans)
            pack_a_cols(a + i0, lda, kc, h, mr, panel);
        else
            pack_a_rows(a + i0 * lda, lda, kc, h, mr, panel);
    }
}

/* B stored k×n: row p of the block, a contiguous run of nc values, is cut into the
 * panels' rows p. Row by row, so the source streams in order: going panel by panel
 * instead reads nr values from each of kc rows far apart, which defeats the hardware
 * prefetcher (4-5x slower measured on a 256x384 block of a 8192x768 matrix). */
static void pack_rows(const float *b, int64_t ldb, int64_t kc, int64_t nc, int nr, float *dst)
{
    for (int64_t p = 0; p < kc; p++) {
        const float *s = b + p * ldb;
        for (int64_t j0 = 0; j0 < nc; j0 += nr) {
            float *d = dst + j0 * kc + p * nr;
            const int w = nc - j0 < nr ? (int)(nc - j0) : nr;
            copy_run(d, s + j0, w);
            for (int j = w; j < nr; j++)
                d[j] = 0.0f;
        }
    }
}

/* B stored n×k (trans): a transpose, zero past column w. */
static void pack_cols(const float *b, int64_t ldb, int64_t kc, int w, int nr, float *dst)
{
    for (int64_t p = 0; p < kc; p++)
        memset(dst + p * nr + w, 0, (size_t)(nr - w) * sizeof *dst);
    vb_omp_transpose_words((const uint32_t *)b, ldb, w, kc, (uint32_t *)dst, nr);
}

void vb_omp_pack_b(const float *b, int64_t ldb, int trans, int64_t kc, int64_t nc, int nr,
                   void *dst)
{
    if (!trans) {
        pack_rows(b, ldb, kc, nc, nr, dst);
        return;
    }
    for (int64_t j0 = 0; j0 < nc; j0 += nr) {
        const int w = nc - j0 < nr ? (int)(nc - j0) : nr;
        pack_cols(b + j0 * ldb, ldb, kc, w, nr, (float *)dst + j0 * kc);
    }
}
