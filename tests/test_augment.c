/* Augmentation (lib/augment): every op on tiny images with hand-checked results, the
 * samplers' moments, determinism across batch sizes and thread counts, batch mixing,
 * normalisation (adapt), and the loader thread's epoch order. */
#include <criterion/criterion.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "../lib/augment/internal.h"
#include "vitbench/backend.h"

/* ---- helpers ------------------------------------------------------------------------ */

/* The draws of a training batch (random stages on) and of an evaluation batch. */
static vb_augment_draw training(uint64_t seed, int64_t epoch)
{
    return (vb_augment_draw){ .seed = seed, .epoch = epoch, .training = 1 };
}

static vb_augment_draw evaluation(uint64_t seed, int64_t epoch)
{
    return (vb_augment_draw){ .seed = seed, .epoch = epoch };
}

/* count images h×w×c; pixel (i, y, x, k) = (7i + 11y + 5x + 3k) mod 256; label i. */
static vb_dataset make_data(int64_t count, int64_t h, int64_t w, int64_t c)
{
    vb_dataset d;
    memset(&d, 0, sizeof d);
    d.count = count;
    d.h = h;
    d.w = w;
    d.c = c;
    d.classes = count;
    d.images = malloc((size_t)(count * h * w * c));
    d.labels = malloc((size_t)count * sizeof *d.labels);
    for (int64_t i = 0; i < count; i++) {
        d.labels[i] = (int32_t)i;
        for (int64_t y = 0; y < h; y++)
            for (int64_t x = 0; x < w; x++)
                for (int64_t k = 0; k < c; k++)
                    d.images[((i * h + y) * w + x) * c + k] =
                        (uint8_t)((7 * i + 11 * y + 5 * x + 3 * k) % 256);
    }
    return d;
}

static vb_subset all_of(const vb_dataset *d)
{
    vb_subset s = {d, malloc((size_t)d->count * sizeof(int64_t)), d->count};
    for (int64_t i = 0; i < d->count; i++)
        s.index[i] = i;
    return s;
}

static void free_data(vb_dataset *d, vb_subset *s)
{
    free(d->images);
    free(d->labels);
    free(s->index);
}

static vb_batch new_batch(int64_t n, int64_t hwc)
{
    vb_batch b = {n, calloc((size_t)(n * hwc), sizeof(float)),
                  calloc((size_t)n, sizeof(int32_t)), calloc((size_t)n, sizeof(int32_t)), 0};
    return b;
}

static void free_batch(vb_batch *b)
{
    free(b->images);
    free(b->labels);
    free(b->labels_b);
}

static void expect_bytes(const uint8_t *got, const uint8_t *want, int64_t n, const char *what)
{
    for (int64_t i = 0; i < n; i++)
        cr_expect_eq(got[i], want[i], "%s: [%ld] = %d, want %d", what, (long)i, got[i],
                     want[i]);
}

static void expect_floats(const float *got, const float *want, int64_t n, float tol,
                          const char *what)
{
    for (int64_t i = 0; i < n; i++)
        cr_expect(fabsf(got[i] - want[i]) <= tol, "%s: [%ld] = %g, want %g", what, (long)i,
                  got[i], want[i]);
}

/* ---- geometric ------------------------------------------------------------------------ */

Test(geometric, flip_is_an_exact_mirror)
{
    float px[2 * 3 * 2] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; /* (2, 3, 2) */
    const float want[12] = {5, 6, 3, 4, 1, 2, 11, 12, 9, 10, 7, 8};
    vb_imagef img = {px, 2, 3, 2};
    vb_aug_flip(&img);
    expect_floats(px, want, 12, 0.0f, "flip");
}

Test(geometric, crop_pad_shifts_in_zeros)
{
    float in[3 * 3] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, out[9];
    vb_imagef a = {in, 3, 3, 1}, b = {out, 3, 3, 1};
    vb_aug_crop_pad(&a, &b, 1, 0, 2); /* one row down, one column left */
    const float want[9] = {0, 0, 0, 2, 3, 0, 5, 6, 0};
    expect_floats(out, want, 9, 0.0f, "crop_pad");
    vb_aug_crop_pad(&a, &b, 1, 1, 1); /* the centred crop is the image */
    expect_floats(out, in, 9, 0.0f, "centred crop");
}

/* Every output of crop_pad = 4 is the input shifted by some (dy, dx) ∈ [−4, 4]², with
 * zeros where the shift leaves the image. */
Test(geometric, crop_pad_4_stays_inside)
{
    vb_dataset d = make_data(16, 8, 8, 1);
    for (int64_t i = 0; i < d.count * 64; i++)
        d.images[i] |= 1; /* no zero pixels: a zero is padding */
    vb_subset s = all_of(&d);
    vb_augment a = vb_augment_none();
    a.crop_pad = 4;
    vb_batch b = new_batch(16, 64);
    cr_assert_eq(vb_augment_batch(&a, &s, 0, 16, training(5, 0), &b), VB_OK);
    int shifted = 0;
    for (int64_t i = 0; i < 16; i++) {
        int found = 0;
        for (int dy = -4; dy <= 4 && !found; dy++)
            for (int dx = -4; dx <= 4 && !found; dx++) {
                int ok = 1;
                for (int y = 0; y < 8 && ok; y++)
                    for (int x = 0; x < 8 && ok; x++) {
                        int sy = y + dy, sx = x + dx;
                        float want = sy < 0 || sy >= 8 || sx < 0 || sx >= 8
                                         ? 0.0f
                                         : d.images[i * 64 + sy * 8 + sx] / 255.0f;
                        ok = b.images[i * 64 + y * 8 + x] == want;
                    }
                found = ok;
                shifted += ok && (dy || dx);
            }
        cr_expect(found, "image %ld is not a padded shift of its input", (long)i);
    }
    cr_expect_gt(shifted, 8, "crop_pad hardly ever moved the image");
    free_batch(&b);
    free_data(&d, &s);
}

Test(geometric, rotation_0_and_zoom_1_are_identity)
{
    float in[5 * 4 * 2], out[5 * 4 * 2], m[6];
    for (int i = 0; i < 40; i++)
        in[i] = (float)((i * 37) % 101);
    vb_imagef a = {in, 5, 4, 2}, b = {out, 5, 4, 2};
    vb_aug_rotation_matrix(m, 0.0f, 5, 4);
    vb_aug_affine(&a, &b, m);
    expect_floats(out, in, 40, 0.0f, "rotation 0");
    vb_aug_zoom_matrix(m, 1.0f, 1.0f, 5, 4);
    vb_aug_affine(&a, &b, m);
    expect_floats(out, in, 40, 0.0f, "zoom 1");
}

Test(geometric, rotation_quarter_turn_is_counter_clockwise)
{
    float in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, out[9], m[6];
    const float want[9] = {3, 6, 9, 2, 5, 8, 1, 4, 7};
    vb_imagef a = {in, 3, 3, 1}, b = {out, 3, 3, 1};
    vb_aug_rotation_matrix(m, (float)M_PI / 2.0f, 3, 3);
    vb_aug_affine(&a, &b, m);
    expect_floats(out, want, 9, 1e-4f, "rotation π/2");
}

/* Keras' reflect fill mirrors about the outer pixel edges: (d c b a | a b c d | d c b a). */
Test(geometric, reflect_fill_at_the_borders)
{
    float in[4] = {10, 20, 30, 40}, out[4];
    vb_imagef a = {in, 1, 4, 1}, b = {out, 1, 4, 1};
    float left[6] = {1, 0, -2, 0, 1, 0}; /* out(x) = in(x − 2) */
    vb_aug_affine(&a, &b, left);
    expect_floats(out, (const float[4]){20, 10, 10, 20}, 4, 0.0f, "shift right by 2");
    float right[6] = {1, 0, 2, 0, 1, 0}; /* out(x) = in(x + 2) */
    vb_aug_affine(&a, &b, right);
    expect_floats(out, (const float[4]){30, 40, 40, 30}, 4, 0.0f, "shift left by 2");
    float m[6];
    vb_aug_zoom_matrix(m, 2.0f, 1.0f, 1, 4); /* samples −1.5, 0.5, 2.5, 4.5 */
    vb_aug_affine(&a, &b, m);
    expect_floats(out, (const float[4]){15, 15, 35, 35}, 4, 1e-5f, "zoom out ×2");
}

Test(geometric, resized_crop_of_the_whole_image_is_identity)
{
    float in[3 * 4], out[3 * 4];
    for (int i = 0; i < 12; i++)
        in[i] = (float)(i * i);
    vb_imagef a = {in, 3, 4, 1}, b = {out, 3, 4, 1};
    vb_aug_resized_crop(&a, &b, 0, 0, 3, 4);
    expect_floats(out, in, 12, 0.0f, "whole box");
    vb_aug_resized_crop(&a, &b, 1, 2, 1, 1); /* one pixel blown up */
    for (int i = 0; i < 12; i++)
        cr_expect_eq(out[i], in[1 * 4 + 2]);
}

/* ---- AutoAugment ops ----------------------------------------------------------------- */

static void apply8(vb_aug_op op, float v, uint8_t *px, int64_t h, int64_t w, int64_t c)
{
    uint8_t tmp[4096];
    vb_image8 img = {px, h, w, c};
    vb_aug_apply(op, v, &img, tmp);
}

Test(imageops, point_ops)
{
    uint8_t px[4] = {0, 100, 128, 255};
    apply8(VB_AUG_INVERT, 0, px, 1, 4, 1);
    expect_bytes(px, (const uint8_t[4]){255, 155, 127, 0}, 4, "invert");
    uint8_t q[4] = {0, 100, 127, 255};
    apply8(VB_AUG_POSTERIZE, 4, q, 1, 4, 1);
    expect_bytes(q, (const uint8_t[4]){0, 96, 112, 240}, 4, "posterize 4");
    uint8_t s[4] = {0, 127, 128, 200};
    apply8(VB_AUG_SOLARIZE, 128, s, 1, 4, 1);
    expect_bytes(s, (const uint8_t[4]){0, 127, 127, 55}, 4, "solarize 128");
}

Test(imageops, equalize_spreads_two_levels)
{
    uint8_t px[32 * 32];
    for (int i = 0; i < 32 * 32; i++)
        px[i] = i < 512 ? 10 : 200;
    apply8(VB_AUG_EQUALIZE, 0, px, 32, 32, 1);
    cr_expect_eq(px[0], 0);
    cr_expect_eq(px[1023], 255);
    uint8_t tiny[4] = {10, 10, 200, 200}; /* step = 2 / 255 = 0: left alone (PIL) */
    apply8(VB_AUG_EQUALIZE, 0, tiny, 2, 2, 1);
    expect_bytes(tiny, (const uint8_t[4]){10, 10, 200, 200}, 4, "tiny equalize");
}

Test(imageops, autocontrast_stretches_each_channel)
{
    uint8_t px[6] = {50, 7, 100, 7, 150, 7}; /* channel 1 is constant: left alone */
    apply8(VB_AUG_AUTOCONTRAST, 0, px, 1, 3, 2);
    expect_bytes(px, (const uint8_t[6]){0, 7, 127, 7, 255, 7}, 6, "autocontrast");
}

Test(imageops, enhancements)
{
    uint8_t px[3] = {100, 50, 200};
    apply8(VB_AUG_BRIGHTNESS, 0.5f, px, 1, 1, 3);
    expect_bytes(px, (const uint8_t[3]){50, 25, 100}, 3, "brightness 0.5");
    apply8(VB_AUG_BRIGHTNESS, 4.0f, px, 1, 1, 3);
    expect_bytes(px, (const uint8_t[3]){200, 100, 255}, 3, "brightness 4 clips");
    uint8_t red[3] = {255, 0, 0}; /* factor 0 = the grey image: 0.2989·255 = 76.2 → 76 */
    apply8(VB_AUG_COLOR, 0.0f, red, 1, 1, 3);
    expect_bytes(red, (const uint8_t[3]){76, 76, 76}, 3, "color 0");
    uint8_t rgb[3] = {10, 20, 30};
    apply8(VB_AUG_COLOR, 1.0f, rgb, 1, 1, 3);
    expect_bytes(rgb, (const uint8_t[3]){10, 20, 30}, 3, "color 1");
    uint8_t c[4] = {0, 100, 100, 200}; /* mean 100: factor 0 gives the mean everywhere */
    apply8(VB_AUG_CONTRAST, 0.0f, c, 2, 2, 1);
    expect_bytes(c, (const uint8_t[4]){100, 100, 100, 100}, 4, "contrast 0");
}

Test(imageops, sharpness_blurs_the_inside_only)
{
    uint8_t px[9] = {0, 0, 0, 0, 130, 0, 0, 0, 0};
    apply8(VB_AUG_SHARPNESS, 0.0f, px, 3, 3, 1); /* fully degenerate: 5·130/13 = 50 */
    expect_bytes(px, (const uint8_t[9]){0, 0, 0, 0, 50, 0, 0, 0, 0}, 9, "sharpness 0");
    uint8_t q[9] = {0, 0, 0, 0, 130, 0, 0, 0, 0};
    apply8(VB_AUG_SHARPNESS, 1.0f, q, 3, 3, 1);
    expect_bytes(q, (const uint8_t[9]){0, 0, 0, 0, 130, 0, 0, 0, 0}, 9, "sharpness 1");
}

Test(imageops, geometric_ops)
{
    const uint8_t in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    uint8_t px[9];
    memcpy(px, in, 9);
    apply8(VB_AUG_TRANSLATE_X, 1.7f, px, 3, 3, 1); /* ⌊1.7⌋ = 1 pixel right */
    expect_bytes(px, (const uint8_t[9]){0, 1, 2, 0, 4, 5, 0, 7, 8}, 9, "translate x");
    memcpy(px, in, 9);
    apply8(VB_AUG_TRANSLATE_Y, -1.0f, px, 3, 3, 1); /* one row up */
    expect_bytes(px, (const uint8_t[9]){4, 5, 6, 7, 8, 9, 0, 0, 0}, 9, "translate y");
    memcpy(px, in, 9);
    apply8(VB_AUG_ROTATE, 90.0f, px, 3, 3, 1);
    expect_bytes(px, (const uint8_t[9]){3, 6, 9, 2, 5, 8, 1, 4, 7}, 9, "rotate 90");
    memcpy(px, in, 9);
    apply8(VB_AUG_SHEAR_X, 1.0f, px, 3, 3, 1); /* row y reads x + y (+ ½ at centres) */
    expect_bytes(px, (const uint8_t[9]){2, 3, 0, 6, 0, 0, 0, 0, 0}, 9, "shear x");
    memcpy(px, in, 9);
    apply8(VB_AUG_SHEAR_Y, 0.0f, px, 3, 3, 1);
    expect_bytes(px, in, 9, "shear 0");
}

/* ---- samplers ------------------------------------------------------------------------- */

Test(random, gamma_and_beta_moments)
{
    vb_stream r = vb_stream_of(1, 2);
    const int n = 20000;
    const double alphas[3] = {0.3, 1.0, 2.5};
    for (int k = 0; k < 3; k++) {
        double sum = 0;
        for (int i = 0; i < n; i++)
            sum += vb_draw_gamma(&r, alphas[k]);
        cr_expect(fabs(sum / n - alphas[k]) < 0.05 * alphas[k] + 0.01, "Γ(%g) mean %g",
                  alphas[k], sum / n);
    }
    double sum = 0, squares = 0;
    for (int i = 0; i < n; i++) {
        double b = vb_draw_beta(&r, 0.8, 0.8);
        cr_assert(b >= 0.0 && b <= 1.0);
        sum += b;
        squares += b * b;
    }
    double mean = sum / n, var = squares / n - mean * mean;
    cr_expect(fabs(mean - 0.5) < 0.01, "Beta(0.8, 0.8) mean %g", mean);
    cr_expect(fabs(var - 1.0 / (4.0 * 2.6)) < 0.01, "Beta(0.8, 0.8) var %g", var);
}

/* ---- normalisation ------------------------------------------------------------------- */

Test(normalize, none_rescales_to_unit_range)
{
    vb_dataset d = make_data(3, 2, 2, 3);
    vb_subset s = all_of(&d);
    vb_augment a = vb_augment_none();
    vb_batch b = new_batch(3, 12);
    cr_assert_eq(vb_augment_batch(&a, &s, 0, 3, training(1, 0), &b), VB_OK);
    for (int i = 0; i < 36; i++)
        cr_expect_eq(b.images[i], d.images[i] / 255.0f);
    cr_expect_eq(b.lambda, 1.0f);
    for (int i = 0; i < 3; i++)
        cr_expect(b.labels[i] == i && b.labels_b[i] == i);
    free_batch(&b);
    free_data(&d, &s);
}

Test(normalize, adapt_on_a_subset)
{
    /* 2 channels, 1 pixel per image; subset = images 1 and 3 of 4 */
    vb_dataset d = make_data(4, 1, 1, 2);
    const uint8_t px[8] = {0, 0, 51, 255, 99, 99, 153, 255};
    memcpy(d.images, px, 8);
    int64_t idx[2] = {1, 3};
    vb_subset s = {&d, idx, 2};
    vb_augment a = vb_augment_none();
    vb_augment_adapt(&a, &s);
    /* channel 0: 0.2, 0.6 → mean 0.4, std 0.2; channel 1: constant 1 → std floored */
    cr_expect(fabsf(a.mean[0] - 0.4f) < 1e-6f && fabsf(a.std[0] - 0.2f) < 1e-6f,
              "channel 0: %g %g", a.mean[0], a.std[0]);
    cr_expect(fabsf(a.mean[1] - 1.0f) < 1e-6f && a.std[1] > 0.0f && a.std[1] < 1e-6f);
    vb_batch b = new_batch(2, 2);
    cr_assert_eq(vb_augment_batch(&a, &s, 0, 2, evaluation(1, 0), &b), VB_OK);
    expect_floats(b.images, (const float[4]){-1, 0, 1, 0}, 4, 1e-5f, "normalised");
    free_batch(&b);
    free(d.images);
    free(d.labels);
}

/* ---- erasing -------------------------------------------------------------------------- */

Test(erasing, replaces_one_box_with_noise)
{
    float px[16 * 16];
    for (int i = 0; i < 256; i++)
        px[i] = 100.0f; /* far from any N(0, 1) draw */
    vb_imagef img = {px, 16, 16, 1};
    vb_stream r = vb_stream_of(3, 4);
    vb_aug_erase(&img, 1.0f, &r);
    int y0 = 16, y1 = -1, x0 = 16, x1 = -1, erased = 0;
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++)
            if (px[y * 16 + x] != 100.0f) {
                erased++;
                y0 = y < y0 ? y : y0;
                y1 = y > y1 ? y : y1;
                x0 = x < x0 ? x : x0;
                x1 = x > x1 ? x : x1;
            }
    cr_assert_gt(erased, 0);
    cr_expect_eq(erased, (y1 - y0 + 1) * (x1 - x0 + 1), "the erased pixels form a box");
    cr_expect(erased >= 3 && erased <= 256 / 3 + 16, "box area %d", erased);
    vb_stream q = vb_stream_of(3, 5);
    float same[4] = {7, 7, 7, 7};
    vb_imagef two = {same, 2, 2, 1};
    vb_aug_erase(&two, 0.0f, &q);
    expect_floats(same, (const float[4]){7, 7, 7, 7}, 4, 0.0f, "p = 0");
}

/* ---- determinism ------------------------------------------------------------------------ */

static vb_augment everything(void)
{
    vb_augment a = vb_augment_none();
    a.crop_pad = 2;
    a.crop_scale_min = 0.5f;
    a.flip = 1;
    a.rotation = 0.05f;
    a.zoom = 0.2f;
    a.autoaugment = 1;
    a.randaugment_n = 2;
    a.randaugment_m = 9;
    a.erasing = 0.5f;
    for (int k = 0; k < 3; k++) {
        a.mean[k] = 0.5f;
        a.std[k] = 0.25f;
    }
    return a;
}

/* The whole subset in batches of `batch` with `threads` OpenMP threads. */
static void run_epoch(const vb_augment *a, const vb_subset *s, int64_t batch, int threads,
                      int64_t epoch, float *out)
{
    const int64_t hwc = s->data->h * s->data->w * s->data->c;
    omp_set_num_threads(threads);
    vb_batch b = new_batch(batch, hwc);
    for (int64_t first = 0; first < s->count; first += batch) {
        int64_t n = s->count - first < batch ? s->count - first : batch;
        cr_assert_eq(vb_augment_batch(a, s, first, n, training(42, epoch), &b), VB_OK);
        memcpy(out + first * hwc, b.images, (size_t)(n * hwc) * sizeof(float));
    }
    free_batch(&b);
}

Test(determinism, same_sample_whatever_batch_size_and_threads)
{
    vb_dataset d = make_data(13, 8, 8, 3);
    vb_subset s = all_of(&d);
    const vb_augment a = everything();
    const size_t bytes = 13 * 192 * sizeof(float);
    float *one = malloc(bytes), *two = malloc(bytes), *next = malloc(bytes);
    run_epoch(&a, &s, 13, 1, 0, one);
    run_epoch(&a, &s, 5, 2, 0, two);
    cr_expect_eq(memcmp(one, two, bytes), 0, "batch 13 × 1 thread ≠ batch 5 × 2 threads");
    run_epoch(&a, &s, 1, 2, 0, two);
    cr_expect_eq(memcmp(one, two, bytes), 0, "batch 13 ≠ batch 1");
    run_epoch(&a, &s, 13, 2, 1, next);
    cr_expect_neq(memcmp(one, next, bytes), 0, "epoch 1 augmented like epoch 0");
    for (size_t i = 0; i < 13 * 192; i++)
        cr_assert(isfinite(one[i]));
    free(one);
    free(two);
    free(next);
    free_data(&d, &s);
}

Test(determinism, evaluation_is_plain_normalisation)
{
    vb_dataset d = make_data(4, 4, 4, 3);
    vb_subset s = all_of(&d);
    vb_augment a = everything();
    a.mixup_alpha = 1.0f;
    vb_batch b = new_batch(4, 48);
    cr_assert_eq(vb_augment_batch(&a, &s, 0, 4, evaluation(9, 3), &b), VB_OK);
    for (int i = 0; i < 4 * 48; i++)
        cr_expect_eq(b.images[i], (d.images[i] / 255.0f - 0.5f) / 0.25f);
    cr_expect_eq(b.lambda, 1.0f);
    free_batch(&b);
    free_data(&d, &s);
}

/* ---- mixing ------------------------------------------------------------------------------ */

static void expect_permutation(const vb_batch *b)
{
    int seen[64] = {0};
    for (int64_t i = 0; i < b->n; i++) {
        cr_assert(b->labels_b[i] >= 0 && b->labels_b[i] < 64);
        seen[b->labels_b[i]]++;
    }
    for (int64_t i = 0; i < b->n; i++)
        cr_expect_eq(seen[b->labels[i]], 1, "labels_b is not a permutation of labels");
}

Test(mixing, mixup_blends_with_a_partner)
{
    vb_dataset d = make_data(16, 4, 4, 3);
    vb_subset s = all_of(&d);
    vb_augment a = vb_augment_none();
    a.mixup_alpha = 0.8f;
    vb_batch b = new_batch(16, 48);
    for (int64_t epoch = 0; epoch < 4; epoch++) {
        cr_assert_eq(vb_augment_batch(&a, &s, 0, 16, training(7, epoch), &b), VB_OK);
        cr_assert(b.lambda >= 0.0f && b.lambda <= 1.0f, "λ = %g", b.lambda);
        expect_permutation(&b);
        for (int64_t i = 0; i < 16; i++)
            for (int64_t k = 0; k < 48; k++) {
                float x = d.images[i * 48 + k] / 255.0f;
                float y = d.images[b.labels_b[i] * 48 + k] / 255.0f;
                cr_expect(fabsf(b.images[i * 48 + k] - (b.lambda * x + (1 - b.lambda) * y)) <
                          1e-5f);
            }
    }
    free_batch(&b);
    free_data(&d, &s);
}

Test(mixing, cutmix_lambda_is_the_kept_area)
{
    vb_dataset d = make_data(8, 8, 8, 1);
    vb_subset s = all_of(&d);
    vb_augment a = vb_augment_none();
    a.cutmix_alpha = 1.0f;
    vb_batch b = new_batch(8, 64);
    for (int64_t epoch = 0; epoch < 6; epoch++) {
        cr_assert_eq(vb_augment_batch(&a, &s, 0, 8, training(11, epoch), &b), VB_OK);
        cr_assert(b.lambda >= 0.0f && b.lambda <= 1.0f, "λ = %g", b.lambda);
        expect_permutation(&b);
        for (int64_t i = 0; i < 8; i++) {
            int64_t j = b.labels_b[i], pasted = 0;
            for (int64_t p = 0; p < 64; p++) {
                float x = d.images[i * 64 + p] / 255.0f, y = d.images[j * 64 + p] / 255.0f;
                float v = b.images[i * 64 + p];
                cr_assert(v == x || v == y, "pixel from neither image");
                pasted += v == y && v != x;
            }
            if (j != i) /* the images differ at every pixel (7i mod 256) */
                cr_expect_eq(pasted, (int64_t)lroundf((1.0f - b.lambda) * 64.0f));
        }
    }
    free_batch(&b);
    free_data(&d, &s);
}

Test(mixing, both_alphas_use_both_methods)
{
    vb_dataset d = make_data(8, 8, 8, 1);
    vb_subset s = all_of(&d);
    vb_augment a = vb_augment_none();
    a.mixup_alpha = 0.8f;
    a.cutmix_alpha = 1.0f;
    vb_batch b = new_batch(8, 64);
    int cutmix = 0, mixup = 0;
    for (int64_t epoch = 0; epoch < 40; epoch++) {
        cr_assert_eq(vb_augment_batch(&a, &s, 0, 8, training(3, epoch), &b), VB_OK);
        int64_t j = b.labels_b[0];
        if (j == 0)
            continue;
        int exact = 1; /* CutMix leaves every pixel from one of the two images */
        for (int64_t p = 0; p < 64; p++) {
            float v = b.images[p];
            exact &= v == d.images[p] / 255.0f || v == d.images[j * 64 + p] / 255.0f;
        }
        cutmix += exact;
        mixup += !exact;
    }
    cr_expect(cutmix > 5 && mixup > 5, "cutmix %d, mixup %d", cutmix, mixup);
    free_batch(&b);
    free_data(&d, &s);
}

/* ---- errors ---------------------------------------------------------------------------- */

Test(errors, bad_input_is_refused)
{
    vb_dataset d = make_data(4, 2, 2, 4);
    vb_subset s = all_of(&d);
    vb_augment a = vb_augment_none();
    vb_batch b = new_batch(4, 16);
    cr_expect_eq(vb_augment_batch(&a, &s, 2, 3, training(1, 0), &b), VB_EINVAL, "past the end");
    s.index[1] = 4;
    cr_expect_eq(vb_augment_batch(&a, &s, 0, 2, training(1, 0), &b), VB_EINVAL, "bad index");
    s.index[1] = 1;
    a.autoaugment = 1;
    cr_expect_eq(vb_augment_batch(&a, &s, 0, 2, training(1, 0), &b), VB_EUNSUPPORTED,
                 "RGBA policy");
    a.autoaugment = 0;
    a.std[2] = 0.0f;
    cr_expect_eq(vb_augment_batch(&a, &s, 0, 2, training(1, 0), &b), VB_EINVAL, "std 0");
    vb_loader_opts lo = {.batch = 2, .shuffle = 1, .training = 1, .seed = 1};
    cr_expect_null(vb_loader_start(&s, &a, &lo));
    free_batch(&b);
    free_data(&d, &s);
}

/* ---- loader ---------------------------------------------------------------------------- */

/* Runs one epoch; order[] gets the labels (= image indices) served, returns the count. */
static int64_t loader_epoch(const vb_subset *s, int64_t batch, int shuffle, int drop_last,
                            int64_t epoch, int64_t *order, int64_t *batches)
{
    vb_augment a = vb_augment_none();
    vb_loader_opts lo = {.batch = batch, .shuffle = shuffle, .drop_last = drop_last,
                         .seed = 99, .epoch = epoch};
    vb_loader *ld = vb_loader_start(s, &a, &lo);
    cr_assert_not_null(ld);
    const int64_t hwc = s->data->h * s->data->w * s->data->c;
    int64_t served = 0, k = 0;
    *batches = vb_loader_batches(ld);
    for (const vb_batch *b; (b = vb_loader_next(ld)); k++) {
        int64_t want = s->count - k * batch < batch ? s->count - k * batch : batch;
        cr_assert_eq(b->n, want, "batch %ld has %ld images", (long)k, (long)b->n);
        for (int64_t i = 0; i < b->n; i++) {
            int32_t id = b->labels[i];
            cr_assert_eq(b->images[i * hwc], s->data->images[id * hwc] / 255.0f);
            order[served++] = id;
        }
    }
    cr_expect_eq(k, *batches);
    cr_expect_null(vb_loader_next(ld), "a finished epoch stays finished");
    cr_expect_eq(vb_loader_status(ld), VB_OK);
    vb_loader_stop(ld);
    return served;
}

Test(loader, covers_every_image_once_in_a_seeded_order)
{
    vb_dataset d = make_data(23, 2, 2, 1);
    vb_subset s = all_of(&d);
    int64_t e0[23], e0again[23], e1[23], batches;
    cr_assert_eq(loader_epoch(&s, 5, 1, 0, 0, e0, &batches), 23);
    cr_expect_eq(batches, 5);
    int seen[23] = {0};
    for (int i = 0; i < 23; i++)
        seen[e0[i]]++;
    for (int i = 0; i < 23; i++)
        cr_expect_eq(seen[i], 1, "image %d served %d times", i, seen[i]);
    loader_epoch(&s, 5, 1, 0, 0, e0again, &batches);
    cr_expect_eq(memcmp(e0, e0again, sizeof e0), 0, "same (seed, epoch), other order");
    loader_epoch(&s, 5, 1, 0, 1, e1, &batches);
    cr_expect_neq(memcmp(e0, e1, sizeof e0), 0, "epochs 0 and 1 in the same order");
    loader_epoch(&s, 5, 0, 0, 0, e1, &batches);
    for (int i = 0; i < 23; i++)
        cr_expect_eq(e1[i], i, "shuffle = 0 is in order");
    free_data(&d, &s);
}

Test(loader, drop_last_and_stopping_early)
{
    vb_dataset d = make_data(23, 2, 2, 1);
    vb_subset s = all_of(&d);
    int64_t order[23], batches;
    cr_expect_eq(loader_epoch(&s, 5, 1, 1, 2, order, &batches), 20);
    cr_expect_eq(batches, 4);
    cr_expect_eq(loader_epoch(&s, 23, 1, 1, 2, order, &batches), 23);
    cr_expect_eq(loader_epoch(&s, 30, 1, 1, 2, order, &batches), 0, "all dropped");
    vb_augment a = vb_augment_none();
    for (int taken = 0; taken < 3; taken++) { /* stop with 0, 1, 2 batches taken */
        vb_loader_opts lo = {.batch = 4, .shuffle = 1, .training = 1, .seed = 5};
        vb_loader *ld = vb_loader_start(&s, &a, &lo);
        cr_assert_not_null(ld);
        for (int k = 0; k < taken; k++)
            cr_assert_not_null(vb_loader_next(ld));
        vb_loader_stop(ld);
    }
    free_data(&d, &s);
}
