/* Op dispatch for layers (VB_RUN): descriptor checks, reference routing for declined
 * cases, per-op timing and error messages that name the layer and the op. */
#include "vitbench/run.h"

#include <stdio.h>
#include <time.h>
#include "vitbench/desc_check.h"
#include "vitbench/rng.h"
#include "ref/ref.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

const vb_backend *vb_run_begin(vb_run *r, vb_op op, const void *desc, double *t0)
{
    char why[256];
    if (vb_desc_check(op, desc, why, sizeof why) != VB_OK) {
        snprintf(r->err, sizeof r->err, "layer %s: %s", r->layer ? r->layer : "?", why);
        return NULL;
    }
    int native = vb_backend_runs_natively(r->backend, op, desc);
    if (r->profile && !native) r->profile->reference_calls[op]++;
    *t0 = r->profile ? now_seconds() : 0.0;
    /* A slot the backend does not have is already the reference (loader.h); a case its
     * supports() declines goes to the reference here. */
    return native || r->backend->fallback[op] ? &r->backend->ops : vb_reference_backend();
}

int vb_run_end(vb_run *r, vb_op op, int rc, double t0)
{
    if (r->profile) {
        r->profile->seconds[op] += now_seconds() - t0;
        r->profile->calls[op]++;
    }
    if (rc == VB_OK) return 0;
    static const char *const meaning[] = {"ok", "invalid argument", "unsupported case",
                                          "out of memory", "backend library error"};
    const char *what = rc > 0 && rc < 5 ? meaning[rc] : "unknown error";
    snprintf(r->err, sizeof r->err, "layer %s: op %s on backend %s failed: %s (code %d)",
             r->layer ? r->layer : "?", vb_op_name(op), r->backend->name, what, rc);
    return -1;
}

uint64_t vb_run_seed(const vb_run *r, int layer_index, int tag)
{
    return vb_hash64(r->seed, ((uint64_t)(uint32_t)layer_index << 16) | (uint16_t)tag);
}
