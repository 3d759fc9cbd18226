/* The thread governor (governor.h). */
#define _GNU_SOURCE
#include "vitbench/governor.h"

#include <ctype.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* Picks closer together than this keep the last estimate: /proc/stat counts in clock
 * ticks (10 ms), so shorter intervals would be mostly rounding. */
#define MIN_INTERVAL_S 0.2
/* Time constant of the smoothed count of competing tasks: an interval of dt seconds
 * weighs 1 − exp(−dt / SMOOTHING_S), whatever the step length. */
#define SMOOTHING_S 0.4
/* The thread count changes only when the free cores (cores less the smoothed competing
 * tasks) are more than this far from it. From quiet, one busy process is followed once
 * it has run for SMOOTHING_S · ln 4 ≈ 0.55 s, and left as long after it stops; a command
 * that keeps a core busy for a quarter of a second changes nothing. */
#define HYSTERESIS 0.75

/* What the CPUs this process may run on have done, at one instant (seconds). */
typedef struct cpu_reading {
    double wall;   /* CLOCK_MONOTONIC */
    double busy;   /* summed over those CPUs: time spent on tasks that compete with ours */
    double own;    /* this process's CPU time, all its threads */
} cpu_reading;

struct vb_governor {
    const vb_loaded_backend *full;
    int adaptive;        /* 0: always full */
    cpu_set_t cpus;      /* the CPUs this process may run on */
    int cores;           /* how many */
    int niced;           /* this process runs at a nice value above 0 */
    double tick_s;       /* /proc/stat's unit */
    cpu_reading last;    /* the start of the current interval; wall 0: none yet */
    double competing;    /* smoothed count of other processes' CPU-bound tasks there */
    int threads;         /* the current pick's */
    vb_loaded_backend **by_threads; /* [t]: the load with t threads (t < full's), or NULL */
};

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Fills r from /proc/stat's "cpuN user nice system idle iowait irq softirq ..." lines of
 * the CPUs in g->cpus. Time of niced tasks counts only when this process is niced too: at
 * nice 0 the scheduler gives them a sliver beside us (nice 19: 1.5%), so a background job
 * started with `nice` does not compete. 0, or −1 when /proc/stat cannot be read. */
static int read_cpus(const vb_governor *g, cpu_reading *r)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return -1;
    r->wall = clock_s(CLOCK_MONOTONIC);
    r->own = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    unsigned long long ticks = 0;
    int seen = 0;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "cpu", 3) != 0 || !isdigit((unsigned char)line[3]))
            continue; /* the "cpu " total line, and the lines after the CPUs */
        int cpu;
        unsigned long long user, nice, system, idle, iowait, irq, softirq;
        if (sscanf(line + 3, "%d %llu %llu %llu %llu %llu %llu %llu", &cpu, &user, &nice,
                   &system, &idle, &iowait, &irq, &softirq) != 8)
            continue;
        if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &g->cpus)) continue;
        ticks += user + (g->niced ? nice : 0) + system + irq + softirq;
        seen++;
    }
    fclose(f);
    r->busy = (double)ticks * g->tick_s;
    return seen > 0 ? 0 : -1;
}

/* Other processes' CPU-bound tasks on our CPUs over the interval from `a` to `b`, or −1
 * when the interval tells nothing (this process barely ran). With x cores used by the
 * others and u by us: if cores were left idle, everyone who wanted one had one, so x cores
 * means x tasks; if not, the scheduler shared the cores fairly, each of our t running
 * threads got u / t of one, and so did each competing task: x · t / u. t is the pick's
 * thread count, or fewer when u shows that fewer ran (a serial part of the program). */
static double competing_tasks(const vb_governor *g, const cpu_reading *a, const cpu_reading *b)
{
    const double wall = b->wall - a->wall;
    const double u = (b->own - a->own) / wall;
    double x = (b->busy - a->busy) / wall - u;
    if (x < 0) x = 0;
    if (u < 0.05) return -1;
    if (x + u < g->cores - 0.5) return x;
    const double running = fmin(g->threads, ceil(u - 0.05));
    return x * running / u;
}

/* The thread count for the smoothed competing tasks: one per free core, 1..full's, changed
 * only beyond the hysteresis; the current count between readings. */
static int threads_now(vb_governor *g)
{
    if (g->last.wall != 0 && clock_s(CLOCK_MONOTONIC) - g->last.wall < MIN_INTERVAL_S)
        return g->threads; /* /proc/stat is read only once an interval is long enough */
    cpu_reading now;
    if (read_cpus(g, &now) != 0) {
        g->adaptive = 0;
        return g->full->threads;
    }
    if (g->last.wall == 0) {
        g->last = now;
        return g->threads;
    }
    const double sample = competing_tasks(g, &g->last, &now);
    const double weight = 1 - exp(-(now.wall - g->last.wall) / SMOOTHING_S);
    g->last = now;
    if (sample < 0) return g->threads;
    g->competing += weight * (sample - g->competing);
    const double free_cores = g->cores - g->competing;
    if (fabs(free_cores - g->threads) > HYSTERESIS) {
        const int t = (int)lround(free_cores);
        g->threads = t < 1 ? 1 : t < g->full->threads ? t : g->full->threads;
    }
    return g->threads;
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
    g->threads = max;
    const long hz = sysconf(_SC_CLK_TCK);
    g->tick_s = hz > 0 ? 1.0 / (double)hz : 0.01;
    g->adaptive = adaptive && max > 1 && sched_getaffinity(0, sizeof g->cpus, &g->cpus) == 0;
    g->cores = g->adaptive ? CPU_COUNT(&g->cpus) : 1;
    g->niced = getpriority(PRIO_PROCESS, 0) > 0;
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
