/* f32 → bf16 for the products of a bf16 context (backend.h), with the CPU's own
 * VCVTNEPS2BF16: round to nearest even, NaN kept (made quiet), ±Inf kept, denormal inputs
 * flushed to zero, exactly as the instruction does for every element (the row's tail
 * goes through it too, masked). Its functions are compiled for AVX512-BF16
 * (VBC_BF16_TARGET) and called only from bf16 contexts, which exist only on CPUs that have
 * it (vb_common_ctx_create). */
#include <immintrin.h>
#include "internal.h"

/* dst[0:n) = bf16(src[0:n)), 16 at a time. */
VBC_BF16_TARGET static void convert_row(const float *src, int64_t n, uint16_t *dst)
{
    int64_t j = 0;
    for (; j + 16 <= n; j += 16) {
        __m256bh h = _mm512_cvtneps_pbh(_mm512_loadu_ps(src + j));
        _mm256_storeu_si256((__m256i *)(dst + j), (__m256i)h);
    }
    if (j < n) {
        const __mmask16 tail = (__mmask16)((1u << (n - j)) - 1);
        __m256bh h = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(tail, src + j));
        _mm256_mask_storeu_epi16(dst + j, tail, (__m256i)h);
    }
}

VBC_BF16_TARGET
void vb_common_to_bf16(vb_backend_ctx *ctx, const float *src, int64_t count, int64_t stride,
                       int64_t rows, int64_t cols, int64_t ld, uint16_t *dst)
{
    const int64_t all_rows = count * rows;
#pragma omp parallel for schedule(static) num_threads(vbc_threads(ctx)) \
    if (all_rows * cols > VBC_PAR_MIN && all_rows > 1)
    for (int64_t r = 0; r < all_rows; r++)
        convert_row(src + r / rows * stride + r % rows * ld, cols, dst + r * cols);
}
