/* Size arithmetic that cannot wrap. Byte and float counts of a model or a run are sums of
 * products of sizes from description files; a wrapped one would print as a negative count
 * or allocate a few bytes for gigabytes of work. These saturate at SIZE_MAX instead, which
 * no allocation or memory check accepts. */
#ifndef VITBENCH_CHECKED_H
#define VITBENCH_CHECKED_H

#include <stddef.h>
#include <stdint.h>

static inline size_t vb_size_mul(size_t a, size_t b)
{
    size_t r;
    return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

static inline size_t vb_size_add(size_t a, size_t b)
{
    size_t r;
    return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}

/* a·b into *out; 0, or -1 when it does not fit int64 (or a factor is negative). */
static inline int vb_i64_mul(int64_t a, int64_t b, int64_t *out)
{
    return a < 0 || b < 0 || __builtin_mul_overflow(a, b, out) ? -1 : 0;
}

#endif
