/* Loading a training run's inputs (run_inputs.h). */
#include "run_inputs.h"

#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "data_dir.h"
#include "vitbench/files.h"

int run_inputs_resolve(const char *what, const char *name, char *path, size_t len, char *err,
                       size_t err_len)
{
    const char *dir = data_dir(strcmp(what, "model") == 0 ? DATA_MODELS : DATA_RECIPES);
    if (strchr(name, '/') || strstr(name, ".cfg"))
        return vb_path_printf(path, len, err, err_len, "%s", name);
    if (vb_path_printf(path, len, err, err_len, "%s/%s.cfg", dir, name)) return -1;
    if (access(path, R_OK) == 0) return 0;
    snprintf(err, err_len, "no %s '%s' in %s", what, name, dir);
    return -1;
}

int run_inputs_load_model(vb_model *m, const char *name, int64_t classes, char *err,
                          size_t err_len)
{
    char path[PATH_MAX];
    vb_model_opts opts = {.classes = classes};
    memset(m, 0, sizeof *m); /* vb_model_free works whatever failed */
    if (run_inputs_resolve("model", name, path, sizeof path, err, err_len)) return -1;
    return vb_model_load_opts(m, path, &opts, err, err_len) ? -1 : 0;
}

static int load(run_inputs *in, const run_request *rq, char *err, size_t err_len)
{
    /* Cheap checks first: a typo in a name fails at once, not after reading the data. */
    char recipe[PATH_MAX], model[PATH_MAX];
    if (run_inputs_resolve("recipe", rq->recipe, recipe, sizeof recipe, err, err_len) ||
        run_inputs_resolve("model", rq->model, model, sizeof model, err, err_len) ||
        vb_recipe_load(&in->recipe, recipe, err, err_len))
        return -1;
    /* --precision wins over the recipe's key; the recipe then carries the choice. */
    if (rq->precision >= 0) in->recipe.precision = (vb_precision)rq->precision;
    const vb_backend_init_opts opts = {.struct_size = sizeof opts,
                                       .threads = rq->threads > 0 ? rq->threads : 1,
                                       .precision = in->recipe.precision};
    in->backend = vb_backend_select_with(rq->backend, &opts, err, err_len);
    /* The backend applies --threads to its own ops; the program's own OpenMP loops
     * (decoding the dataset, fitting the normalisation) take it from here. */
    omp_set_num_threads(rq->threads > 0 ? rq->threads : 1);
    if (!in->backend ||
        vb_dataset_open(in->recipe.dataset, rq->data, &in->train, &in->test, err, err_len))
        return -1;
    vb_model_opts mo = {.classes = in->train.classes};
    return vb_model_load_opts(&in->model, model, &mo, err, err_len);
}

int run_inputs_load(run_inputs *in, const run_request *rq, char *err, size_t err_len)
{
    memset(in, 0, sizeof *in);
    int rc = load(in, rq, err, err_len);
    if (rc) run_inputs_free(in);
    return rc;
}

void run_inputs_free(run_inputs *in)
{
    vb_model_free(&in->model);
    vb_recipe_free(&in->recipe);
    vb_dataset_free(&in->train);
    vb_dataset_free(&in->test);
    if (in->backend) vb_backend_unload(in->backend);
    in->backend = NULL;
}
