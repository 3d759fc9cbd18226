/* config.txt, manifest.json and result.csv of a cell's folder (run_folder.h). Each is
 * written to a temporary name, synced, then renamed: a reader never sees half a file. */
#include "run_folder.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vitbench/backend.h"
#include "vitbench/files.h"
#include "vitbench/fnv1a.h"
#include "vitbench/json.h"

typedef void (*write_fn)(FILE *f, const run_facts *facts, const vb_train_result *res);

/* What one file of the folder is written from. */
typedef struct folder_file {
    write_fn fn;
    const run_facts *facts;
    const vb_train_result *res;
} folder_file;

static int fill(FILE *f, void *ctx, char *err, size_t err_len)
{
    (void)err, (void)err_len;
    const folder_file *x = ctx;
    x->fn(f, x->facts, x->res);
    return 0;
}

static int write_atomically(const char *dir, const char *name, write_fn fn,
                            const run_facts *facts, const vb_train_result *res, char *err,
                            size_t err_len)
{
    char *path = vb_path_join(dir, name);
    folder_file x = {fn, facts, res};
    int rc = path ? vb_write_atomically(path, fill, &x, err, err_len) : -1;
    if (!path) snprintf(err, err_len, "%s: out of memory", name);
    free(path);
    return rc;
}

/* A shortened run: fewer epochs than the recipe file plans, a subset, or a profile that
 * says it is a reduced budget. */
static int shortened(const run_facts *f, int64_t epochs_done)
{
    return epochs_done < f->in->recipe.epochs || vb_limit_shortens(&f->in->train, f->limit) ||
           f->plan->profile->shortened;
}

/* ---- config.txt ----------------------------------------------------------------------- */

/* The part the hash covers: everything that shapes the numbers. */
static void config_body(FILE *f, const run_facts *x)
{
    const run_inputs *in = x->in;
    fprintf(f,
            "[run]\nmodel = %s\nrecipe = %s\nseed = %" PRIu64 "\nepochs = %" PRId64 "\n"
            "limit = %" PRId64 "  # 0: every training image\n"
            "dataset = %s\ndataset_checksum = %016" PRIx64 "\ntrain_images = %" PRId64 "\n"
            "test_images = %" PRId64 "\nclasses = %" PRId64 "  # from the dataset\n",
            in->model.name, x->recipe, x->plan->seed, x->epochs_planned, x->limit,
            in->train.name, in->train.checksum, in->train.count, in->test.count,
            in->train.classes);
    /* Only a precision other than f32 is written, so every f32 cell keeps its hash. */
    if (in->backend->precision != VB_PRECISION_F32)
        fprintf(f, "precision = %s\n", vb_precision_name(in->backend->precision));
    fprintf(f, "\n# ---- model: resolved description, defaults marked ----\n%s",
            in->model.config ? in->model.config : "(not available)\n");
    fprintf(f, "\n# ---- recipe: resolved, defaults marked ----\n%s", in->recipe.config);
}

static void write_config(FILE *f, const run_facts *x, const vb_train_result *res)
{
    (void)res;
    fprintf(f, "# The complete configuration of cell '%s' of suite '%s' (profile %s).\n"
               "# config_hash %016" PRIx64 " = FNV-1a 64 of everything below this header.\n"
               "# recipe_hash %016" PRIx64 " = FNV-1a 64 of the recipe part: its checkpoint's.\n",
            x->plan->label, x->plan->s->name, x->plan->profile->name, x->config_hash,
            vb_recipe_hash(&x->in->recipe));
    config_body(f, x);
}

void run_folder_hash_config(run_facts *f)
{
    char *body = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&body, &len);
    f->config_hash = 0;
    if (!mem) return;
    config_body(mem, f);
    if (fclose(mem) == 0 && body) f->config_hash = vb_fnv1a(VB_FNV1A_START, body, len);
    free(body);
}

int run_folder_write_config(const char *dir, const run_facts *f, char *err, size_t err_len)
{
    return write_atomically(dir, "config.txt", write_config, f, NULL, err, err_len);
}

int run_folder_read_hash(const char *dir, uint64_t *hash)
{
    char line[256], *path = vb_path_join(dir, "config.txt");
    FILE *f = path ? fopen(path, "r") : NULL;
    free(path);
    if (!f) return -1;
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        found = sscanf(line, "# config_hash %" SCNx64, hash) == 1;
    fclose(f);
    return found ? 0 : -1;
}

/* ---- manifest.json -------------------------------------------------------------------- */

static void json_field(FILE *f, const char *key, const char *value)
{
    fprintf(f, "  \"%s\": ", key);
    vb_json_string(f, value);
    fputs(",\n", f);
}

/* "repro": the plan's command, naming the backend the default selection resolved to (one
 * backend, so the numbering of --cell stays), and --cell K for a train suite's training. */
static void repro_field(FILE *f, const run_facts *x)
{
    char *line = NULL;
    size_t len = 0;
    FILE *mem = x->plan->command ? open_memstream(&line, &len) : NULL;
    if (!mem) return;
    fputs(x->plan->command, mem);
    if (!x->plan->backend) fprintf(mem, " --backend %s", x->in->backend->name);
    if (x->plan->index >= 0) fprintf(mem, " --cell %d", x->plan->index);
    if (fclose(mem) == 0 && line) json_field(f, "repro", line);
    free(line);
}

static void write_manifest(FILE *f, const run_facts *x, const vb_train_result *res)
{
    const run_inputs *in = x->in;
    const vb_loaded_backend *b = in->backend;
    char hash[32], fallback[1024] = "";
    snprintf(hash, sizeof hash, "%016" PRIx64, x->config_hash);
    for (int op = 0; op < VB_OP_COUNT; op++) {
        if (!b->fallback[op]) continue;
        size_t used = strlen(fallback);
        snprintf(fallback + used, sizeof fallback - used, "%s%s", used ? " " : "",
                 vb_op_name((vb_op)op));
    }
    int64_t done = res ? res->epochs_done : 0;
    fputs("{\n", f);
    json_field(f, "suite", x->plan->s->name);
    json_field(f, "profile", x->plan->profile->name);
    json_field(f, "cell", x->plan->label);
    json_field(f, "model", in->model.name);
    json_field(f, "recipe", x->recipe);
    json_field(f, "backend", b->name);
    json_field(f, "backend_version", b->version);
    json_field(f, "backend_reference_fallback", fallback);
    json_field(f, "precision", vb_precision_name(b->precision));
    /* threads: per rank; ranks: data-parallel processes (mpirun -np), 1 alone. */
    fprintf(f, "  \"abi\": \"%u.%u\",\n  \"core_abi\": \"%d.%d\",\n  \"threads\": %d,\n"
               "  \"ranks\": %d,\n",
            b->abi_major, b->abi_minor, VB_ABI_MAJOR, VB_ABI_MINOR, b->threads,
            x->plan->dist ? x->plan->dist->size : 1);
    json_field(f, "cpu", x->prov.cpu);
    fprintf(f, "  \"cpus_online\": %d,\n", x->prov.cores);
    json_field(f, "commit", x->prov.commit);
    fprintf(f, "  \"uncommitted_changes\": %s,\n", provenance_dirty_json(&x->prov));
    json_field(f, "started", x->prov.when);
    if (res) {
        char now[32];
        provenance_now(now, sizeof now);
        json_field(f, "finished", now);
    }
    fprintf(f, "  \"seed\": %" PRIu64 ",\n", x->plan->seed);
    json_field(f, "dataset", in->train.name);
    json_field(f, "dataset_source", in->train.source);
    fprintf(f,
            "  \"dataset_checksum\": \"%016" PRIx64 "\",\n"
            "  \"epochs_in_recipe\": %" PRId64 ",\n  \"epochs_planned\": %" PRId64 ",\n"
            "  \"epochs_done\": %" PRId64 ",\n  \"limit\": %" PRId64 ",\n"
            "  \"shortened\": %s,\n  \"wall_seconds\": %.1f,\n"
            "  \"train_seconds\": %.1f,\n",
            in->train.checksum, in->recipe.epochs, x->epochs_planned, done, x->limit,
            shortened(x, done) ? "true" : "false", x->wall_seconds, res ? res->seconds : 0.0);
    json_field(f, "config_hash", hash);
    repro_field(f, x);
    fprintf(f, "  \"config\": \"config.txt\",\n  \"complete\": %s\n}\n",
            res ? "true" : "false");
}

int run_folder_manifest(const char *dir, const run_facts *f, const vb_train_result *res,
                        char *err, size_t err_len)
{
    return write_atomically(dir, "manifest.json", write_manifest, f, res, err, err_len);
}

/* ---- result.csv ----------------------------------------------------------------------- */

/* epoch_images_per_s: training images over the epochs' wall time (validation included).
 * precision came last, later: a row without it is f32. */
const char run_folder_result_header[] =
    "suite,profile,label,model,recipe,backend,threads,seed,epochs_planned,epochs_done,"
    "limit,shortened,best_epoch,best_val_acc,test_top1,test_top5,train_seconds,"
    "epoch_images_per_s,config_hash,epochs_in_recipe,precision";

static void write_result(FILE *f, const run_facts *x, const vb_train_result *r)
{
    fprintf(f, "%s\n%s,%s,%s,%s,%s,%s,%d,%" PRIu64 ",%" PRId64 ",%" PRId64 ",%" PRId64
               ",%d,%" PRId64 ",%.6f,%.6f,%.6f,%.1f,%.1f,%016" PRIx64 ",%" PRId64 ",%s\n",
            run_folder_result_header, x->plan->s->name, x->plan->profile->name,
            x->plan->label, x->in->model.name, x->recipe, x->in->backend->name,
            x->in->backend->threads, x->plan->seed, x->epochs_planned, r->epochs_done,
            x->limit, shortened(x, r->epochs_done), r->best_epoch, r->best_val_acc,
            r->test_top1, r->test_top5, r->seconds,
            r->seconds > 0 ? (double)(r->epochs_done * r->train_images) / r->seconds : 0.0,
            x->config_hash, x->in->recipe.epochs, vb_precision_name(x->in->backend->precision));
}

int run_folder_result(const char *dir, const run_facts *f, const vb_train_result *res,
                      char *err, size_t err_len)
{
    return write_atomically(dir, "result.csv", write_result, f, res, err, err_len);
}

/* The value under `column` in result.csv's one row: 0, or -1 with err set. */
static int read_column(const char *path, const char *column, double *value, char *err,
                       size_t err_len)
{
    char header[1024], row[2048], brief[VB_PATH_BRIEF];
    FILE *f = fopen(path, "r");
    int ok = f && fgets(header, sizeof header, f) && fgets(row, sizeof row, f);
    if (f) fclose(f);
    if (!ok) {
        snprintf(err, err_len, "%s: missing or empty", vb_path_brief(path, brief));
        return -1;
    }
    /* Walk header and row together, comma by comma. */
    char *hs, *rs, *h = strtok_r(header, ",\n", &hs), *r = strtok_r(row, ",\n", &rs);
    for (; h && r; h = strtok_r(NULL, ",\n", &hs), r = strtok_r(NULL, ",\n", &rs)) {
        if (strcmp(h, column) == 0) {
            *value = strtod(r, NULL);
            return 0;
        }
    }
    snprintf(err, err_len, "%s: no column '%s'", vb_path_brief(path, brief), column);
    return -1;
}

int run_folder_read_result(const char *dir, const char *column, double *value, char *err,
                           size_t err_len)
{
    char *path = vb_path_join(dir, "result.csv");
    int rc = path ? read_column(path, column, value, err, err_len) : -1;
    if (!path) snprintf(err, err_len, "result.csv: out of memory");
    free(path);
    return rc;
}
