/* A run's data (train.h): which images train, validate and test, and the normalisation
 * they get. vb_train and the evaluation of its checkpoints build it here, so both see the
 * same validation split and the same adapted mean/std. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* The recipe's augmentation on the dataset's images: 0, or -1 with one line naming the
 * recipe and what its images lack (the recipe alone was checked when it was read). */
static int check_augment(const vb_recipe *r, const vb_augment *a, const vb_subset *fit,
                         char *err, size_t err_len)
{
    const vb_dataset *d = fit->data;
    if (r->channels_given > d->c) {
        snprintf(err, err_len, "recipe %s: [augment] mean and std give %d values, but %s's "
                 "images have %lld channel%s", r->name, r->channels_given, d->name,
                 (long long)d->c, d->c == 1 ? "" : "s");
        return -1;
    }
    const int rc = vb_augment_check(a, fit);
    if (rc == VB_OK) return 0;
    if (rc == VB_EUNSUPPORTED)
        snprintf(err, err_len, "recipe %s: [augment] autoaugment and randaugment take grey or "
                 "RGB images, and %s's have %lld channels", r->name, d->name, (long long)d->c);
    else
        snprintf(err, err_len, "recipe %s: [augment] cannot apply to %s's %lldx%lldx%lld images",
                 r->name, d->name, (long long)d->h, (long long)d->w, (long long)d->c);
    return -1;
}

/* The validation split per val_mode; normalisation adapted when the recipe asks. Keras'
 * Normalization.adapt in the seeds sees the whole training array, before fit() splits
 * off validation_split, so adapt uses `all`, not `fit`. */
int vb_run_split_build(vb_run_split *sp, const vb_recipe *r, const vb_dataset *train,
                       const vb_dataset *test, int64_t limit, uint64_t seed, char *err,
                       size_t err_len)
{
    memset(sp, 0, sizeof *sp);
    int rc = vb_subset_all(train, limit, &sp->all) || vb_subset_all(test, 0, &sp->test);
    if (!rc && r->val_mode == VB_VAL_TEST) {
        rc = vb_subset_all(train, limit, &sp->fit) || vb_subset_all(test, 0, &sp->val);
    } else if (!rc) {
        rc = vb_subset_split(&sp->all, r->val_split, r->val_mode == VB_VAL_KERAS_LAST, seed,
                             &sp->fit, &sp->val);
    }
    if (rc || sp->fit.count < 1) {
        snprintf(err, err_len, "%s: cannot split %lld images for training (val_split %g)",
                 train->source, (long long)sp->all.count, r->val_split);
        vb_run_split_free(sp);
        return -1;
    }
    sp->aug = r->augment;
    if (r->adapt_normalization) vb_augment_adapt(&sp->aug, &sp->all);
    if (check_augment(r, &sp->aug, &sp->fit, err, err_len)) {
        vb_run_split_free(sp);
        return -1;
    }
    return 0;
}

void vb_run_split_free(vb_run_split *sp)
{
    vb_subset_free(&sp->all);
    vb_subset_free(&sp->fit);
    vb_subset_free(&sp->val);
    vb_subset_free(&sp->test);
}
