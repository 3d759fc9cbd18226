/* Numbering a train suite's trainings (cell_list.h). */
#include "cell_list.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* "a, b,c" -> names; 0 names when list is NULL or empty. */
static int split_backends(cell_list *l, const char *list, char *err, size_t err_len)
{
    l->backend_count = 0;
    if (!list || !*list) return 0;
    char copy[512];
    snprintf(copy, sizeof copy, "%s", list);
    for (char *save, *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        if (l->backend_count == CELL_LIST_MAX_BACKENDS) {
            snprintf(err, err_len, "--backend %s: at most %d backends", list,
                     CELL_LIST_MAX_BACKENDS);
            return -1;
        }
        snprintf(l->backends[l->backend_count++], 64, "%s", t);
    }
    if (l->backend_count == 0) {
        snprintf(err, err_len, "--backend '%s': no backend named", list);
        return -1;
    }
    return 0;
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
