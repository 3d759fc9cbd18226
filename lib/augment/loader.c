/* The batch loader: one producer thread fills two batch buffers in turn, so batch k + 1
 * is being augmented while the caller trains on batch k.
 *
 * Buffer k % 2 holds batch k. `full[s]` says buffer s holds a batch the caller has not
 * given back yet; the caller gives its batch back by asking for the next one. The producer
 * waits for an empty buffer, the caller for a full one; one mutex guards the flags and one
 * condition variable wakes either side. The buffers themselves are touched without the
 * lock: a buffer is the producer's while empty and the caller's while full.
 *
 * The producer runs vb_augment_batch with as many OpenMP threads as the thread that
 * started the loader had (a new thread would otherwise get the process default).
 *
 * The epoch's order is the subset's index list, shuffled (shuffle = 1) by Fisher–Yates
 * from vb_domain_seed(seed, epoch, ORDER): reproducible, and new every epoch. */
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "vitbench/backend.h"

struct vb_loader {
    vb_subset order; /* the epoch's images, in the order they are served */
    vb_augment aug;
    int64_t batch, batches;
    int training, threads;
    uint64_t seed;
    int64_t epoch;

    vb_batch slot[2];
    pthread_t thread;
    pthread_mutex_t mutex;
    pthread_cond_t changed;
    int full[2];
    int held;           /* the buffer the caller holds, or −1 */
    int64_t next;       /* the batch the caller gets next */
    int done, stopping; /* the producer has finished; the caller wants it to */
    int status;         /* VB_OK, or the error that ended the epoch early */
};

static void *produce(void *arg)
{
    vb_loader *ld = arg;
    int rc = VB_OK;
    omp_set_num_threads(ld->threads);
    for (int64_t k = 0; k < ld->batches && rc == VB_OK; k++) {
        const int s = (int)(k % 2);
        pthread_mutex_lock(&ld->mutex);
        while (ld->full[s] && !ld->stopping)
            pthread_cond_wait(&ld->changed, &ld->mutex);
        const int stopping = ld->stopping;
        pthread_mutex_unlock(&ld->mutex);
        if (stopping)
            break;
        const int64_t first = k * ld->batch;
        const int64_t n = ld->order.count - first < ld->batch ? ld->order.count - first
                                                              : ld->batch;
        const vb_augment_draw draw = { ld->seed, ld->epoch, ld->training };
        rc = vb_augment_batch(&ld->aug, &ld->order, first, n, draw, &ld->slot[s]);
        pthread_mutex_lock(&ld->mutex);
        ld->full[s] = rc == VB_OK;
        pthread_cond_broadcast(&ld->changed);
        pthread_mutex_unlock(&ld->mutex);
    }
    pthread_mutex_lock(&ld->mutex);
    ld->status = rc;
    ld->done = 1;
    pthread_cond_broadcast(&ld->changed);
    pthread_mutex_unlock(&ld->mutex);
    return NULL;
}

static void free_buffers(vb_loader *ld)
{
    for (int s = 0; s < 2; s++) {
        free(ld->slot[s].images);
        free(ld->slot[s].labels);
        free(ld->slot[s].labels_b);
    }
    free(ld->order.index);
    free(ld);
}

static int alloc_buffers(vb_loader *ld, int64_t hwc)
{
    for (int s = 0; s < 2; s++) {
        vb_batch *b = &ld->slot[s];
        void *images = NULL;
        if (posix_memalign(&images, 64, (size_t)(ld->batch * hwc) * sizeof(float)))
            return VB_ENOMEM;
        b->images = images;
        b->labels = malloc((size_t)ld->batch * sizeof *b->labels);
        b->labels_b = malloc((size_t)ld->batch * sizeof *b->labels_b);
        if (!b->labels || !b->labels_b)
            return VB_ENOMEM;
    }
    return VB_OK;
}

/* The epoch's order: the subset's indices, shuffled or not. */
static int make_order(vb_loader *ld, const vb_subset *s, int shuffle)
{
    ld->order.data = s->data;
    ld->order.count = s->count;
    ld->order.index = malloc((size_t)(s->count > 0 ? s->count : 1) * sizeof(int64_t));
    if (!ld->order.index)
        return VB_ENOMEM;
    for (int64_t i = 0; i < s->count; i++) {
        if (s->index[i] < 0 || s->index[i] >= s->data->count)
            return VB_EINVAL; /* found now, not in the middle of the epoch */
        ld->order.index[i] = s->index[i];
    }
    if (shuffle) {
        vb_stream r = vb_stream_of(vb_domain_seed(ld->seed, ld->epoch, VB_DOMAIN_ORDER, 0),
                                   VB_STREAM_SHUFFLE);
        vb_draw_shuffle(&r, ld->order.index, s->count);
    }
    return VB_OK;
}

vb_loader *vb_loader_start(const vb_subset *s, const vb_augment *a, const vb_loader_opts *o)
{
    if (vb_augment_check(a, s) != VB_OK || o->batch < 1)
        return NULL;
    vb_loader *ld = calloc(1, sizeof *ld);
    if (!ld)
        return NULL;
    ld->aug = *a;
    ld->batch = o->batch;
    ld->batches = o->drop_last ? s->count / o->batch : (s->count + o->batch - 1) / o->batch;
    ld->training = o->training;
    /* One thread: the producer runs while the backend's OpenMP team computes, and on a
     * small machine a second full team only makes both teams spin and futex-wait against
     * each other (measured: ~30% of a Fashion-MNIST run in system time). A batch's
     * augmentation (~1–3 ms for 128 CIFAR images) hides behind a step of ~100 ms anyway. */
    ld->threads = 1;
    ld->seed = o->seed;
    ld->epoch = o->epoch;
    ld->held = -1;
    const vb_dataset *d = s->data;
    if (make_order(ld, s, o->shuffle) != VB_OK || alloc_buffers(ld, d->h * d->w * d->c) != VB_OK) {
        free_buffers(ld);
        return NULL;
    }
    pthread_mutex_init(&ld->mutex, NULL);
    pthread_cond_init(&ld->changed, NULL);
    if (pthread_create(&ld->thread, NULL, produce, ld) != 0) {
        pthread_cond_destroy(&ld->changed);
        pthread_mutex_destroy(&ld->mutex);
        free_buffers(ld);
        return NULL;
    }
    return ld;
}

const vb_batch *vb_loader_next(vb_loader *ld)
{
    const vb_batch *b = NULL;
    pthread_mutex_lock(&ld->mutex);
    if (ld->held >= 0) { /* the caller is done with its batch: the producer may refill it */
        ld->full[ld->held] = 0;
        ld->held = -1;
        pthread_cond_broadcast(&ld->changed);
    }
    if (ld->next < ld->batches) {
        const int s = (int)(ld->next % 2);
        while (!ld->full[s] && !ld->done)
            pthread_cond_wait(&ld->changed, &ld->mutex);
        if (ld->full[s]) {
            ld->held = s;
            ld->next++;
            b = &ld->slot[s];
        }
    }
    pthread_mutex_unlock(&ld->mutex);
    return b;
}

int64_t vb_loader_batches(const vb_loader *ld)
{
    return ld->batches;
}

int vb_loader_status(vb_loader *ld)
{
    pthread_mutex_lock(&ld->mutex);
    const int status = ld->status;
    pthread_mutex_unlock(&ld->mutex);
    return status;
}

void vb_loader_stop(vb_loader *ld)
{
    if (!ld)
        return;
    pthread_mutex_lock(&ld->mutex);
    ld->stopping = 1;
    pthread_cond_broadcast(&ld->changed);
    pthread_mutex_unlock(&ld->mutex);
    pthread_join(ld->thread, NULL);
    pthread_cond_destroy(&ld->changed);
    pthread_mutex_destroy(&ld->mutex);
    free_buffers(ld);
}
