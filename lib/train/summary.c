/* summary.json: what a finished run gives, for reports and the suites' tables. */
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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
    fprintf(f,
            ",\n  \"threads\": %d,\n  \"ranks\": %d,\n  \"seed\": %" PRIu64 ",\n"
            "  \"epochs_planned\": %" PRId64 ",\n  \"epochs_done\": %" PRId64 ",\n"
            "  \"shortened\": %s,\n  \"limit\": %" PRId64 ",\n"
            "  \"train_images\": %" PRId64 ",\n  \"val_images\": %" PRId64 ",\n"
            "  \"test_images\": %" PRId64 ",\n"
            "  \"best_epoch\": %" PRId64 ",\n  \"best_val_acc\": %.6f,\n"
            "  \"test_loss\": %.6f,\n  \"test_top1\": %.6f,\n  \"test_top5\": %.6f,\n"
            "  \"seconds\": %.2f,\n",
            s->threads, s->ranks, s->seed, s->epochs_planned, s->epochs_done,
            shortened ? "true" : "false", s->limit, s->train_images, s->val_images,
            s->test_images, r->best_epoch, r->best_val_acc, r->test_loss, r->test_top1,
            r->test_top5, r->seconds);
    /* The normalisation the images got: a recipe's constants, or those adapted on the
     * training split (normalize = adapt), which no configuration file holds. */
    fputs("  \"normalization_mean\": [", f);
    for (int64_t c = 0; c < s->channels; c++) fprintf(f, "%s%.7g", c ? ", " : "", s->mean[c]);
    fputs("],\n  \"normalization_std\": [", f);
    for (int64_t c = 0; c < s->channels; c++) fprintf(f, "%s%.7g", c ? ", " : "", s->std[c]);
    fputs("]\n}\n", f);
}

int vb_summary_write(const char *out_dir, const vb_summary *s, char *err, size_t err_len)
{
    char path[1100], tmp[1200];
    snprintf(path, sizeof path, "%s/summary.json", out_dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, err_len, "%s: cannot create: %s", tmp, strerror(errno));
        return -1;
    }
    write_fields(f, s);
    int rc = fflush(f) != 0 || fsync(fileno(f)) != 0;
    if (fclose(f) != 0 || rc || rename(tmp, path) != 0) {
        snprintf(err, err_len, "%s: cannot write: %s", path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}
