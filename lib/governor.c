/* The thread governor (governor.h). */
#define _GNU_SOURCE
#include "vitbench/governor.h"

#include <dirent.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Weight of the newest sample in the smoothed busy-core count. */
#define SAMPLE_WEIGHT 0.3
/* The thread count changes only when the free cores (cores less the smoothed busy count)
 * are more than this far from it. From quiet, one busy process is followed after 4 picks
 * (0.3, 0.51, 0.66, 0.76) and, once it stops, left after 4; a runnable task seen in up to
 * 3 picks in a row (a kernel thread, a short command, one of our own threads caught
 * changing state between the two /proc reads) changes nothing. */
#define HYSTERESIS 0.75

struct vb_governor {
    const vb_loaded_backend *full;
    int adaptive;  /* 0: always full */
    int cores;     /* the CPUs this process may run on */
    double busy;   /* smoothed count of runnable tasks of other processes */
    int threads;   /* the last pick's */
    vb_loaded_backend **by_threads; /* [t]: the load with t threads (t < full's), or NULL */
};

static int usable_cores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    const int n = CPU_COUNT(&set);
    return n > 0 ? n : 1;
}

/* The system's runnable tasks, the reader included: the numerator of /proc/loadavg's
 * fourth field ("2/345"); −1 if unreadable. */
static int runnable_tasks(void)
{
    FILE *f = fopen("/proc/loadavg", "r");
    if (!f) return -1;
    int running = -1;
    if (fscanf(f, "%*f %*f %*f %d/", &running) != 1) running = -1;
    fclose(f);
    return running;
}

/* This process's threads in state R (running or waiting for a CPU), the caller included. */
static int own_runnable_threads(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d) return 1;
    int running = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char path[64], stat[512];
        snprintf(path, sizeof path, "/proc/self/task/%.20s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue; /* the thread has just ended */
        const size_t n = fread(stat, 1, sizeof stat - 1, f);
        fclose(f);
        stat[n] = '\0';
        /* "tid (comm) S ...": the state follows the last ')', as comm may hold one. */
        const char *close = strrchr(stat, ')');
        if (close && close[1] == ' ' && close[2] == 'R') running++;
    }
    closedir(d);
    return running > 0 ? running : 1;
}

/* Runnable tasks of other processes now, the fewer of two readings (the two files are
 * not read at one instant); −1 if /proc cannot tell. */
static int busy_elsewhere(void)
{
    int fewest = -1;
    for (int i = 0; i < 2; i++) {
        const int all = runnable_tasks();
        if (all < 0) return -1;
        const int others = all - own_runnable_threads();
        const int busy = others > 0 ? others : 0;
        if (fewest < 0 || busy < fewest) fewest = busy;
    }
    return fewest;
}

vb_governor *vb_governor_create(const vb_loaded_backend *full, int adaptive)
{
    vb_governor *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->full = full;
    const int max = full->threads > 0 ? full->threads : 1;
    g->by_threads = calloc((size_t)max + 1, sizeof *g->by_threads);
    if (!g->by_threads) {
        vb_governor_destroy(g);
        return NULL;
    }
    g->adaptive = adaptive && max > 1;
    g->cores = usable_cores();
    g->threads = max;
    return g;
}

void vb_governor_destroy(vb_governor *g)
{
    if (!g) return;
    if (g->by_threads)
        for (int t = 1; t < g->full->threads; t++) vb_backend_unload(g->by_threads[t]);
    free(g->by_threads);
    free(g);
}

/* The thread count for the smoothed busy-core count: one per free core, 1..full's, changed
 * only beyond the hysteresis. */
static int threads_now(vb_governor *g)
{
    const int sample = busy_elsewhere();
    if (sample < 0) {
        g->adaptive = 0;
        return g->full->threads;
    }
    g->busy = (1 - SAMPLE_WEIGHT) * g->busy + SAMPLE_WEIGHT * sample;
    const double free_cores = g->cores - g->busy;
    if (fabs(free_cores - g->threads) > HYSTERESIS) {
        const int t = (int)lround(free_cores);
        g->threads = t < 1 ? 1 : t < g->full->threads ? t : g->full->threads;
    }
    return g->threads;
}

/* The load of the backend with t (< full's) threads, made on first use; NULL if it fails. */
static const vb_loaded_backend *load_with_threads(vb_governor *g, int t)
{
    if (!g->by_threads[t]) {
        const vb_loaded_backend *full = g->full;
        const vb_backend_init_opts opts = {.struct_size = sizeof opts, .threads = t,
                                           .precision = full->precision};
        char err[256];
        g->by_threads[t] = vb_backend_load_with(full->path[0] ? full->path : full->name,
                                                &opts, err, sizeof err);
    }
    return g->by_threads[t];
}

const vb_loaded_backend *vb_governor_pick(vb_governor *g)
{
    const int t = g->adaptive ? threads_now(g) : g->full->threads;
    if (t == g->full->threads) return g->full;
    const vb_loaded_backend *b = load_with_threads(g, t);
    if (b) return b;
    g->adaptive = 0; /* the full load keeps working; stop trying */
    g->threads = g->full->threads;
    return g->full;
}
