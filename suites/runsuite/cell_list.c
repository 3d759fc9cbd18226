/* Numbering a train suite's trainings (cell_list.h). */
#include "cell_list.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "vitbench/loader.h"

/* "a, b,c" -> names, each trimmed of spaces; 0 names when list is NULL (the default
 * selection). An empty name (--backend "", "a,,b"), a repeated one (its cells would share
 * a folder) or too many are refused. */
static int split_backends(cell_list *l, const char *list, char *err, size_t err_len)
{
    l->backend_count = 0;
    if (!list) return 0;
    for (const char *t = list;; t++) {
        size_t n = strcspn(t, ",");
        const char *end = t + n;
        t += strspn(t, " ");
        while (end > t && end[-1] == ' ') end--;
        int k = l->backend_count;
        if (end == t) {
            snprintf(err, err_len, "--backend '%s': name %d is empty", list, k + 1);
            return -1;
        }
        if (k == CELL_LIST_MAX_BACKENDS) {
            snprintf(err, err_len, "--backend '%s': at most %d backends", list,
                     CELL_LIST_MAX_BACKENDS);
            return -1;
        }
        if (end - t >= 64) {
            snprintf(err, err_len, "--backend '%s': name %d is longer than 63 characters",
                     list, k + 1);
            return -1;
        }
        snprintf(l->backends[k], 64, "%.*s", (int)(end - t), t);
        for (int j = 0; j < k; j++)
            if (strcmp(l->backends[j], l->backends[k]) == 0) {
                snprintf(err, err_len, "--backend '%s': '%s' is named twice (its cells would "
                         "share a folder)", list, l->backends[k]);
                return -1;
            }
        l->backend_count++;
        t = strchr(t, ',');
        if (!t) return 0;
    }
}

static int add(cell_list *l, const cell_plan *plan, char *err, size_t err_len)
{
    if (l->count == CELL_LIST_MAX) {
        snprintf(err, err_len, "more than %d trainings in one suite: fewer seeds or backends",
                 CELL_LIST_MAX);
        return -1;
    }
    l->plans[l->count++] = *plan;
    return 0;
}

int cell_list_build(cell_list *l, const suite *s, const suite_profile *p,
                    const cell_list_options *o, char *err, size_t err_len)
{
    l->count = 0;
    if (split_backends(l, o->backends, err, err_len)) return -1;
    int nb = l->backend_count ? l->backend_count : 1;
    for (int i = 0; i < s->cell_count; i++) {
        if (!suite_cell_runs_in(&s->cells[i], p)) continue;
        for (int k = 0; k < o->seeds; k++) {
            for (int b = 0; b < nb; b++) {
                cell_plan plan = o->common;
                plan.s = s;
                plan.profile = p;
                plan.cell = &s->cells[i];
                plan.label = s->cells[i].label;
                plan.backend = l->backend_count ? l->backends[b] : NULL;
                plan.seed = o->seed + (uint64_t)k;
                plan.index = l->count;
                if (add(l, &plan, err, err_len)) return -1;
            }
        }
    }
    return 0;
}

int cell_list_check_backends(const cell_list *l, int threads, char *err, size_t err_len)
{
    for (int b = 0; b < l->backend_count; b++) {
        char why[768];
        if (vb_backend_try_isolated(l->backends[b], threads, why, sizeof why)) {
            snprintf(err, err_len, "%s", why); /* it names the backend */
            return -1;
        }
    }
    return 0;
}

void cell_list_print(const cell_list *l, FILE *to)
{
    for (int k = 0; k < l->count; k++) {
        const cell_plan *c = &l->plans[k];
        /* the folder as cell.c names it: a bf16 run's backend tagged "-bf16" */
        fprintf(to, "%d\t%s\t%s\t%s\t%s\t%" PRIu64 "\t%s/%s.%s%s.seed%" PRIu64 "\n", k,
                c->label, c->cell->model, suite_cell_recipe(c->cell, c->profile),
                c->backend ? c->backend : "default", c->seed, c->out_root, c->label,
                c->backend ? c->backend : "*", c->precision == VB_PRECISION_BF16 ? "-bf16" : "",
                c->seed);
    }
}
