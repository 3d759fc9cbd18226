/* summary.json: what a finished run gives, for reports and the suites' tables. */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include "vitbench/files.h"
#include "vitbench/json.h"

static void write_fields(FILE *f, const vb_summary *s)
{
    const vb_train_result *r = s->result;
    int shortened = s->epochs_done < s->epochs_planned || s->limit > 0;
    fputs("{\n  \"model\": ", f);
    vb_json_string(f, s->model);
    fputs(",\n  \"recipe\": ", f);
    vb_json_string(f, s->recipe);
    fputs(",\n  \"dataset\": ", f);
    vb_json_string(f, s->dataset);
    fprintf(f, ",\n  \"dataset_checksum\": \"%016" PRIx64 "\",\n  \"backend\": ",
            s->dataset_checksum);
    vb_json_string(f, s->backend);
    fputs(",\n  \"precision\": ", f);
    vb_json_string(f, s->precision);
    fprintf(f,
            ",\n  \"threads\": %d,\n  \"ranks\": %d,\n  \"seed\": %" PRIu64 ",\n"
            "  \"epochs_planned\": %" PRId64 ",\n  \"epochs_done\": %" PRId64 ",\n"
            "  \"shortened\": %s,\n  \"limit\": %" PRId64 ",\n"
            "  \"train_images\": %" PRId64 ",\n  \"val_images\": %" PRId64 ",\n"
            "  \"test_images\": %" PRId64 ",\n"
            "  \"best_epoch\": %" PRId64 ",\n",
            s->threads, s->ranks, s->seed, s->epochs_planned, s->epochs_done,
            shortened ? "true" : "false", s->limit, s->train_images, s->val_images,
            s->test_images, r->best_epoch);
    fputs("  \"thread_policy\": ", f);
    vb_json_string(f, s->thread_policy);
    fprintf(f, ",\n  \"steps_at_fewer_threads\": %" PRId64 ",\n", s->steps_at_fewer_threads);
    fprintf(f, "  \"step_chunk\": %" PRId64 ",\n  \"step_workers\": %d,\n", s->step_chunk,
            s->step_workers);
    const struct { const char *key, *format; double value; } scores[] = {
        {"best_val_acc", "%.6f", r->best_val_acc}, {"test_loss", "%.6f", r->test_loss},
        {"test_top1", "%.6f", r->test_top1}, {"test_top5", "%.6f", r->test_top5},
        {"seconds", "%.2f", r->seconds}};
    for (size_t i = 0; i < sizeof scores / sizeof scores[0]; i++) {
        fprintf(f, "  \"%s\": ", scores[i].key);
        vb_json_number(f, scores[i].format, scores[i].value);
        fputs(",\n", f);
    }
    /* The normalisation the images got: a recipe's constants, or those adapted on the
     * training split (normalize = adapt), which no configuration file holds. */
    fputs("  \"normalization_mean\": [", f);
    for (int64_t c = 0; c < s->channels; c++) {
        fputs(c ? ", " : "", f);
        vb_json_number(f, "%.7g", s->mean[c]);
    }
    fputs("],\n  \"normalization_std\": [", f);
    for (int64_t c = 0; c < s->channels; c++) {
        fputs(c ? ", " : "", f);
        vb_json_number(f, "%.7g", s->std[c]);
    }
    fputs("]\n}\n", f);
}

static int fill(FILE *f, void *summary, char *err, size_t err_len)
{
    (void)err, (void)err_len;
    write_fields(f, summary);
    return 0;
}

int vb_summary_write(const char *out_dir, const vb_summary *s, char *err, size_t err_len)
{
    char *path = vb_path_join(out_dir, "summary.json");
    int rc = path ? vb_write_atomically(path, fill, (void *)s, err, err_len) : -1;
    if (!path) snprintf(err, err_len, "%s: out of memory", out_dir);
    free(path);
    return rc;
}
