/* Sample-parallel steps (replicas.h) against the whole batch on one model. The model is
 * fashion_cct with every kind of dropout on (tests/mpi_fashion_cct_dropout.cfg), whose
 * masks are drawn per sample of the batch, the backend omp, the batch 10 in chunks of 4
 * (the last one short), the loss mixed (Mixup's two label sets).
 * - Any number of workers computes the same bits, on omp, onednn and openblas (each worker
 *   calls cblas_sgemm from its own thread): chunks and their summing order do not depend
 *   on who runs them, and workers share nothing they write.
 * - Against the whole batch, gradients and parameters after two AdamW steps agree within
 *   1e-4 of their largest value:
 *   the chunks' GEMMs see 4 rows instead of 10 and the gradients are summed per chunk, so
 *   float rounding differs (~1e-7 relative per step), while a chunk given the wrong
 *   images, labels, dropout offset or scale is off by ~1e-2 from the first step.
 * - A step whose loss is not finite updates nothing and leaves the activations of the
 *   first chunk holding a non-finite value in the model (planned for one chunk), where
 *   the trainer looks for the first non-finite value.
 * - Evaluation in chunks gives the whole batch's logits and loss. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include "vitbench/loader.h"
#include "vitbench/model.h"
#include "vitbench/replicas.h"
#include "vitbench/rng.h"
#include "vitbench/step.h"

#define MODEL VB_SRCDIR "/tests/mpi_fashion_cct_dropout.cfg"
#define BATCH 10
#define CHUNK 4

typedef struct trained {
    vb_model m;
    vb_loaded_backend *backend;
    vb_step_scratch s;
    vb_replicas *replicas;
    float logits[BATCH * 10]; /* with replicas: where the step leaves them */
    float images[BATCH * 28 * 28];
    int32_t labels[BATCH], labels_b[BATCH];
    double loss[2];
    int status[2];
} trained;

static void open_model(trained *t, const char *backend, int workers)
{
    char err[512];
    cr_assert_eq(vb_model_load(&t->m, MODEL, err, sizeof err), 0, "%s", err);
    cr_assert_eq(vb_model_alloc(&t->m, workers > 0 ? CHUNK : BATCH), 0);
    vb_model_init_params(&t->m, 3);
    cr_assert_eq(vb_step_scratch_alloc(&t->s, &t->m), 0);
    t->backend = vb_backend_load(backend, 2, err, sizeof err);
    cr_assert_not_null(t->backend, "%s", err);
    if (workers > 0) {
        t->replicas = vb_replicas_create(&t->m, t->backend, workers, CHUNK, err, sizeof err);
        cr_assert_not_null(t->replicas, "%s", err);
    }
    for (int i = 0; i < BATCH * 28 * 28; i++) t->images[i] = vb_uniform(7, (uint64_t)i);
    for (int i = 0; i < BATCH; i++) {
        t->labels[i] = (int32_t)(vb_hash64(8, (uint64_t)i) % 10);
        t->labels_b[i] = (int32_t)(vb_hash64(9, (uint64_t)i) % 10);
    }
}

/* Two mixed, stopping AdamW steps: workers 0 runs the whole batch on the model itself. */
static void train(trained *t, const char *backend, int workers)
{
    open_model(t, backend, workers);
    vb_run r = {.backend = t->backend, .params = &t->m.params, .training = 1};
    const vb_step_opts o = {.labels_b = t->labels_b, .lambda = 0.7f, .stop_on_nonfinite = 1,
                            .replicas = t->replicas, .samples = BATCH, .logits = t->logits};
    for (int step = 1; step <= 2; step++) {
        vb_adam_desc adam = {.lr = 1e-3f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-7f,
                             .weight_decay = 1e-4f, .decay_mode = VB_DECAY_DECOUPLED,
                             .eps_mode = VB_EPS_KERAS, .step = step};
        r.seed = vb_hash64(11, (uint64_t)step);
        t->status[step - 1] = vb_train_step_opts(&t->m, &r, &t->s, t->images, t->labels, 0.1f,
                                                 adam, &o, &t->loss[step - 1]);
        cr_assert_neq(t->status[step - 1], VB_STEP_ERROR, "step %d: %s", step, r.err);
    }
}

static void close_model(trained *t)
{
    vb_replicas_destroy(t->replicas);
    vb_step_scratch_free(&t->s);
    vb_model_free(&t->m);
    vb_backend_unload(t->backend);
}

static const float *logits(const trained *t)
{
    return t->replicas ? t->logits : t->m.act[t->m.count];
}

static void same_bits_on_1_and_3_workers(const char *backend)
{
    static trained one, three;
    train(&one, backend, 1);
    train(&three, backend, 3);
    cr_assert_eq(one.loss[1], three.loss[1]);
    cr_assert_eq(memcmp(one.m.params.data, three.m.params.data,
                        one.m.params.total * sizeof(float)), 0);
    cr_assert_eq(memcmp(logits(&one), logits(&three), BATCH * 10 * sizeof(float)), 0);
    close_model(&one);
    close_model(&three);
}

Test(replicas, compute_the_same_bits_on_any_number_of_workers_on_omp)
{
    same_bits_on_1_and_3_workers("omp");
}

Test(replicas, compute_the_same_bits_on_any_number_of_workers_on_onednn)
{
    same_bits_on_1_and_3_workers("onednn");
}

Test(replicas, compute_the_same_bits_on_any_number_of_workers_on_openblas)
{
    same_bits_on_1_and_3_workers("openblas");
}

/* max |a − b| / (max |b| + tiny) over n floats. */
static double relative_gap(const float *a, const float *b, size_t n)
{
    double gap = 0, scale = 1e-30;
    for (size_t i = 0; i < n; i++) {
        gap = fmax(gap, fabs((double)a[i] - b[i]));
        scale = fmax(scale, fabs((double)b[i]));
    }
    return gap / scale;
}

Test(replicas, follow_the_whole_batch_within_rounding)
{
    static trained whole, chunked;
    train(&whole, "omp", 0);
    train(&chunked, "omp", 2);
    for (int step = 0; step < 2; step++) {
        cr_assert_eq(chunked.status[step], VB_STEP_OK);
        cr_assert(fabs(chunked.loss[step] - whole.loss[step]) <= 1e-5 * fabs(whole.loss[step]),
                  "step %d: loss %.9g chunked, %.9g whole", step + 1, chunked.loss[step],
                  whole.loss[step]);
    }
    /* Against the block's largest value: a parameter whose true gradient is zero (the
     * sequence pool's score bias, which softmax ignores) gets rounding noise that Adam
     * scales up to whole steps, so no parameter is held to its own scale. */
    const vb_param_block *pb = &whole.m.params;
    double gap = relative_gap(chunked.m.params.grad, pb->grad, pb->total);
    cr_assert(gap <= 1e-4, "the second step's gradients: relative gap %.3g", gap);
    gap = relative_gap(chunked.m.params.data, pb->data, pb->total);
    cr_assert(gap <= 1e-4, "parameters after two steps: relative gap %.3g", gap);
    /* The logits the trainer counts accuracy on, left in the model's arena. */
    gap = relative_gap(logits(&chunked), logits(&whole), BATCH * 10);
    cr_assert(gap <= 1e-4, "logits: relative gap %.3g", gap);
    close_model(&whole);
    close_model(&chunked);
}

Test(replicas, a_nonfinite_step_updates_nothing_and_keeps_the_chunk_that_shows_it)
{
    static trained t;
    open_model(&t, "omp", 2);
    t.images[6 * 28 * 28 + 100] = NAN; /* image 6: the third of the second chunk */
    float before = t.m.params.data[0];
    vb_run r = {.backend = t.backend, .params = &t.m.params, .training = 1, .seed = 1};
    const vb_step_opts o = {.lambda = 1.0f, .stop_on_nonfinite = 1, .replicas = t.replicas,
                            .samples = BATCH, .logits = t.logits};
    vb_adam_desc adam = {.lr = 1e-3f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-7f, .step = 1};
    double loss;
    int status = vb_train_step_opts(&t.m, &r, &t.s, t.images, t.labels, 0.1f, adam, &o, &loss);
    cr_assert_eq(status, VB_STEP_NONFINITE_LOSS, "status %d: %s", status, r.err);
    cr_assert(isnan(loss));
    cr_assert_eq(t.m.params.data[0], before, "a stopped step changed the parameters");
    /* The model's own first activation, recomputed there for the diagnosis: the second
     * chunk's, whose third image is the bad one, and only that. */
    cr_assert_eq(t.m.batch, CHUNK);
    const float *act = t.m.act[1];
    const size_t per_image = (size_t)vb_shape_numel(t.m.layers[0].out);
    for (size_t image = 0; image < CHUNK; image++) {
        int nonfinite = 0;
        for (size_t i = image * per_image; i < (image + 1) * per_image; i++)
            nonfinite |= !isfinite(act[i]);
        cr_assert_eq(nonfinite, image == 2, "chunk image %zu: non-finite %d", image, nonfinite);
    }
    close_model(&t);
}

Test(replicas, evaluate_in_chunks_as_the_whole_batch)
{
    static trained whole, chunked;
    open_model(&whole, "omp", 0);
    open_model(&chunked, "omp", 2);
    vb_run r = {.backend = whole.backend, .params = &whole.m.params};
    const float *expected;
    double loss, chunked_loss;
    cr_assert_eq(vb_eval_loss(&whole.m, &r, &whole.s, whole.images, whole.labels, 0.1f,
                              &expected, &loss), 0, "%s", r.err);
    cr_assert_eq(vb_eval_loss_chunked(chunked.replicas, &r, chunked.images, chunked.labels,
                                      BATCH, 0.1f, chunked.logits, &chunked_loss), 0,
                 "%s", r.err);
    cr_assert(fabs(chunked_loss - loss) <= 1e-5 * fabs(loss), "loss %.9g chunked, %.9g",
              chunked_loss, loss);
    double gap = relative_gap(chunked.logits, expected, BATCH * 10);
    cr_assert(gap <= 1e-5, "logits: relative gap %.3g", gap);
    close_model(&whole);
    close_model(&chunked);
}
