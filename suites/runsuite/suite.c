/* Reading suite description files (suite.h). */
#include "suite.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../data_dir.h"
#include "vitbench/cfg.h"
#include "vitbench/train.h"

static int text(vb_cfg_section *sec, const char *key, char *out, size_t len, char *err,
                size_t err_len);

/* Copies a required string key into out (of size len). */
static int text(vb_cfg_section *sec, const char *key, char *out, size_t len, char *err,
                size_t err_len)
{
    const char *v;
    if (vb_cfg_str(sec, key, &v, err, err_len)) return -1;
    if (strlen(v) >= len)
        return vb_cfg_error(sec, err, err_len, "'%s' is longer than %zu characters", key,
                            len - 1);
    snprintf(out, len, "%s", v);
    return 0;
}

static int optional_text(vb_cfg_section *sec, const char *key, char *out, size_t len,
                         char *err, size_t err_len)
{
    if (!vb_cfg_find(sec, key)) return 0;
    return text(sec, key, out, len, err, err_len);
}

static int read_head(suite *s, vb_cfg_section *sec, char *err, size_t err_len)
{
    static const char *const kinds[] = {"train", "params", "backends", NULL};
    int kind;
    if (vb_cfg_name(sec, "name", s->name, sizeof s->name, err, err_len) ||
        text(sec, "description", s->description, sizeof s->description, err, err_len) ||
        vb_cfg_enum_or(sec, "kind", kinds, 0, &kind, err, err_len) ||
        optional_text(sec, "profile", s->default_profile, sizeof s->default_profile, err,
                      err_len) ||
        optional_text(sec, "backends", s->backends, sizeof s->backends, err, err_len) ||
        optional_text(sec, "compare", s->compare, sizeof s->compare, err, err_len) ||
        optional_text(sec, "data_note", s->data_note, sizeof s->data_note, err, err_len) ||
        vb_cfg_float_or(sec, "target_val_acc", 0, &s->target_val_acc, err, err_len) ||
        vb_cfg_float_or(sec, "reference_tolerance", 0, &s->reference_tolerance, err, err_len))
        return -1;
    if (s->target_val_acc < 0 || s->target_val_acc > 1)
        return vb_cfg_key_error(sec, "target_val_acc", err, err_len, "expected a validation "
                                "accuracy between 0 and 1, got %g", s->target_val_acc);
    if (s->reference_tolerance < 0 || s->reference_tolerance > 100)
        return vb_cfg_key_error(sec, "reference_tolerance", err, err_len, "expected points "
                                "of test top-1 between 0 and 100, got %g",
                                s->reference_tolerance);
    s->kind = (suite_kind)kind;
    if (vb_cfg_find(sec, "threads") &&
        vb_cfg_int_list(sec, "threads", 1, SUITE_THREADS_MAX, s->threads, SUITE_MAX_THREADS,
                        &s->thread_count, err, err_len))
        return -1;
    if (s->kind == SUITE_BACKENDS && (!s->backends[0] || s->thread_count == 0))
        return vb_cfg_error(sec, err, err_len, "a backends suite needs 'backends' and 'threads'");
    return 0;
}

static int read_profile(suite *s, vb_cfg_section *sec, char *err, size_t err_len)
{
    if (s->profile_count == SUITE_MAX_PROFILES)
        return vb_cfg_error(sec, err, err_len, "more than %d profiles", SUITE_MAX_PROFILES);
    suite_profile *p = &s->profiles[s->profile_count++];
    p->epochs = 0; /* absent: the recipe's epochs; given, at least 1, as --epochs */
    if (vb_cfg_name(sec, "name", p->name, sizeof p->name, err, err_len) ||
        vb_cfg_bool_or(sec, "shortened", 0, &p->shortened, err, err_len) ||
        (vb_cfg_find(sec, "epochs") &&
         vb_cfg_int_in(sec, "epochs", 1, VB_EPOCHS_MAX, &p->epochs, err, err_len)) ||
        vb_cfg_int_in_or(sec, "limit", 0, 0, VB_LIMIT_MAX, &p->limit, err, err_len) ||
        optional_text(sec, "recipe", p->recipe, sizeof p->recipe, err, err_len))
        return -1;
    for (int i = 0; i < s->profile_count - 1; i++)
        if (strcmp(s->profiles[i].name, p->name) == 0)
            return vb_cfg_error(sec, err, err_len, "profile '%s' given twice", p->name);
    return 0;
}

static int read_cell(suite *s, vb_cfg_section *sec, char *err, size_t err_len)
{
    if (s->cell_count == SUITE_MAX_CELLS)
        return vb_cfg_error(sec, err, err_len, "more than %d cells", SUITE_MAX_CELLS);
    suite_cell *c = &s->cells[s->cell_count++];
    if (vb_cfg_name(sec, "label", c->label, sizeof c->label, err, err_len) ||
        text(sec, "model", c->model, sizeof c->model, err, err_len) ||
        text(sec, "recipe", c->recipe, sizeof c->recipe, err, err_len) ||
        optional_text(sec, "profiles", c->profiles, sizeof c->profiles, err, err_len))
        return -1;
    for (int i = 0; i < s->cell_count - 1; i++)
        if (strcmp(s->cells[i].label, c->label) == 0)
            return vb_cfg_error(sec, err, err_len, "label '%s' is already a cell's: two cells "
                                "would share a folder", c->label);
    return 0;
}

/* 1 if the comma- or blank-separated list holds name. */
static int list_has(const char *list, const char *name)
{
    char copy[128];
    snprintf(copy, sizeof copy, "%s", list);
    for (char *save, *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
        if (strcmp(t, name) == 0) return 1;
    return 0;
}

/* Every name in a cell's `profiles` must be one of the suite's profiles: a typo would
 * otherwise drop the cell silently. */
static int check_cell_profiles(const suite *s, const char *file, char *err, size_t err_len)
{
    for (int i = 0; i < s->cell_count; i++) {
        char list[128];
        snprintf(list, sizeof list, "%s", s->cells[i].profiles);
        for (char *save, *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
            int known = 0;
            for (int k = 0; k < s->profile_count; k++) known |= strcmp(s->profiles[k].name, t) == 0;
            if (!known) {
                snprintf(err, err_len, "%s: cell '%s': profiles names '%s', which is not a "
                         "[profile] of the suite", file, s->cells[i].label, t);
                return -1;
            }
        }
    }
    return 0;
}

static int has_cell(const suite *s, const char *label)
{
    for (int i = 0; i < s->cell_count; i++)
        if (strcmp(s->cells[i].label, label) == 0) return 1;
    return 0;
}

/* Every `compare` item is "A - B" (spaces around the minus: labels may hold '-'), two cells
 * of the suite: a typo would otherwise drop the comparison from the report silently. */
static int check_compare(const suite *s, const vb_cfg_section *head, char *err, size_t err_len)
{
    char list[sizeof s->compare];
    snprintf(list, sizeof list, "%s", s->compare);
    for (char *save, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char a[64], b[64], extra;
        if (sscanf(t, " %63s - %63s %c", a, b, &extra) != 2 || !has_cell(s, a) ||
            !has_cell(s, b) || strcmp(a, b) == 0)
            return vb_cfg_key_error(head, "compare", err, err_len, "'%s': expected 'CELL - "
                                    "CELL', two cells of the suite, separated by ' - '",
                                    t + strspn(t, " "));
    }
    return 0;
}

static int read_sections(suite *s, vb_cfg *cfg, char *err, size_t err_len)
{
    if (cfg->count == 0 || strcmp(cfg->sections[0].name, "suite") != 0) {
        snprintf(err, err_len, "%s: the first section must be [suite]", cfg->file);
        return -1;
    }
    if (read_head(s, &cfg->sections[0], err, err_len)) return -1;
    for (int i = 1; i < cfg->count; i++) {
        vb_cfg_section *sec = &cfg->sections[i];
        int rc = strcmp(sec->name, "profile") == 0 ? read_profile(s, sec, err, err_len)
                 : strcmp(sec->name, "cell") == 0  ? read_cell(s, sec, err, err_len)
                 : vb_cfg_error(sec, err, err_len, "unknown section (expected [profile] "
                                "or [cell])");
        if (rc) return -1;
    }
    if (s->kind != SUITE_PARAMS && (s->cell_count == 0 || s->profile_count == 0)) {
        snprintf(err, err_len, "%s: a %s suite needs at least one [profile] and one [cell]",
                 cfg->file, s->kind == SUITE_TRAIN ? "train" : "backends");
        return -1;
    }
    if (s->kind == SUITE_BACKENDS && s->cell_count != 1) {
        snprintf(err, err_len, "%s: a backends suite runs exactly one [cell] on every backend, "
                 "this one has %d", cfg->file, s->cell_count);
        return -1;
    }
    return vb_cfg_check_unused(cfg, err, err_len) ||
           check_cell_profiles(s, cfg->file, err, err_len) ||
           check_compare(s, &cfg->sections[0], err, err_len);
}

int suite_load(suite *s, const char *path, char *err, size_t err_len)
{
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    vb_cfg cfg;
    if (vb_cfg_load(&cfg, path, err, err_len)) return -1;
    int rc = read_sections(s, &cfg, err, err_len);
    vb_cfg_free(&cfg);
    if (rc == 0 && s->kind != SUITE_PARAMS &&
        !suite_profile_find(s, s->default_profile[0] ? s->default_profile : NULL, err,
                            err_len))
        return -1;
    return rc;
}

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

int suite_list(char names[][64], int max)
{
    DIR *dir = opendir(data_dir(DATA_SUITES));
    if (!dir) return 0;
    int n = 0;
    for (struct dirent *e; n < max && (e = readdir(dir));) {
        size_t len = strlen(e->d_name);
        if (len > 4 && len < 64 + 4 && strcmp(e->d_name + len - 4, ".cfg") == 0)
            snprintf(names[n++], 64, "%.*s", (int)(len - 4), e->d_name);
    }
    closedir(dir);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    return n;
}

int suite_find(suite *s, const char *name, char *err, size_t err_len)
{
    if (strchr(name, '/') || strstr(name, ".cfg")) return suite_load(s, name, err, err_len);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.cfg", data_dir(DATA_SUITES), name);
    if (access(path, R_OK) == 0) return suite_load(s, path, err, err_len);
    char names[64][64];
    int n = suite_list(names, 64);
    snprintf(err, err_len, "unknown suite '%s' (looked in %s); known:", name,
             data_dir(DATA_SUITES));
    for (int i = 0; i < n; i++) {
        size_t used = strlen(err);
        snprintf(err + used, err_len - used, " %s", names[i]);
    }
    return -1;
}

const suite_profile *suite_profile_find(const suite *s, const char *name, char *err,
                                        size_t err_len)
{
    if (!name) name = s->default_profile[0] ? s->default_profile : s->profiles[0].name;
    for (int i = 0; i < s->profile_count; i++)
        if (strcmp(s->profiles[i].name, name) == 0) return &s->profiles[i];
    snprintf(err, err_len, "%s: no profile '%s'; profiles:", s->path, name);
    for (int i = 0; i < s->profile_count; i++) {
        size_t used = strlen(err);
        snprintf(err + used, err_len - used, " %s", s->profiles[i].name);
    }
    return NULL;
}

int suite_cell_runs_in(const suite_cell *c, const suite_profile *p)
{
    return !c->profiles[0] || list_has(c->profiles, p->name);
}

const char *suite_cell_recipe(const suite_cell *c, const suite_profile *p)
{
    return p->recipe[0] ? p->recipe : c->recipe;
}
