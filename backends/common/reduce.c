/* Race-free column sums: per-thread partial rows, then one pass adding them up. */
#include <omp.h>
#include "internal.h"

int vbc_partials_begin(vb_backend_ctx *ctx, vbc_partials *p, int64_t cols)
{
    p->threads = vbc_threads(ctx);
    p->cols = cols;
    const size_t bytes = (size_t)p->threads * (size_t)cols * sizeof(double);
    p->buf = vbc_scratch(ctx, VBC_SCRATCH_PARTIAL, bytes);
    if (!p->buf)
        return VB_ENOMEM;
    memset(p->buf, 0, bytes); /* all rows, also those of threads the runtime may not start */
    return VB_OK;
}

double *vbc_partials_mine(const vbc_partials *p)
{
    return p->buf + (int64_t)omp_get_thread_num() * p->cols;
}

void vbc_partials_end(const vbc_partials *p, int64_t first, int64_t count, float *out)
{
    for (int64_t j = 0; j < count; j++) {
        double acc = out[j]; /* one rounding to float, at the end */
        for (int t = 0; t < p->threads; t++)
            acc += p->buf[t * p->cols + first + j];
        out[j] = (float)acc;
    }
}

VBC_CLONES /* double sums: 8 to an AVX-512 vector, 2 to the baseline's SSE2 */
int vbc_colsum_add(vb_backend_ctx *ctx, int64_t rows, int64_t cols, const float *x,
                   float *out)
{
    vbc_partials p;
    if (vbc_partials_begin(ctx, &p, cols))
        return VB_ENOMEM;
#pragma omp parallel num_threads(p.threads) if (rows * cols >= VBC_PAR_MIN)
    {
        double *restrict mine = vbc_partials_mine(&p);
#pragma omp for
        for (int64_t r = 0; r < rows; r++) {
            const float *restrict xr = x + r * cols;
#pragma omp simd
            for (int64_t j = 0; j < cols; j++)
                mine[j] += xr[j];
        }
    }
    vbc_partials_end(&p, 0, cols, out);
    return VB_OK;
}
