/* Packing op(A) and op(B) into the panels of the bf16 kernel (kernel_avx512_bf16.c):
 * each f32 value rounded to bf16 (VCVTNEPS2BF16: nearest even, NaN stays NaN, f32
 * subnormals become zero, as VDPBF16PS would read them anyway), two consecutive steps of
 * K paired in one 32-bit word, step 2g in the low half and 2g + 1 in the high half — the
 * pair one VDPBF16PS lane multiplies. An odd kc pads the last pair with zero. Built with
 * -mavx512f -mavx512bf16; only the bf16 isa calls it.
 *
 * Two shapes of source cover the cases: pairs of K steps that lie in two rows (B stored
 * k×n, A stored k×m) are rounded 16 columns at a time and interleaved, a whole row pair at
 * once into a dense line of words that is then cut into the panels; pairs that lie side
 * by side in one row (B stored n×k, and A stored m×k, which the driver converts as rows
 * for kernel_rows: vb_omp_pack_a_rows_bf16) are a run rounded 32 values at a time, whose
 * 16 words are already the pairs; for B, four such rows go into a dense buffer, which is
 * transposed into the panel (vb_omp_transpose_words).
 *
 * Full vectors are loaded and stored unmasked: on Zen 4 a masked load or store costs two
 * to four times a plain one (worst when it crosses a cache line), and packing A stored
 * k×m with 12-lane masked moves, panel by panel, took three times the microkernel's time
 * in keras_cct's weight gradients. Only a row's last, partial vector is masked. */
#include <string.h>
#include "avx512_tile.h"

enum { VL = VB_ZMM_VL };

static int64_t min64(int64_t x, int64_t y) { return x < y ? x : y; }

/* 16 words (bf16(lo[j]) | bf16(hi[j]) << 16). */
static inline __m512i pairs(__m512 lo, __m512 hi)
{
    const __m512i l = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(lo));
    const __m512i h = _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(hi));
    return _mm512_or_si512(l, _mm512_slli_epi32(h, 16));
}

/* Steps 2g and 2g + 1 from two rows r0, r1 (r1 NULL past an odd kc): words
 * dst[0:w) = pairs of r0[j], r1[j], dst[w:width) = 0 (width ≥ w). */
static void pair_rows(const float *r0, const float *r1, int64_t w, int64_t width,
                      uint32_t *dst)
{
    int64_t j = 0;
    for (; j + VL <= w; j += VL) {
        const __m512 hi = r1 ? _mm512_loadu_ps(r1 + j) : _mm512_setzero_ps();
        _mm512_storeu_si512(dst + j, pairs(_mm512_loadu_ps(r0 + j), hi));
    }
    for (; j < width; j += VL) {
        const __mmask16 m = vb_zmm_lanes((int)(w - j));
        const __m512 lo = _mm512_maskz_loadu_ps(m, r0 + j);
        const __m512 hi = r1 ? _mm512_maskz_loadu_ps(m, r1 + j) : _mm512_setzero_ps();
        _mm512_mask_storeu_epi32(dst + j, vb_zmm_lanes((int)(width - j)), pairs(lo, hi));
    }
}

/* A run s[0:kc) along K: word g = pair (s[2g], s[2g + 1]) at dst[g], ceil(kc/2) words.
 * Masked loads read zeros past kc (and do not touch that memory). */
static void pair_run(const float *s, int64_t kc, uint32_t *dst)
{
    int64_t p = 0;
    for (; p + 2 * VL <= kc; p += 2 * VL) {
        const __m512 lo = _mm512_loadu_ps(s + p), hi = _mm512_loadu_ps(s + p + VL);
        _mm512_storeu_si512(dst + p / 2, (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
    }
    if (p < kc) {
        const __m512 lo = _mm512_maskz_loadu_ps(vb_zmm_lanes((int)(kc - p)), s + p);
        const __m512 hi = _mm512_maskz_loadu_ps(vb_zmm_lanes((int)(kc - p - VL)), s + p + VL);
        _mm512_mask_storeu_epi32(dst + p / 2, vb_zmm_lanes((int)((kc - p + 1) / 2)),
                                 (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
    }
}

/* Rows [0, h) of a matrix whose rows run along K (B stored n×k) into a
 * panel: word (i, g) at panel[g·ldp + i]. Four rows at a time are rounded into a dense
 * buffer, which is then transposed into the panel. */
static void pack_runs(const float *s, int64_t lds, int h, int64_t kc, uint32_t *panel,
                      int64_t ldp)
{
    enum { RUN_WORDS = 256 }; /* words of each row rounded per pass */
    uint32_t dense[4 * RUN_WORDS];
    for (int64_t p0 = 0; p0 < kc; p0 += 2 * RUN_WORDS) {
        const int64_t steps = min64(kc - p0, 2 * RUN_WORDS), words = (steps + 1) / 2;
        for (int i0 = 0; i0 < h; i0 += 4) {
            const int rows = h - i0 < 4 ? h - i0 : 4;
            for (int r = 0; r < rows; r++)
                pair_run(s + (i0 + r) * lds + p0, steps, dense + r * words);
            vb_omp_transpose_words(dense, words, rows, words, panel + p0 / 2 * ldp + i0,
                                   ldp);
        }
    }
}

/* dst[0:n) = src[0:n), 32-bit words; a whole row of a bf16 panel (n = VB_ZMM_MR = 12) in
 * two plain moves instead of a memcpy call per row of every panel. */
static inline void copy_words(uint32_t *dst, const uint32_t *src, int64_t n)
{
    if (n == 12) {
        _mm256_storeu_si256((__m256i *)dst, _mm256_loadu_si256((const __m256i *)src));
        _mm_storeu_si128((__m128i *)(dst + 8), _mm_loadu_si128((const __m128i *)(src + 8)));
    } else {
        memcpy(dst, src, (size_t)n * sizeof *dst);
    }
}

/* A stored k×m: steps p and p + 1 (two rows) give word row p/2 of every panel. The row
 * pair is rounded into a dense line of mc words, which is then cut into the panels'
 * mr-word rows with plain moves. */
static void pack_a_cols(const float *a, int64_t lda, int64_t mc, int64_t kc, int mr,
                        uint32_t *dst)
{
    enum { LINE_MAX = 256 }; /* words of the dense line */
    uint32_t line[LINE_MAX];
    const int64_t kw = (kc + 1) / 2, pass = LINE_MAX / mr * mr; /* whole panels per pass */
    for (int64_t i0 = 0; i0 < mc; i0 += pass) {
        const int64_t w = min64(pass, mc - i0);
        for (int64_t p = 0; p < kc; p += 2) {
            const float *r0 = a + p * lda + i0;
            pair_rows(r0, p + 1 < kc ? r0 + lda : NULL, w, w, line);
            for (int64_t i = 0; i < w; i += mr)
                copy_words(dst + (i0 + i) * kw + p / 2 * mr, line + i, min64(mr, w - i));
        }
    }
}

/* B stored k×n: steps p and p + 1 (two rows) give row p/2 of every panel. Row pair by
 * row pair, across the panels, so the source streams in order (panel by panel would read
 * nr values from each of kc rows far apart, which the prefetcher does not follow). */
static void pack_b_rows(const float *b, int64_t ldb, int64_t kc, int64_t nc, int nr,
                        uint32_t *dst)
{
    const int64_t kw = (kc + 1) / 2;
    for (int64_t p = 0; p < kc; p += 2) {
        const float *r0 = b + p * ldb, *r1 = p + 1 < kc ? r0 + ldb : NULL;
        for (int64_t j0 = 0; j0 < nc; j0 += nr)
            pair_rows(r0 + j0, r1 ? r1 + j0 : NULL, (int)min64(nr, nc - j0), nr,
                      dst + j0 * kw + p / 2 * nr);
    }
}

/* B stored n×k: columns [0, w) of op(B), each a run along K, into one panel of
 * ceil(kc/2) rows × nr words, zero past w. */
static void pack_b_cols(const float *b, int64_t ldb, int64_t kc, int w, int nr,
                        uint32_t *panel)
{
    pack_runs(b, ldb, w, kc, panel, nr);
    for (int64_t g = 0; g < (kc + 1) / 2; g++)
        for (int j = w; j < nr; j++)
            panel[g * nr + j] = 0;
}

void vb_omp_pack_a_bf16(const float *a, int64_t lda, int trans, int64_t mc, int64_t kc,
                        int mr, void *dst)
{
    (void)trans; /* always stored k×m: the driver converts A stored m×k as rows */
    pack_a_cols(a, lda, mc, kc, mr, dst);
}

void vb_omp_pack_a_rows_bf16(const float *a, int64_t lda, int64_t mc, int64_t kc, void *dst)
{
    for (int64_t i = 0; i < mc; i++)
        pair_run(a + i * lda, kc, (uint32_t *)dst + i * ((kc + 1) / 2));
}

void vb_omp_pack_b_bf16(const float *b, int64_t ldb, int trans, int64_t kc, int64_t nc,
                        int nr, void *dst)
{
    if (!trans) {
        pack_b_rows(b, ldb, kc, nc, nr, dst);
        return;
    }
    for (int64_t j0 = 0; j0 < nc; j0 += nr)
        pack_b_cols(b + j0 * ldb, ldb, kc, (int)min64(nr, nc - j0), nr,
                    (uint32_t *)dst + j0 * ((kc + 1) / 2));
}
