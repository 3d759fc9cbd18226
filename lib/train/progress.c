/* The trainer's terminal output, its only printing (stdout):
 *   progress mode: one line redrawn in place, at most 5 times a second,
 *       epoch 3/30 step 120/352 loss 1.234 1050 img/s ETA 4:12
 *   and, while the governor runs steps on fewer threads, " (1 of 2 threads: cores busy)";
 *   plain mode (logs): the same line, ended, every tenth of an epoch or every minute,
 *       whichever comes first, and one line per finished epoch;   quiet: nothing. */
#include "internal.h"

#include <stdio.h>
#include <time.h>

enum { QUIET = 0, LINES = 1, REDRAW = 2 };

/* Plain mode's cadence: a step line every tenth of an epoch, or sooner after a minute. */
enum { LINES_PER_EPOCH = 10 };
static const double line_seconds = 60;

double vb_seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void vb_progress_start(vb_progress *p, const vb_train_opts *o, int64_t epochs,
                       int64_t steps_per_epoch, int64_t steps_left)
{
    *p = (vb_progress){.mode = o->quiet ? QUIET : o->progress ? REDRAW : LINES,
                       .epochs = epochs, .steps_per_epoch = steps_per_epoch,
                       .steps_left = steps_left, .session_start = vb_seconds_now()};
    p->last_draw = p->session_start;
}

void vb_progress_epoch_start(vb_progress *p)
{
    p->epoch_start = p->last_draw = vb_seconds_now();
    p->epoch_images = 0;
}

double vb_progress_epoch_seconds(const vb_progress *p)
{
    return vb_seconds_now() - p->epoch_start;
}

/* "1:02:03" or "4:12". */
static void clock_text(double seconds, char *out, size_t len)
{
    long s = seconds > 0 ? (long)(seconds + 0.5) : 0;
    if (s >= 3600) snprintf(out, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else snprintf(out, len, "%ld:%02ld", s / 60, s % 60);
}

/* Whether the step line is due now: at most 5 times a second on a terminal; in a log at
 * each tenth of the epoch (not its end: the epoch line follows) or after a minute. */
static int step_line_due(const vb_progress *p, int64_t step_in_epoch, double now)
{
    if (p->mode == REDRAW) return now - p->last_draw >= 0.2;
    if (p->mode != LINES || step_in_epoch >= p->steps_per_epoch) return 0;
    int64_t tenth = step_in_epoch * LINES_PER_EPOCH / p->steps_per_epoch;
    int64_t tenth_before = (step_in_epoch - 1) * LINES_PER_EPOCH / p->steps_per_epoch;
    return tenth != tenth_before || now - p->last_draw >= line_seconds;
}

void vb_progress_step(vb_progress *p, int64_t epoch, int64_t step_in_epoch,
                      int64_t images, double loss, int threads, int max_threads)
{
    p->session_steps++;
    p->steps_left--;
    p->epoch_images += images;
    double now = vb_seconds_now();
    if (!step_line_due(p, step_in_epoch, now)) return;
    p->last_draw = now;
    /* ETA: the steps left at this session's mean seconds per step (validation included
     * once an epoch has finished). */
    char eta[32];
    clock_text((double)p->steps_left * (now - p->session_start) / (double)p->session_steps,
               eta, sizeof eta);
    double rate = (double)p->epoch_images / (now - p->epoch_start);
    char fewer[64] = ""; /* the governor's choice, when it is not the run's */
    if (threads < max_threads)
        snprintf(fewer, sizeof fewer, " (%d of %d threads: cores busy)", threads, max_threads);
    printf("%sepoch %lld/%lld step %lld/%lld loss %.3f %.0f img/s ETA %s%s%s",
           p->mode == REDRAW ? "\r" : "", (long long)epoch, (long long)p->epochs,
           (long long)step_in_epoch, (long long)p->steps_per_epoch, loss, rate, eta, fewer,
           p->mode == REDRAW ? "\033[K" : "\n");
    fflush(stdout);
}

void vb_progress_epoch_end(vb_progress *p, const vb_epoch_metrics *e, int best)
{
    if (p->mode == QUIET) return;
    printf("%sepoch %lld/%lld: loss %.4f acc %.4f  val_loss %.4f val_acc %.4f val_top5 %.4f"
           "  lr %.3g  %.1f s%s%s\n",
           p->mode == REDRAW ? "\r" : "", (long long)e->epoch, (long long)p->epochs,
           e->train_loss, e->train_acc, e->val_loss, e->val_acc, e->val_top5, e->lr,
           e->seconds, best ? "  (best)" : "", p->mode == REDRAW ? "\033[K" : "");
    fflush(stdout);
}
