/* The params suite (params_suite.h). */
#include "params_suite.h"

#include <errno.h>
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../data_dir.h"
#include "../run_inputs.h"
#include "provenance.h"
#include "vitbench/files.h"
#include "vitbench/count.h"
#include "vitbench/json.h"

typedef struct row {
    char model[64], what[16], published[32], unit[8], source[256];
} row;

/* model,what,published,unit,source — the source is the rest of the line. */
static int parse_row(char *line, row *r)
{
    char *f[5];
    int n = 0;
    for (char *p = line; n < 5; n++) {
        f[n] = p;
        char *comma = n < 4 ? strchr(p, ',') : NULL;
        if (!comma) break;
        *comma = '\0';
        p = comma + 1;
    }
    if (n != 4) return -1;
    f[4][strcspn(f[4], "\r\n")] = '\0';
    snprintf(r->model, sizeof r->model, "%.63s", f[0]);
    snprintf(r->what, sizeof r->what, "%.15s", f[1]);
    snprintf(r->published, sizeof r->published, "%.31s", f[2]);
    snprintf(r->unit, sizeof r->unit, "%.7s", f[3]);
    snprintf(r->source, sizeof r->source, "%.255s", f[4]);
    return 0;
}

static double unit_scale(const char *unit)
{
    return strcmp(unit, "G") == 0 ? 1e9 : strcmp(unit, "M") == 0 ? 1e6 : 1.0;
}

/* Our figure for a row: "params", "macs" (the CCT README's convention: what ptflops
 * counts for the CCT repository's modules — dense and conv MACs, a bias op per dense
 * output feature, and the values through nn.ReLU and nn.MaxPool2d; the attention matmuls,
 * softmax and GELU are functional calls there, uncounted) or "macs_attn" (the SPT/LSA
 * README's FLOPs: ptflops 0.6.8–0.6.9 on that repository's modules — the same, plus the
 * values through its nn.GELU modules, no LayerNorm hook yet — and the attention matmuls
 * QKᵀ and AV added by hand). -1 if the model does not load. */
static double our_figure(const row *r, char *err, size_t err_len)
{
    char path[PATH_MAX];
    vb_model m;
    if (run_inputs_resolve("model", r->model, path, sizeof path, err, err_len) ||
        vb_model_load(&m, path, err, err_len))
        return -1;
    vb_counts c;
    vb_model_count(&m, &c);
    vb_model_free(&m);
    if (strcmp(r->what, "params") == 0) return (double)vb_counts_params(&c);
    return strcmp(r->what, "macs") == 0
               ? vb_counts_macs_ptflops(&c, VB_ACTIVATIONS_FUNCTIONAL)
               : vb_counts_macs_ptflops(&c, VB_ACTIVATIONS_MODULES) + c.attn_matmul_macs;
}

/* Ours in the published unit, rounded to as many decimals as the published figure has. */
static double rounded_like(double ours, const row *r, int *decimals)
{
    const char *dot = strchr(r->published, '.');
    *decimals = dot ? (int)strlen(dot + 1) : 0;
    double k = pow(10.0, *decimals);
    return round(ours / unit_scale(r->unit) * k) / k;
}

/* OUT/manifest.json: 0, or -1 having said which file failed and why. */
static int write_manifest(const char *out, int rows, int passed)
{
    char path[VB_PATH_ROOM];
    snprintf(path, sizeof path, "%s/manifest.json", out);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "runsuite: params: %s: cannot create: %s\n", path, strerror(errno));
        return -1;
    }
    provenance p;
    provenance_get(&p);
    fprintf(f, "{\n  \"suite\": \"params\",\n  \"commit\": ");
    vb_json_string(f, p.commit);
    fprintf(f, ",\n  \"uncommitted_changes\": %s,\n  \"cpu\": ", provenance_dirty_json(&p));
    vb_json_string(f, p.cpu);
    fprintf(f, ",\n  \"written\": \"%s\",\n  \"rows\": %d,\n  \"rows_passed\": %d,\n"
               "  \"rule\": \"ours rounded to the published figure's unit and decimals "
               "equals it\"\n}\n", p.when, rows, passed);
    if (vb_close_written(f) == 0) return 0;
    fprintf(stderr, "runsuite: params: %s: cannot write: %s\n", path, strerror(errno));
    return -1;
}

static int known_figure(const char *what)
{
    return strcmp(what, "params") == 0 || strcmp(what, "macs") == 0 ||
           strcmp(what, "macs_attn") == 0;
}

/* The width of the terminal table's model column: the longest name in the table. */
static int model_column_width(FILE *table)
{
    char line[512];
    int width = (int)strlen("model");
    while (fgets(line, sizeof line, table)) {
        row r;
        if (!parse_row(line, &r) && (int)strlen(r.model) > width) width = (int)strlen(r.model);
    }
    rewind(table);
    return width;
}

static int run_rows(FILE *table, const char *table_path, FILE *csv, int *rows, int *passed)
{
    char line[512], err[1024];
    int failed_to_load = 0, lineno = 1, width = model_column_width(table);
    printf("%-*s %-9s %14s %12s %12s  %s\n", width, "model", "figure", "ours", "ours rounded",
           "published", "result");
    fgets(line, sizeof line, table); /* header */
    while (fgets(line, sizeof line, table)) {
        row r;
        lineno++;
        if (line[0] == '\n') continue;
        if (parse_row(line, &r) || !known_figure(r.what)) {
            fprintf(stderr, "runsuite: params: %s:%d: expected model,params|macs|macs_attn,"
                    "figure,unit,source\n", table_path, lineno);
            failed_to_load = 1;
            continue;
        }
        double ours = our_figure(&r, err, sizeof err);
        if (ours < 0) {
            fprintf(stderr, "runsuite: params: %s\n", err);
            failed_to_load = 1;
            continue;
        }
        int decimals;
        double mine = rounded_like(ours, &r, &decimals);
        int pass = fabs(mine - strtod(r.published, NULL)) < 0.5 * pow(10.0, -decimals);
        (*rows)++;
        *passed += pass;
        const char *unit = strcmp(r.unit, "1") == 0 ? "" : r.unit;
        printf("%-*s %-9s %14.0f %11.*f%-1s %11s%-1s  %s\n", width, r.model, r.what, ours,
               decimals, mine, unit, r.published, unit, pass ? "pass" : "FAIL");
        fprintf(csv, "%s,%s,%.0f,%.*f,%s,%s,%s,%s\n", r.model, r.what, ours, decimals, mine,
                r.published, r.unit, pass ? "pass" : "fail", r.source);
    }
    return failed_to_load;
}

int params_suite_run(const char *out)
{
    char table_path[VB_PATH_ROOM], path[VB_PATH_ROOM], err[1024];
    snprintf(table_path, sizeof table_path, "%s/params.csv", data_dir(DATA_PUBLISHED));
    FILE *table = fopen(table_path, "r");
    if (!table) {
        fprintf(stderr, "runsuite: params: cannot open %s: %s\n", table_path, strerror(errno));
        return 1;
    }
    if (vb_make_dirs(out, err, sizeof err)) {
        fprintf(stderr, "runsuite: params: %s\n", err);
        fclose(table);
        return 1;
    }
    snprintf(path, sizeof path, "%s/params.csv", out);
    FILE *csv = fopen(path, "w");
    if (!csv) {
        fprintf(stderr, "runsuite: params: %s: cannot create: %s\n", path, strerror(errno));
        fclose(table);
        return 1;
    }
    fprintf(csv, "model,figure,ours,ours_rounded,published,unit,result,source\n");
    int rows = 0, passed = 0;
    int load_failed = run_rows(table, table_path, csv, &rows, &passed);
    fclose(table);
    if (vb_close_written(csv) != 0) {
        fprintf(stderr, "runsuite: params: %s: cannot write: %s\n", path, strerror(errno));
        return 1;
    }
    if (write_manifest(out, rows, passed) != 0) return 1;
    printf("params: %d of %d rows pass (%s)\n", passed, rows, path);
    return load_failed || passed != rows ? 1 : 0;
}
