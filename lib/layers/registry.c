/* The layer kinds a description file can name, and parameter access for layers.
 *
 * The registry is every kind a file of lib/layers defines (layer.h): the build lists them
 * into layer_kinds.inc, one VB_LAYER_KIND(NAME) line each in the order of lib/local.mk
 * (scripts/layer-kinds), so adding a kind touches no file but its own and that list. */
#include <stdio.h>
#include <string.h>
#include "vitbench/layer.h"

#define VB_LAYER_KIND(NAME) extern const vb_layer_kind vb_layer_##NAME;
#include "layer_kinds.inc"
#undef VB_LAYER_KIND

static const vb_layer_kind *const kinds[] = {
#define VB_LAYER_KIND(NAME) &vb_layer_##NAME,
#include "layer_kinds.inc"
#undef VB_LAYER_KIND
};
#define KIND_COUNT (int)(sizeof kinds / sizeof kinds[0])

const vb_layer_kind *vb_layer_kind_find(const char *name)
{
    for (int i = 0; i < KIND_COUNT; i++)
        if (strcmp(kinds[i]->name, name) == 0) return kinds[i];
    return NULL;
}

const vb_layer_kind *vb_layer_kind_at(int i)
{
    return i >= 0 && i < KIND_COUNT ? kinds[i] : NULL;
}

/* Room for about 60 kinds of 16 characters; the registry test checks that every name
 * shows, so a list that outgrows it fails a test, not a user's error message. */
const char *vb_layer_kind_names(void)
{
    static char names[1024];
    if (!names[0])
        for (int i = 0, used = 0; i < KIND_COUNT && used < (int)sizeof names; i++)
            used += snprintf(names + used, sizeof names - (size_t)used, "%s%s", i ? ", " : "",
                             kinds[i]->name);
    return names;
}

float *vb_layer_param(const vb_layer *l, const vb_run *r, int i)
{
    return vb_param_data(r->params, l->first_param + i);
}

float *vb_layer_grad(const vb_layer *l, const vb_run *r, int i)
{
    return vb_param_grad(r->params, l->first_param + i);
}
