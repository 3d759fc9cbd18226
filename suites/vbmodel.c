/* vbmodel: look inside a model description.
 *
 *   vbmodel count MODEL.cfg [--classes N]
 *       parameters and MACs per component, without allocating the model; MACs with and
 *       without the attention matmuls, softmax/norm work counted or not, FLOPs = 2·MACs.
 *   vbmodel step MODEL.cfg [--backend NAME] [--batch B] [--threads T] [--steps N]
 *       [--seed S] [--classes N]
 *       N training steps (forward, loss, backward, AdamW) on random data, then the
 *       per-op time breakdown of the last step.
 *   vbmodel init MODEL.cfg --out FILE.safetensors [--seed S] [--classes N]
 *       the initial parameters (C names and layouts), e.g. for scripts/golden.py.
 *
 * A model is a path to a .cfg file or the name of one in suites/models. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "vitbench/loader.h"
#include "vitbench/model.h"
#include "vitbench/rng.h"
#include "vitbench/safetensors.h"
#include "vitbench/step.h"

/* Model names are looked up in the source tree (uninstalled use), then where
 * `make install` puts the descriptions. */
static const char *const model_dirs[] = {VB_SRCDIR "/suites/models", VB_MODELSDIR};

typedef struct options {
    const char *command, *model, *backend, *out;
    int64_t batch, steps, classes;
    int threads;
    uint64_t seed;
} options;

static void usage(FILE *to)
{
    fprintf(to, "usage: vbmodel count MODEL [--classes N]\n"
                "       vbmodel step MODEL [--backend NAME] [--batch B] [--threads T] "
                "[--steps N] [--seed S] [--classes N]\n"
                "       vbmodel init MODEL --out FILE.safetensors [--seed S] [--classes N]\n"
                "MODEL: a .cfg path, or a name from %s or %s\n", model_dirs[0],
            model_dirs[1]);
}

/* A positive integer option value, or exit with a one-line error naming the option. */
static int64_t positive(const char *option, const char *value)
{
    char *end;
    errno = 0;
    long long v = value ? strtoll(value, &end, 10) : 0;
    if (!value || errno || *end || v < 1) {
        fprintf(stderr, "vbmodel: %s needs a positive integer, got '%s'\n", option,
                value ? value : "");
        exit(2);
    }
    return v;
}

static options parse_args(int argc, char **argv)
{
    options o = {.batch = 128, .steps = 3, .threads = 2, .seed = 1};
    if (argc < 3) {
        usage(stderr);
        exit(2);
    }
    o.command = argv[1];
    o.model = argv[2];
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--backend") == 0 && v) o.backend = v;
        else if (strcmp(a, "--out") == 0 && v) o.out = v;
        else if (strcmp(a, "--batch") == 0) o.batch = positive(a, v);
        else if (strcmp(a, "--steps") == 0) o.steps = positive(a, v);
        else if (strcmp(a, "--threads") == 0) o.threads = (int)positive(a, v);
        else if (strcmp(a, "--seed") == 0) o.seed = (uint64_t)positive(a, v);
        else if (strcmp(a, "--classes") == 0) o.classes = positive(a, v);
        else {
            fprintf(stderr, "vbmodel: unknown option '%s'\n", a);
            usage(stderr);
            exit(2);
        }
        i++;
    }
    return o;
}

static void load_model(vb_model *m, const options *o)
{
    char path[1024], err[1024];
    snprintf(path, sizeof path, "%s", o->model);
    for (int i = 0; i < 2 && !strchr(o->model, '/') && !strstr(o->model, ".cfg"); i++) {
        snprintf(path, sizeof path, "%s/%s.cfg", model_dirs[i], o->model);
        if (access(path, R_OK) == 0) break;
    }
    vb_model_opts opts = {.classes = o->classes};
    if (vb_model_load_opts(m, path, &opts, err, sizeof err) != 0) {
        fprintf(stderr, "vbmodel: %s\n", err);
        exit(1);
    }
}

/* ---- count -------------------------------------------------------------------------- */

static void print_count(const vb_model *m)
{
    vb_counts c;
    vb_model_count(m, &c);
    printf("%s  (%s)\ninput %lldx%lldx%lld, %lld classes\n\n", m->name, m->source,
           (long long)m->input.h, (long long)m->input.w, (long long)m->input.c,
           (long long)m->classes);
    printf("%-12s %14s %16s\n", "component", "parameters", "MACs/image");
    for (int i = 0; i < VB_COMP_COUNT; i++)
        printf("%-12s %14lld %16.0f\n", vb_component_name(i), (long long)c.params[i],
               c.macs[i]);
    printf("%-12s %14s %16.0f\n", "attn QK,AV", "", c.attn_matmul_macs);
    printf("%-12s %14s %16.0f\n", "softmax+norm", "", c.softmax_norm_ops);
    printf("%-12s %14lld\n\n", "total", (long long)vb_counts_params(&c));
    double without = vb_counts_macs(&c, 0, 0), with = vb_counts_macs(&c, 1, 0);
    printf("MACs/image without attention matmuls (CCT paper convention): %.4g G\n",
           without / 1e9);
    printf("MACs/image with attention matmuls:                           %.4g G\n",
           with / 1e9);
    printf("MACs/image with attention matmuls and softmax/norm work:     %.4g G\n",
           vb_counts_macs(&c, 1, 1) / 1e9);
    printf("FLOPs/image (2 x MACs, with attention matmuls):              %.4g G\n",
           2 * with / 1e9);
}

/* ---- init -------------------------------------------------------------------------- */

static int write_init(vb_model *m, const options *o)
{
    char err[1024], seed[32];
    if (!o->out) {
        fprintf(stderr, "vbmodel: init needs --out FILE.safetensors\n");
        return 2;
    }
    if (vb_param_block_alloc(&m->params) != 0) {
        fprintf(stderr, "vbmodel: cannot allocate the parameters of %s\n", m->name);
        return 1;
    }
    vb_model_init_params(m, o->seed);
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
    vb_st_writer w;
    vb_st_writer_init(&w);
    int rc = vb_st_writer_meta(&w, "format", "vitbench-weights") ||
             vb_st_writer_meta(&w, "model", m->name) ||
             vb_st_writer_meta(&w, "init_seed", seed) ||
             vb_st_writer_meta(&w, "init", "vbmodel init");
    for (int i = 0; i < m->params.count && rc == 0; i++) {
        const vb_param *p = &m->params.params[i];
        rc = vb_st_writer_add(&w, p->name, VB_ST_F32, p->ndim, p->shape,
                              vb_param_data(&m->params, i));
    }
    if (rc == 0) rc = vb_st_writer_write(&w, o->out, err, sizeof err);
    else snprintf(err, sizeof err, "%s: out of memory", o->out);
    vb_st_writer_free(&w);
    if (rc != 0) fprintf(stderr, "vbmodel: %s\n", err);
    else printf("wrote %d tensors (%zu parameters) of %s to %s\n", m->params.count,
                vb_param_block_numel(&m->params), m->name, o->out);
    return rc ? 1 : 0;
}

/* ---- step --------------------------------------------------------------------------- */

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void print_profile(const vb_profile *p, double step_seconds)
{
    printf("\n%-20s %8s %10s %7s %s\n", "op", "calls", "ms", "share", "");
    double total = 0;
    for (int op = 0; op < VB_OP_COUNT; op++) total += p->seconds[op];
    for (int op = 0; op < VB_OP_COUNT; op++) {
        if (!p->calls[op]) continue;
        printf("%-20s %8lld %10.2f %6.1f%% %s\n", vb_op_name(op), (long long)p->calls[op],
               1e3 * p->seconds[op], 100 * p->seconds[op] / step_seconds,
               p->reference_calls[op] ? "(reference: declined by the backend)" : "");
    }
    printf("%-20s %8s %10.2f %6.1f%%  (outside ops: data movement in layers)\n", "ops total",
           "", 1e3 * total, 100 * total / step_seconds);
}

static int run_steps(vb_model *m, const options *o)
{
    char err[1024];
    vb_loaded_backend *b = vb_backend_select(o->backend, o->threads, err, sizeof err);
    if (!b) {
        fprintf(stderr, "vbmodel: %s\n", err);
        return 1;
    }
    size_t bytes = vb_model_bytes(m, o->batch);
    vb_step_scratch s;
    if (vb_model_alloc(m, o->batch) != 0 || vb_step_scratch_alloc(&s, m) != 0) {
        fprintf(stderr, "vbmodel: cannot allocate %.1f MiB for %s at batch %lld\n",
                (double)bytes / 1048576.0, m->name, (long long)o->batch);
        return 1;
    }
    vb_model_init_params(m, o->seed);
    int64_t n_in = o->batch * vb_shape_numel(m->input);
    float *images = vb_alloc((size_t)n_in * sizeof(float));
    int32_t *labels = vb_alloc((size_t)o->batch * sizeof(int32_t));
    for (int64_t i = 0; i < n_in; i++) images[i] = vb_uniform(o->seed, (uint64_t)i);
    for (int64_t i = 0; i < o->batch; i++)
        labels[i] = (int32_t)(vb_hash64(o->seed + 1, (uint64_t)i) % (uint64_t)m->classes);

    printf("%s on backend %s (%s), %d threads, batch %lld, %.1f MiB\n", m->name, b->name,
           b->version, b->threads, (long long)o->batch, (double)bytes / 1048576.0);
    vb_profile profile;
    vb_run r = {.backend = b, .params = &m->params, .training = 1};
    vb_adam_desc adam = {.lr = 1e-3f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-7f,
                         .weight_decay = 1e-4f, .decay_mode = VB_DECAY_DECOUPLED,
                         .eps_mode = VB_EPS_KERAS};
    int rc = 0;
    double last = 0;
    for (int64_t step = 1; step <= o->steps && rc == 0; step++) {
        memset(&profile, 0, sizeof profile);
        r.profile = &profile;
        r.seed = vb_hash64(o->seed, (uint64_t)step);
        adam.step = step;
        double loss, t0 = seconds_now();
        rc = vb_train_step(m, &r, &s, images, labels, 0.1f, adam, &loss);
        last = seconds_now() - t0;
        if (rc == 0)
            printf("step %lld: loss %.5f, %.1f ms, %.0f images/s\n", (long long)step, loss,
                   1e3 * last, (double)o->batch / last);
    }
    if (rc != 0) fprintf(stderr, "vbmodel: %s\n", r.err);
    else print_profile(&profile, last);
    vb_free(images);
    vb_free(labels);
    vb_step_scratch_free(&s);
    vb_backend_unload(b);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    options o = parse_args(argc, argv);
    if (strcmp(o.command, "count") != 0 && strcmp(o.command, "step") != 0 &&
        strcmp(o.command, "init") != 0) {
        fprintf(stderr, "vbmodel: unknown command '%s'\n", o.command);
        usage(stderr);
        return 2;
    }
    vb_model m;
    load_model(&m, &o);
    int rc = 0;
    if (strcmp(o.command, "count") == 0) print_count(&m);
    else if (strcmp(o.command, "init") == 0) rc = write_init(&m, &o);
    else rc = run_steps(&m, &o);
    vb_model_free(&m);
    return rc;
}
