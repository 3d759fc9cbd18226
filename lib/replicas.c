/* Sample-parallel training steps (replicas.h): worker threads pulling chunks of a batch. */
#include "vitbench/replicas.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/checked.h"

typedef struct worker {
    struct vb_replicas *team;
    pthread_t thread;
    int started;                /* a helper thread: every worker but the caller's */
    vb_model replica;           /* capacity: one chunk */
    vb_step_scratch scratch;    /* its loss buffers */
    vb_loaded_backend *backend; /* one thread, owned */
    vb_profile profile;         /* this step's op times, added to the caller's */
} worker;

/* What a step asks of every chunk. */
typedef struct job {
    int64_t n;      /* images in the batch */
    vb_chunk_fn fn;
    void *arg;
    const vb_run *run;
    int gradients;  /* 0: forward only, no gradient block */
} job;

struct vb_replicas {
    int64_t chunk;
    int count;      /* workers */
    worker *workers;
    const vb_param_block *params; /* the origin's: its layout sizes each chunk's gradient */

    /* Per chunk of the largest batch seen: gradient block, loss, status, message. */
    int capacity;
    float **grads;
    double *losses;
    int *failed;
    char (*errs)[512];

    pthread_mutex_t lock;
    pthread_cond_t start, done;
    uint64_t generation; /* a new step to work on */
    int finished;        /* helper workers done with this generation */
    int quit;
    job job;
    atomic_int next_chunk;
};

static int chunks_of(const vb_replicas *t, int64_t n)
{
    return (int)((n + t->chunk - 1) / t->chunk);
}

/* Chunk c on worker w: its replica set to the chunk's images, its own run and gradient. */
static void run_chunk(vb_replicas *t, worker *w, int c)
{
    const job *j = &t->job;
    const int64_t first = (int64_t)c * t->chunk;
    const int64_t count = j->n - first < t->chunk ? j->n - first : t->chunk;
    vb_run run = {.backend = w->backend, .training = j->run->training, .seed = j->run->seed,
                  .first_sample = j->run->first_sample + first,
                  .profile = j->run->profile ? &w->profile : NULL};
    w->replica.params.grad = j->gradients ? t->grads[c] : NULL;
    if (j->gradients) vb_param_block_zero_grad(&w->replica.params);
    t->losses[c] = 0;
    t->failed[c] = vb_model_set_batch(&w->replica, count) != 0;
    if (t->failed[c])
        snprintf(run.err, sizeof run.err, "cannot plan a chunk of %lld", (long long)count);
    else
        t->failed[c] = j->fn(j->arg, &w->replica, &run, &w->scratch, first, &t->losses[c]) != 0;
    if (t->failed[c]) snprintf(t->errs[c], sizeof t->errs[c], "%s", run.err);
}

static void take_chunks(vb_replicas *t, worker *w)
{
    const int chunks = chunks_of(t, t->job.n);
    for (int c; (c = atomic_fetch_add(&t->next_chunk, 1)) < chunks;) run_chunk(t, w, c);
}

static void *helper_main(void *arg)
{
    worker *w = arg;
    vb_replicas *t = w->team;
    uint64_t seen = 0;
    for (;;) {
        pthread_mutex_lock(&t->lock);
        while (t->generation == seen && !t->quit) pthread_cond_wait(&t->start, &t->lock);
        seen = t->generation;
        const int quit = t->quit;
        pthread_mutex_unlock(&t->lock);
        if (quit) return NULL;
        take_chunks(t, w);
        pthread_mutex_lock(&t->lock);
        if (++t->finished == t->count - 1) pthread_cond_signal(&t->done);
        pthread_mutex_unlock(&t->lock);
    }
}

static int make_worker(vb_replicas *t, const vb_model *m, const vb_loaded_backend *backend,
                       int i, char *err, size_t err_len)
{
    worker *w = &t->workers[i];
    w->team = t;
    if (vb_model_replicate(&w->replica, m, t->chunk, err, err_len) != 0) return -1;
    if (vb_step_scratch_alloc_loss(&w->scratch, &w->replica) != 0) {
        snprintf(err, err_len, "replicas: out of memory");
        return -1;
    }
    const vb_backend_init_opts opts = {.struct_size = sizeof opts, .threads = 1,
                                       .precision = backend->precision};
    w->backend = vb_backend_load_with(backend->path[0] ? backend->path : backend->name,
                                      &opts, err, err_len);
    if (!w->backend) return -1;
    if (i > 0 && pthread_create(&w->thread, NULL, helper_main, w) != 0) {
        snprintf(err, err_len, "cannot start worker thread %d", i);
        return -1;
    }
    w->started = i > 0;
    return 0;
}

vb_replicas *vb_replicas_create(const vb_model *m, const vb_loaded_backend *backend,
                                int workers, int64_t chunk, char *err, size_t err_len)
{
    if (workers < 1 || workers > VB_MAX_THREADS || chunk < 1 || chunk > VB_BATCH_MAX) {
        snprintf(err, err_len, "replicas: %d workers of %lld images: out of range", workers,
                 (long long)chunk);
        return NULL;
    }
    vb_replicas *t = calloc(1, sizeof *t);
    if (!t || !(t->workers = calloc((size_t)workers, sizeof *t->workers))) {
        free(t);
        snprintf(err, err_len, "replicas: out of memory");
        return NULL;
    }
    t->chunk = chunk;
    t->params = &m->params;
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->start, NULL);
    pthread_cond_init(&t->done, NULL);
    for (int i = 0; i < workers; i++, t->count++)
        if (make_worker(t, m, backend, i, err, err_len) != 0) {
            t->count++; /* destroy frees its replica and backend too */
            vb_replicas_destroy(t);
            return NULL;
        }
    return t;
}

static void free_chunk_state(vb_replicas *t)
{
    for (int c = 0; c < t->capacity; c++) vb_free(t->grads[c]);
    free(t->grads);
    free(t->losses);
    free(t->failed);
    free(t->errs);
    t->grads = NULL;
    t->losses = NULL;
    t->failed = NULL;
    t->errs = NULL;
    t->capacity = 0;
}

void vb_replicas_destroy(vb_replicas *t)
{
    if (!t) return;
    pthread_mutex_lock(&t->lock);
    t->quit = 1;
    pthread_cond_broadcast(&t->start);
    pthread_mutex_unlock(&t->lock);
    for (int i = 0; i < t->count; i++) {
        worker *w = &t->workers[i];
        if (w->started) pthread_join(w->thread, NULL);
        vb_step_scratch_free(&w->scratch);
        vb_model_free(&w->replica);
        vb_backend_unload(w->backend);
    }
    free_chunk_state(t);
    pthread_cond_destroy(&t->done);
    pthread_cond_destroy(&t->start);
    pthread_mutex_destroy(&t->lock);
    free(t->workers);
    free(t);
}

int vb_replicas_workers_for(int64_t batch, int64_t chunk, int threads)
{
    const int64_t chunks = (batch + chunk - 1) / chunk;
    return (int)(chunks < threads ? chunks : threads);
}

size_t vb_replicas_bytes(const vb_model *m, int64_t batch, int workers, int64_t chunk)
{
    const int64_t chunks = (batch + chunk - 1) / chunk;
    const size_t params = vb_size_mul(m->params.total, sizeof(float));
    return vb_size_add(vb_size_mul((size_t)workers, vb_model_bytes(m, chunk)),
                       vb_size_mul((size_t)chunks, params));
}

int vb_replicas_workers(const vb_replicas *t)
{
    return t->count;
}

int64_t vb_replicas_chunk(const vb_replicas *t)
{
    return t->chunk;
}

/* Per-chunk state for `chunks` chunks, grown (never shrunk) as batches grow. */
static int fit_chunks(vb_replicas *t, int chunks)
{
    if (chunks <= t->capacity) return 0;
    free_chunk_state(t);
    t->grads = calloc((size_t)chunks, sizeof *t->grads);
    t->losses = calloc((size_t)chunks, sizeof *t->losses);
    t->failed = calloc((size_t)chunks, sizeof *t->failed);
    t->errs = calloc((size_t)chunks, sizeof *t->errs);
    if (!t->grads || !t->losses || !t->failed || !t->errs) {
        free_chunk_state(t);
        return -1;
    }
    t->capacity = chunks;
    for (int c = 0; c < chunks; c++)
        if (!(t->grads[c] = vb_alloc(t->params->total * sizeof(float)))) {
            free_chunk_state(t);
            return -1;
        }
    return 0;
}

/* Every worker through the job: the helpers woken, the caller working as worker 0. */
static void run_job(vb_replicas *t)
{
    atomic_store(&t->next_chunk, 0);
    pthread_mutex_lock(&t->lock);
    t->finished = 0;
    t->generation++;
    pthread_cond_broadcast(&t->start);
    pthread_mutex_unlock(&t->lock);
    take_chunks(t, &t->workers[0]);
    pthread_mutex_lock(&t->lock);
    while (t->finished < t->count - 1) pthread_cond_wait(&t->done, &t->lock);
    pthread_mutex_unlock(&t->lock);
}

static void add_profile(vb_profile *to, const vb_profile *from)
{
    for (int op = 0; op < VB_OP_COUNT; op++) {
        to->seconds[op] += from->seconds[op];
        to->calls[op] += from->calls[op];
        to->reference_calls[op] += from->reference_calls[op];
    }
}

int vb_replicas_run(vb_replicas *t, int64_t n, vb_chunk_fn fn, void *arg, vb_run *run,
                    float *grad, double *loss_sum)
{
    const int chunks = chunks_of(t, n);
    if (n < 1 || fit_chunks(t, chunks) != 0) {
        snprintf(run->err, sizeof run->err, "replicas: no memory for %d chunks", chunks);
        return -1;
    }
    for (int i = 0; i < t->count; i++) memset(&t->workers[i].profile, 0, sizeof(vb_profile));
    t->job = (job){.n = n, .fn = fn, .arg = arg, .run = run, .gradients = grad != NULL};
    run_job(t);
    if (run->profile)
        for (int i = 0; i < t->count; i++) add_profile(run->profile, &t->workers[i].profile);
    for (int c = 0; c < chunks; c++)
        if (t->failed[c]) {
            snprintf(run->err, sizeof run->err, "chunk %d: %s", c, t->errs[c]);
            return -1;
        }
    *loss_sum = 0;
    for (int c = 0; c < chunks; c++) *loss_sum += t->losses[c];
    if (!grad) return 0;
    const size_t total = t->params->total;
    memcpy(grad, t->grads[0], total * sizeof(float));
    for (int c = 1; c < chunks; c++) {
        const float *g = t->grads[c];
        for (size_t i = 0; i < total; i++) grad[i] += g[i];
    }
    return 0;
}
