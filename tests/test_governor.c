/* The thread governor (governor.h): a fixed governor always answers the backend it was
 * given; an adaptive one answers a load of the same backend with fewer threads while
 * other processes keep every core busy. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "vitbench/governor.h"

enum { PICKS = 8 }; /* enough for the smoothed count to follow a load that appeared */
#define STEP_S 0.25   /* each "step": longer than the governor's shortest interval */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *spin_for_a_step(void *arg)
{
    (void)arg;
    const double end = now_s() + STEP_S;
    while (now_s() < end) {
    }
    return NULL;
}

/* What a training step does between picks: keep `threads` threads busy for STEP_S. */
static void step(int threads)
{
    pthread_t worker[8];
    for (int i = 0; i < threads; i++)
        cr_assert_eq(pthread_create(&worker[i], NULL, spin_for_a_step, NULL), 0);
    for (int i = 0; i < threads; i++) pthread_join(worker[i], NULL);
}

static vb_loaded_backend *load(const char *name, int threads)
{
    char err[512];
    vb_loaded_backend *b = vb_backend_load(name, threads, err, sizeof err);
    cr_assert_not_null(b, "%s", err);
    return b;
}

/* One CPU-bound child per usable core, so that no core is free whatever else runs. */
static int spin_on_every_core(pid_t *pids, int max)
{
    cpu_set_t set;
    cr_assert_eq(sched_getaffinity(0, sizeof set, &set), 0);
    int n = CPU_COUNT(&set) < max ? CPU_COUNT(&set) : max;
    for (int i = 0; i < n; i++) {
        pids[i] = fork();
        cr_assert_geq(pids[i], 0);
        if (pids[i] == 0)
            for (volatile unsigned long spin = 0;; spin++) {
            }
    }
    return n;
}

static void stop_spinning(const pid_t *pids, int n)
{
    for (int i = 0; i < n; i++) {
        kill(pids[i], SIGKILL);
        waitpid(pids[i], NULL, 0);
    }
}

/* Picks `picks` times while every core is busy, doing a step's work on the picked threads
 * between picks, as training does. Returns the last pick; *others: how many picks were not
 * the governor's full backend. */
static const vb_loaded_backend *pick_beside_busy_cores(vb_governor *g,
                                                       const vb_loaded_backend *full,
                                                       int picks, int *others)
{
    pid_t pids[64];
    const int n = spin_on_every_core(pids, 64);
    const vb_loaded_backend *last = NULL;
    *others = 0;
    for (int i = 0; i < picks; i++) {
        last = vb_governor_pick(g);
        *others += last != full;
        step(last->threads);
    }
    stop_spinning(pids, n);
    return last;
}

/* A governor over omp at `threads` threads that must answer that load every time. */
static void expect_full_every_time(int threads, int adaptive)
{
    vb_loaded_backend *b = load("omp", threads);
    vb_governor *g = vb_governor_create(b, adaptive);
    cr_assert_not_null(g);
    int others;
    pick_beside_busy_cores(g, b, PICKS, &others);
    cr_assert_eq(others, 0, "%d picks of another load", others);
    vb_governor_destroy(g);
    vb_backend_unload(b);
}

Test(governor, fixed_always_answers_the_given_backend) { expect_full_every_time(2, 0); }

Test(governor, one_thread_has_nothing_to_adapt) { expect_full_every_time(1, 1); }

Test(governor, adaptive_runs_on_fewer_threads_while_every_core_is_busy)
{
    vb_loaded_backend *b = load("omp", 2);
    vb_governor *g = vb_governor_create(b, 1);
    cr_assert_not_null(g);
    int others;
    const vb_loaded_backend *last = pick_beside_busy_cores(g, b, PICKS, &others);
    cr_assert_neq(last, b, "every core busy, yet the governor kept 2 threads");
    cr_assert_eq(last->threads, 1);
    cr_assert_str_eq(last->name, "omp");
    cr_assert_eq(last->precision, b->precision);
    vb_governor_destroy(g);
    vb_backend_unload(b);
}
