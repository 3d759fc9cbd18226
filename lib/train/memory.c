/* Refusing a run that cannot fit in memory, before it starts (train.h). A run killed by
 * the kernel hours in loses everything since its last checkpoint; a refusal up front
 * costs nothing and says what to change. */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include "vitbench/checked.h"
#include "vitbench/replicas.h"

/* Bytes of a training run: the model's parameters, gradients and activations at `batch`
 * (vb_model_bytes), the optimizer's two moments, the kept best weights, and the loader's
 * two batches of images in flight. Backends' own workspaces come on top: callers keep a
 * margin. Saturates at SIZE_MAX (checked.h), which no memory check passes. Here with the
 * model planned for `planned` images. */
static size_t run_bytes(const vb_model *m, const vb_recipe *r, int64_t planned)
{
    size_t params = vb_size_mul(m->params.total, sizeof(float));
    size_t image = vb_size_mul((size_t)vb_shape_numel(m->input), sizeof(float));
    size_t batch_images = r->batch < 1 ? SIZE_MAX : vb_size_mul((size_t)r->batch, image);
    size_t total = vb_size_add(vb_model_bytes(m, planned),
                               vb_size_mul(2 + (r->keep_best ? 1 : 0), params));
    return vb_size_add(total, vb_size_mul(2, batch_images));
}

size_t vb_train_bytes(const vb_model *m, const vb_recipe *r)
{
    return run_bytes(m, r, r->batch);
}

size_t vb_train_bytes_chunked(const vb_model *m, const vb_recipe *r, int workers,
                              int64_t chunk)
{
    if (chunk <= 0 || r->batch < 1) return vb_train_bytes(m, r);
    if (chunk > r->batch) chunk = r->batch;
    /* the model itself is planned for one chunk; the replicas and gradient blocks on top */
    return vb_size_add(run_bytes(m, r, chunk), vb_replicas_bytes(m, r->batch, workers, chunk));
}

/* A number from a "Key:   N kB" line of /proc/meminfo, in bytes, or 0. */
static unsigned long long meminfo(const char *key)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f) return 0;
    char line[256];
    unsigned long long kb = 0;
    size_t n = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0 && line[n] == ':' &&
            sscanf(line + n + 1, "%llu", &kb) == 1)
            break;
    fclose(f);
    return kb * 1024ull;
}

/* cgroup v2's memory.max minus memory.current (a container's limit), or 0 if unlimited. */
static unsigned long long cgroup_room(void)
{
    unsigned long long max = 0, current = 0;
    FILE *f = fopen("/sys/fs/cgroup/memory.max", "r");
    int limited = f && fscanf(f, "%llu", &max) == 1; /* "max" does not scan: unlimited */
    if (f) fclose(f);
    f = fopen("/sys/fs/cgroup/memory.current", "r");
    if (f && fscanf(f, "%llu", &current) != 1) current = 0;
    if (f) fclose(f);
    return limited && max > current ? max - current : 0;
}

unsigned long long vb_memory_available(void)
{
    unsigned long long avail = meminfo("MemAvailable"), room = cgroup_room();
    return room && (room < avail || !avail) ? room : avail;
}

int vb_train_check_memory(const vb_model *m, const vb_recipe *r, unsigned long long available,
                          char *err, size_t err_len)
{
    return vb_train_check_memory_chunked(m, r, 0, 0, available, err, err_len);
}

/* 0 if the estimate for r's batch fits in `available` bytes (0: unknown), else -1 with
 * one line; `lower` names what sets the batch (the recipe's, a command's --batch). */
static int check_fits(const vb_model *m, const vb_recipe *r, int workers, int64_t chunk,
                      unsigned long long available, const char *lower, char *err,
                      size_t err_len)
{
    double need = (double)vb_train_bytes_chunked(m, r, workers, chunk);
    const double gib = 1024.0 * 1024.0 * 1024.0;
    if (available == 0 || need * VB_MEMORY_MARGIN <= (double)available) return 0;
    snprintf(err, err_len,
             "%s with batch %lld needs about %.1f GiB (parameters, gradients, optimizer "
             "state, activations; backend workspace on top), %.1f GiB is available: lower "
             "%s (about %lld would fit) or train a smaller model",
             m->name, (long long)r->batch, need / gib, (double)available / gib, lower,
             (long long)((double)r->batch * (double)available / (need * VB_MEMORY_MARGIN)));
    return -1;
}

int vb_train_check_memory_chunked(const vb_model *m, const vb_recipe *r, int workers,
                                  int64_t chunk, unsigned long long available, char *err,
                                  size_t err_len)
{
    return check_fits(m, r, workers, chunk, available, "the recipe's batch", err, err_len);
}

int vb_steps_check_memory(const vb_model *m, int64_t batch, int workers, int64_t chunk,
                          unsigned long long available, char *err, size_t err_len)
{
    const vb_recipe r = {.batch = batch}; /* no kept weights: nothing but the steps */
    return check_fits(m, &r, workers, chunk, available, "--batch", err, err_len);
}
