/* vbmodel: look inside a model description.
 *
 *   vbmodel count MODEL      parameters and MACs per component, without allocating it
 *   vbmodel step MODEL       training steps on random data, the last one's per-op times
 *   vbmodel bench MODEL      training and inference images/s per backend, each backend
 *                            in its own child process
 *   vbmodel init MODEL --out FILE.safetensors   the initial parameters
 *   vbmodel eval MODEL WEIGHTS ...      (vbmodel_eval.c)
 *       top-1, top-5 and loss of trained weights, as the trainer measured them.
 *   vbmodel export MODEL WEIGHTS ...    (vbmodel_export.c)
 *       trained weights under the official code's names and layouts.
 *
 * Each command's options are its table below (vbmodel COMMAND --help prints them). A
 * model is a path to a .cfg file or the name of one in suites/models. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "vitbench/files.h"
#include "vitbench/governor.h"
#include "vitbench/loader.h"
#include "vitbench/model.h"
#include "vitbench/rng.h"
#include "vitbench/safetensors.h"
#include "vitbench/step.h"
#include "vitbench/train.h"
#include "bench.h"
#include "cli.h"
#include "run_inputs.h"
#include "vbmodel.h"

static const char PROGRAM[] = "vbmodel";

/* The command line of count, step, bench and init, with its defaults. */
typedef struct options {
    const char *model, *backend, *out, *csv;
    int64_t batch, steps, reps, warmup, classes, threads; /* classes 0: the description's */
    int64_t chunk;     /* step and bench: sample-parallel steps (replicas.h), or 0 */
    int fixed_threads; /* bench: every pass on --threads (else as training picks them) */
    int precision;     /* vb_precision of step and bench */
    uint64_t seed;
} options;

static options opt = {.batch = 128, .steps = 3, .reps = 3, .warmup = 1, .threads = 2, .seed = 1,
                      .chunk = VB_CHUNK_DEFAULT};

/* The backend's context as the options ask for it. */
static vb_backend_init_opts init_opts(const options *o)
{
    return (vb_backend_init_opts){.struct_size = sizeof(vb_backend_init_opts),
                                  .threads = (int)o->threads,
                                  .precision = (vb_precision)o->precision};
}

#define CLASSES CLI_CLASSES(&opt.classes, "the classes of the head, instead of the description's")
#define SEED CLI_SEED_OPT(&opt.seed, "the initial weights' seed (and the random batch's)")
#define STEP_BACKEND \
    CLI_STRING_OPT("--backend", "NAME", &opt.backend, \
                   "the backend, by name or .so path (default: $VITBENCH_BACKEND, else the " \
                   "first of the default list that loads)")
#define STEPS(help_) CLI_INT_OPT("--steps", "N", &opt.steps, 1, 100000, help_)
#define PRECISION CLI_PRECISION(&opt.precision, "what the backend's products compute in")

static const cli_option count_options[] = {CLASSES, {0}};

static const cli_option step_options[] = {
    STEP_BACKEND, CLI_BATCH(&opt.batch, "images per step"), CLI_THREADS(&opt.threads),
    CLI_CHUNK(&opt.chunk), PRECISION, STEPS("training steps; the last one's time is broken down per op"), SEED,
    CLASSES, {0}};

static const cli_option bench_options[] = {
    CLI_STRING_OPT("--backend", "NAME|all", &opt.backend,
                   "one backend, by name or .so path, or all: every one found (default all)"),
    CLI_BATCH(&opt.batch, "images per step"),
    CLI_TRAINING_THREADS(&opt.threads),
    CLI_FIXED_THREADS(&opt.fixed_threads),
    CLI_CHUNK(&opt.chunk),
    PRECISION,
    STEPS("steps per timing"),
    CLI_REPS(&opt.reps, "timings; the median is reported"),
    CLI_INT_OPT("--warmup", "N", &opt.warmup, 0, 1000, "untimed steps before the timings"),
    CLI_STRING_OPT("--csv", "FILE", &opt.csv,
                   "append one row per backend (the header first when FILE is new)"),
    SEED,
    CLASSES,
    {0}};

static const cli_option init_options[] = {
    CLI_REQUIRED_STRING_OPT("--out", "FILE", &opt.out, "the safetensors file to write"),
    SEED, CLASSES, {0}};

static const cli_command count_command = {
    .name = "count",
    .summary = "parameters and MACs per component, without allocating the model; MACs "
               "with and without the attention matmuls, softmax/norm work, FLOPs = 2 MACs",
    .args = {{"MODEL", &opt.model}},
    .options = count_options};

static const cli_command step_command = {
    .name = "step",
    .summary = "training steps (forward, loss, backward, AdamW) on a random batch, then "
               "the per-op time breakdown of the last step",
    .args = {{"MODEL", &opt.model}},
    .options = step_options};

static const cli_command bench_command = {
    .name = "bench",
    .summary = "training and inference images/s, peak memory, GFLOP/s and % of the "
               "machine's sgemm peak, per backend, each in its own child process",
    .args = {{"MODEL", &opt.model}},
    .options = bench_options};

static const cli_command init_command = {
    .name = "init",
    .summary = "the initial parameters (C names and layouts), e.g. for scripts/golden.py",
    .args = {{"MODEL", &opt.model}},
    .options = init_options};

static const cli_program program = {
    .name = PROGRAM,
    .summary = "Counts, times, benchmarks, initialises, evaluates or exports a model.",
    .commands = (const cli_command *const[]){&count_command, &step_command, &bench_command,
                                             &init_command, &vbmodel_eval_command,
                                             &vbmodel_export_command, NULL},
    .notes = "MODEL: a .cfg path, or the name of a shipped model (in " VB_MODELSDIR
             " when installed, suites/models in the source tree)."};

static void load_model(vb_model *m, const options *o)
{
    char err[1024];
    if (run_inputs_load_model(m, o->model, o->classes, err, sizeof err) != 0) {
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
    printf("%-12s %14s %16.0f\n", "relu+maxpool", "", c.relu_pool_values);
    printf("%-12s %14s %16.0f\n", "dense act", "", c.dense_activation_values);
    printf("%-12s %14s %16.0f\n", "bias (once)", "", c.dense_bias_features);
    printf("%-12s %14lld\n\n", "total", (long long)vb_counts_params(&c));
    double without = vb_counts_macs(&c, 0), with = vb_counts_macs(&c, VB_MACS_ATTN_MATMULS);
    printf("MACs/image without attention matmuls:                        %.4g G\n",
           without / 1e9);
    printf("MACs/image as ptflops counts them (CCT README convention):   %.4g G\n",
           vb_counts_macs_ptflops(&c, VB_ACTIVATIONS_FUNCTIONAL) / 1e9);
    printf("  the same with nn.GELU modules and attention matmuls (SPT/LSA README): %.4g G\n",
           (vb_counts_macs_ptflops(&c, VB_ACTIVATIONS_MODULES) + c.attn_matmul_macs) / 1e9);
    printf("MACs/image with attention matmuls:                           %.4g G\n",
           with / 1e9);
    printf("MACs/image with attention matmuls and softmax/norm work:     %.4g G\n",
           vb_counts_macs(&c, VB_MACS_ATTN_MATMULS | VB_MACS_SOFTMAX_NORM) / 1e9);
    printf("FLOPs/image (2 x MACs, with attention matmuls):              %.4g G\n",
           2 * with / 1e9);
}

/* ---- init -------------------------------------------------------------------------- */

static int write_init(vb_model *m, const options *o)
{
    char err[1024], seed[32];
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
    else {
        size_t all = vb_param_block_numel(&m->params);
        size_t trained = vb_param_block_trainable_numel(&m->params);
        printf("wrote %d tensors (%zu parameters", m->params.count, trained);
        if (all > trained) printf(" and %zu frozen values", all - trained);
        printf(") of %s to %s\n", m->name, o->out);
    }
    return rc ? 1 : 0;
}

/* ---- step and bench: training steps on one random batch ------------------------------ */

/* The model allocated for o->batch with seeded parameters, one random batch of its
 * input shape (images uniform in [0, 1), labels uniform over the classes), and with
 * o->chunk the replicas that run its passes, one worker per thread as training makes
 * them; the model itself is then planned for one chunk, as training plans it. */
typedef struct workload {
    vb_step_scratch s;
    float *images;   /* (batch, H, W, C) */
    int32_t *labels; /* (batch) */
    vb_replicas *replicas;
    float *logits;   /* with replicas: (batch, classes) */
} workload;

static int make_replicas(workload *w, const vb_model *m, const vb_loaded_backend *b,
                         const options *o)
{
    if (o->chunk <= 0) return 0;
    char err[256];
    const int workers = vb_replicas_workers_for(o->batch, o->chunk, b->threads);
    w->replicas = vb_replicas_create(m, b, workers, o->chunk, err, sizeof err);
    if (w->replicas) return 0;
    fprintf(stderr, "vbmodel: %s\n", err);
    return -1;
}

/* Images the model itself is planned for: one chunk when steps run in chunks. */
static int64_t planned_batch(const options *o)
{
    return o->chunk > 0 && o->chunk < o->batch ? o->chunk : o->batch;
}

/* MiB of what the steps plan: the model for planned_batch images, and with chunks the
 * replicas and gradient blocks on top. */
static double planned_mib(const vb_model *m, const options *o, int workers)
{
    const int64_t planned = planned_batch(o);
    double bytes = (double)vb_model_bytes(m, planned);
    if (planned < o->batch)
        bytes += (double)vb_replicas_bytes(m, o->batch, workers, planned);
    return bytes / 1048576.0;
}

/* Steps that cannot fit in memory are refused before anything is allocated, from the
 * trainer's estimate (memory.c) for o->batch images on the workers training would start,
 * with one line as vbtrain refuses a run: the kernel's OOM killer says nothing. 0 or -1. */
static int check_memory(const vb_model *m, const options *o)
{
    char err[1024];
    const int workers =
        o->chunk > 0 ? vb_replicas_workers_for(o->batch, o->chunk, (int)o->threads) : 0;
    if (vb_steps_check_memory(m, o->batch, workers, o->chunk, vb_memory_available(), err,
                              sizeof err) == 0)
        return 0;
    fprintf(stderr, "vbmodel: %s\n", err);
    return -1;
}

static int workload_open(workload *w, vb_model *m, const vb_loaded_backend *b, const options *o)
{
    memset(w, 0, sizeof *w);
    const int64_t planned = planned_batch(o);
    if (vb_model_alloc(m, planned) != 0 || vb_step_scratch_alloc(&w->s, m) != 0 ||
        (o->chunk > 0 &&
         !(w->logits = vb_alloc((size_t)(o->batch * m->classes) * sizeof(float))))) {
        fprintf(stderr, "vbmodel: cannot allocate %.1f MiB for %s at batch %lld\n",
                (double)vb_model_bytes(m, planned) / 1048576.0, m->name, (long long)o->batch);
        return -1;
    }
    if (make_replicas(w, m, b, o) != 0) return -1;
    vb_model_init_params(m, o->seed);
    int64_t n_in = o->batch * vb_shape_numel(m->input);
    w->images = vb_alloc((size_t)n_in * sizeof(float));
    w->labels = vb_alloc((size_t)o->batch * sizeof(int32_t));
    if (!w->images || !w->labels) {
        fprintf(stderr, "vbmodel: cannot allocate the random batch\n");
        return -1;
    }
    for (int64_t i = 0; i < n_in; i++) w->images[i] = vb_uniform(o->seed, (uint64_t)i);
    for (int64_t i = 0; i < o->batch; i++)
        w->labels[i] = (int32_t)(vb_hash64(o->seed + 1, (uint64_t)i) % (uint64_t)m->classes);
    return 0;
}

static void workload_close(workload *w)
{
    vb_replicas_destroy(w->replicas);
    vb_free(w->logits);
    vb_free(w->images);
    vb_free(w->labels);
    vb_step_scratch_free(&w->s);
}

/* Training step number `step` (≥ 1): the seeds' AdamW, label smoothing 0.1. */
static int train_step(vb_model *m, vb_run *r, workload *w, const options *o, int64_t step,
                      double *loss)
{
    vb_adam_desc adam = {.lr = 1e-3f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-7f,
                         .weight_decay = 1e-4f, .decay_mode = VB_DECAY_DECOUPLED,
                         .eps_mode = VB_EPS_KERAS, .step = step};
    r->seed = vb_hash64(o->seed, (uint64_t)step);
    const vb_step_opts so = {.lambda = 1.0f, .replicas = w->replicas, .samples = o->batch,
                             .logits = w->logits};
    return vb_train_step_opts(m, r, &w->s, w->images, w->labels, 0.1f, adam, &so, loss);
}

/* ---- step --------------------------------------------------------------------------- */

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
    if (check_memory(m, o) != 0) return 1;
    const vb_backend_init_opts init = init_opts(o);
    vb_loaded_backend *b = vb_backend_select_with(o->backend, &init, err, sizeof err);
    if (!b) {
        fprintf(stderr, "vbmodel: %s\n", err);
        return 1;
    }
    workload w;
    if (workload_open(&w, m, b, o) != 0) {
        workload_close(&w);
        vb_backend_unload(b);
        return 1;
    }
    const int workers = w.replicas ? vb_replicas_workers(w.replicas) : 0;
    printf("%s on backend %s (%s), %d threads, %s, batch %lld, %.1f MiB planned\n", m->name,
           b->name, b->version, b->threads, vb_precision_name(b->precision),
           (long long)o->batch, planned_mib(m, o, workers));
    if (w.replicas)
        printf("chunks of %lld images on %d one-thread workers: op times below are summed "
               "over the workers (CPU time)\n", (long long)o->chunk, workers);
    vb_profile profile;
    vb_run r = {.backend = b, .params = &m->params, .training = 1, .profile = &profile};
    int rc = 0;
    double last = 0;
    for (int64_t step = 1; step <= o->steps && rc == 0; step++) {
        memset(&profile, 0, sizeof profile);
        double loss, t0 = vb_bench_now();
        rc = train_step(m, &r, &w, o, step, &loss);
        last = vb_bench_now() - t0;
        if (rc == 0)
            printf("step %lld: loss %.5f, %.1f ms, %.0f images/s\n", (long long)step, loss,
                   1e3 * last, (double)o->batch / last);
    }
    if (rc != 0) fprintf(stderr, "vbmodel: %s\n", r.err);
    else print_profile(&profile, last);
    workload_close(&w);
    vb_backend_unload(b);
    return rc ? 1 : 0;
}

/* ---- bench -------------------------------------------------------------------------- */

/* Training FLOPs per image, the convention of every GFLOP/s figure here (and in
 * scripts/bench-torch.py's rows, which scripts/bench derives from these): 2 FLOPs per
 * MAC, and the backward pass counted as twice the forward (one product for the input
 * gradient, one for the weight gradient), so 2 × 3 × the forward MACs *with* the
 * attention matmuls QKᵀ and AV. Softmax, norms, element-wise ops and the optimizer are
 * left out, and the first layer's input gradient is counted though nobody computes it. */
static double train_flops_per_image(const vb_model *m)
{
    vb_counts c;
    vb_model_count(m, &c);
    return 2.0 * 3.0 * vb_counts_macs(&c, VB_MACS_ATTN_MATMULS);
}

/* One backend's measurement, run in a child process. */
typedef struct bench_state {
    vb_model *m;
    const options *o;
    vb_run r;
    vb_governor *governor; /* each pass's load of the backend, as training picks it */
    workload w;
    int64_t step;
} bench_state;

typedef struct bench_result {
    double train_img_s, infer_img_s; /* medians over o->reps */
    char version[128];
} bench_result;

/* One timed pass: a training step, or a forward pass alone when r.training is 0. */
static int bench_pass(bench_state *s)
{
    s->r.backend = vb_governor_pick(s->governor);
    if (s->r.training) {
        double loss;
        return train_step(s->m, &s->r, &s->w, s->o, ++s->step, &loss);
    }
    const float *logits;
    double loss;
    if (s->w.replicas)
        return vb_eval_loss_chunked(s->w.replicas, &s->r, s->w.images, s->w.labels,
                                    s->o->batch, 0.1f, s->w.logits, &loss);
    return vb_model_forward(s->m, &s->r, s->w.images, &logits);
}

/* Images per second: median over o->reps timings of o->steps passes, after o->warmup
 * untimed passes (first-touch page faults, thread pools, backend caches). -1 on error. */
static double images_per_second(bench_state *s)
{
    const options *o = s->o;
    double *rate = malloc((size_t)o->reps * sizeof *rate), median = -1;
    int rc = rate ? 0 : -1;
    for (int64_t i = 0; i < o->warmup && rc == 0; i++) rc = bench_pass(s);
    for (int64_t rep = 0; rep < o->reps && rc == 0; rep++) {
        double t0 = vb_bench_now();
        for (int64_t i = 0; i < o->steps && rc == 0; i++) rc = bench_pass(s);
        rate[rep] = (double)(o->steps * o->batch) / (vb_bench_now() - t0);
    }
    if (rc == 0) median = vb_bench_median(rate, (int)o->reps);
    free(rate);
    return median;
}

typedef struct bench_job {
    vb_model *m;
    const options *o;
    const char *backend;
} bench_job;

static int bench_backend(void *ctx, void *out)
{
    const bench_job *j = ctx;
    bench_result *res = out;
    char err[1024];
    const vb_backend_init_opts init = init_opts(j->o);
    vb_loaded_backend *b = vb_backend_load_with(j->backend, &init, err, sizeof err);
    if (!b) {
        fprintf(stderr, "vbmodel: %s\n", err);
        return -1;
    }
    snprintf(res->version, sizeof res->version, "%s", b->version);
    bench_state s = {.m = j->m, .o = j->o,
                     .r = {.backend = b, .params = &j->m->params, .training = 1},
                     .governor = vb_governor_create(b, !j->o->fixed_threads)};
    int rc = s.governor ? workload_open(&s.w, s.m, b, s.o) : -1;
    if (rc == 0) {
        res->train_img_s = images_per_second(&s);
        s.r.training = 0;
        res->infer_img_s = res->train_img_s < 0 ? -1 : images_per_second(&s);
        if (res->infer_img_s < 0) {
            fprintf(stderr, "vbmodel: %s: %s\n", b->name, s.r.err);
            rc = -1;
        }
    }
    workload_close(&s.w);
    vb_governor_destroy(s.governor);
    vb_backend_unload(b);
    return rc;
}

static int bench_sgemm(void *ctx, void *out)
{
    const options *o = ctx;
    *(double *)out = vb_bench_sgemm_gflops(2048, (int)o->threads, (int)o->reps);
    return 0;
}

/* Appends one CSV row (with the header first when the file is new or empty); a row that
 * cannot be written is one line naming the file and the reason. */
static int write_csv_row(const options *o, const vb_model *m, const char *impl,
                         const bench_result *res, double rss_mib, double gflops,
                         double sgemm_gflops)
{
    char brief[VB_PATH_BRIEF];
    FILE *f = fopen(o->csv, "a");
    if (!f) {
        fprintf(stderr, "vbmodel: %s: cannot open: %s\n", vb_path_brief(o->csv, brief),
                strerror(errno));
        return -1;
    }
    if (ftell(f) == 0)
        fprintf(f, "model,impl,threads,batch,train_img_s,infer_img_s,peak_rss_mib,gflops,"
                   "pct_of_sgemm_peak,ratio_to_pytorch\n");
    fprintf(f, "%s,%s,%d,%lld,%.3f,%.3f,%.1f,%.3f,", m->name, impl, (int)o->threads,
            (long long)o->batch, res->train_img_s, res->infer_img_s, rss_mib, gflops);
    if (sgemm_gflops > 0) fprintf(f, "%.2f", 100 * gflops / sgemm_gflops);
    fprintf(f, ",\n");
    if (vb_close_written(f) == 0) return 0;
    fprintf(stderr, "vbmodel: %s: cannot write: %s\n", vb_path_brief(o->csv, brief),
            strerror(errno));
    return -1;
}

/* Every backend in its own child, so none inherits another's threads or peak memory;
 * the parent never starts a thread pool. Prints a table; exit status 1 if any failed. */
static int run_bench(vb_model *m, const options *o)
{
    char names[32][64], versions[32][128];
    int n = 1, failed = 0;
    if (!o->backend || strcmp(o->backend, "all") == 0) n = vb_backend_discover(names, 32);
    else snprintf(names[0], sizeof names[0], "%s", o->backend);
    if (n == 0) {
        fprintf(stderr, "vbmodel: no backend found\n");
        return 1;
    }
    if (check_memory(m, o) != 0) return 1; /* each backend's child would run out alike */
    double flops = train_flops_per_image(m), sgemm = -1, rss;
    fprintf(stderr, "bench: sgemm 2048^3 at %d threads\n", (int)o->threads);
    if (vb_bench_in_child(bench_sgemm, (void *)o, &sgemm, sizeof sgemm, &rss) != 0) sgemm = -1;

    printf("%s: %d threads, batch %lld, median of %lld reps of %lld steps after %lld "
           "warm-up\ntraining: %.4g GFLOP/image (2 x 3 x forward MACs incl. attention "
           "matmuls)\n", m->name, (int)o->threads, (long long)o->batch, (long long)o->reps,
           (long long)o->steps, (long long)o->warmup, flops / 1e9);
    if (sgemm > 0) printf("sgemm peak: %.1f GFLOP/s (cblas_sgemm 2048^3)\n", sgemm);
    else printf("sgemm peak: n/a (built without OpenBLAS)\n");
    printf("\n%-10s %12s %12s %10s %9s %8s\n", "impl", "train img/s", "infer img/s",
           "peak MiB", "GFLOP/s", "% sgemm");
    for (int i = 0; i < n; i++) {
        fprintf(stderr, "bench: %s on %s, batch %lld, %d threads\n", m->name, names[i],
                (long long)o->batch, (int)o->threads);
        bench_job job = {m, o, names[i]};
        bench_result res = {0};
        if (vb_bench_in_child(bench_backend, &job, &res, sizeof res, &rss) != 0) {
            printf("%-10s failed (see above)\n", names[i]);
            snprintf(versions[i], sizeof versions[i], "(failed)");
            failed = 1;
            continue;
        }
        memcpy(versions[i], res.version, sizeof versions[i]);
        double gflops = flops * res.train_img_s / 1e9;
        char impl[80]; /* the backend, and the precision when it is not f32: "omp-bf16" */
        snprintf(impl, sizeof impl, "%.63s%s%s", names[i], o->precision ? "-" : "",
                 o->precision ? vb_precision_name((vb_precision)o->precision) : "");
        printf("%-10s %12.2f %12.2f %10.1f %9.2f ", impl, res.train_img_s,
               res.infer_img_s, rss, gflops);
        if (sgemm > 0) printf("%7.2f%%\n", 100 * gflops / sgemm);
        else printf("%8s\n", "n/a");
        if (o->csv && write_csv_row(o, m, impl, &res, rss, gflops, sgemm) != 0) failed = 1;
    }
    printf("\n");
    for (int i = 0; i < n; i++) printf("version %s: %s\n", names[i], versions[i]);
    return failed;
}

int main(int argc, char **argv)
{
    const cli_command *c = cli_parse(&program, argc, argv);
    if (c == &vbmodel_eval_command) return vbmodel_eval();
    if (c == &vbmodel_export_command) return vbmodel_export();
    vb_model m;
    load_model(&m, &opt);
    int rc = 0;
    if (c == &count_command) print_count(&m);
    else if (c == &init_command) rc = write_init(&m, &opt);
    else if (c == &bench_command) rc = run_bench(&m, &opt);
    else rc = run_steps(&m, &opt);
    vb_model_free(&m);
    return rc;
}
