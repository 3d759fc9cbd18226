/* Subsets: index lists into a dataset, for limits and validation splits. */
#include <stdlib.h>
#include <string.h>
#include "vitbench/dataset.h"
#include "vitbench/rng.h"

/* A subset of count indices (copied from src when given), or -1 on no memory. */
static int subset_init(vb_subset *s, const vb_dataset *d, const int64_t *src, int64_t count)
{
    s->data = d;
    s->count = count;
    s->index = malloc((size_t)(count > 0 ? count : 1) * sizeof *s->index);
    if (!s->index) return -1;
    if (src) memcpy(s->index, src, (size_t)count * sizeof *s->index);
    return 0;
}

/* Fisher-Yates with counter-based draws: the order depends on the seed only. */
static void shuffle(int64_t *order, int64_t n, uint64_t seed)
{
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)(vb_hash64(seed, (uint64_t)i) % (uint64_t)(i + 1));
        int64_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

/* The seed of the fixed order that stands in for a class-sorted dataset's lost one. */
#define STAND_IN_ORDER_SEED 0x0c1fa5u

int vb_subset_all(const vb_dataset *d, int64_t limit, vb_subset *out)
{
    if (subset_init(out, d, NULL, d->count)) return -1;
    for (int64_t i = 0; i < d->count; i++) out->index[i] = i;
    if (d->class_sorted) shuffle(out->index, d->count, STAND_IN_ORDER_SEED);
    if (limit > 0 && limit < d->count) out->count = limit;
    return 0;
}

int vb_limit_shortens(const vb_dataset *d, int64_t limit)
{
    return limit > 0 && limit < d->count;
}

static int by_index(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int vb_subset_split(const vb_subset *all, double fraction, int keras_last, uint64_t seed,
                    vb_subset *train, vb_subset *val)
{
    memset(train, 0, sizeof *train);
    memset(val, 0, sizeof *val);
    if (!(fraction >= 0.0 && fraction < 1.0)) return -1;
    int64_t n = all->count;
    /* Keras: split_at = int(n * (1 - validation_split)); train = [:split_at], val = [split_at:] */
    int64_t ntrain = (int64_t)((double)n * (1.0 - fraction));
    int64_t *order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    if (!order) return -1;
    memcpy(order, all->index, (size_t)n * sizeof *order);
    if (!keras_last) shuffle(order, n, seed);
    int rc = subset_init(train, all->data, order, ntrain) |
             subset_init(val, all->data, order + ntrain, n - ntrain);
    free(order);
    if (rc) {
        vb_subset_free(train);
        vb_subset_free(val);
        return -1;
    }
    if (!keras_last) { /* a random split is a choice of images, kept in dataset order */
        qsort(train->index, (size_t)train->count, sizeof *train->index, by_index);
        qsort(val->index, (size_t)val->count, sizeof *val->index, by_index);
    }
    return 0;
}

void vb_subset_free(vb_subset *s)
{
    free(s->index);
    memset(s, 0, sizeof *s);
}
