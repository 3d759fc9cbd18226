/* The layer kinds a description file can name, and parameter access for layers. */
#include <string.h>
#include "vitbench/layer.h"

extern const vb_layer_kind vb_layer_conv, vb_layer_zeropad, vb_layer_maxpool,
    vb_layer_patches, vb_layer_shifted_patches, vb_layer_resize, vb_layer_dense,
    vb_layer_layernorm, vb_layer_dropout, vb_layer_flatten, vb_layer_token, vb_layer_posemb,
    vb_layer_class_token, vb_layer_seqpool, vb_layer_encoder;

static const vb_layer_kind *const kinds[] = {
    &vb_layer_conv,    &vb_layer_zeropad,   &vb_layer_maxpool,  &vb_layer_patches,
    &vb_layer_shifted_patches, &vb_layer_resize, &vb_layer_dense, &vb_layer_layernorm,
    &vb_layer_dropout, &vb_layer_flatten,   &vb_layer_token,    &vb_layer_posemb,
    &vb_layer_class_token, &vb_layer_seqpool, &vb_layer_encoder,
};
#define KIND_COUNT (int)(sizeof kinds / sizeof kinds[0])

const vb_layer_kind *vb_layer_kind_find(const char *name)
{
    for (int i = 0; i < KIND_COUNT; i++)
        if (strcmp(kinds[i]->name, name) == 0) return kinds[i];
    return NULL;
}

const char *vb_layer_kind_names(void)
{
    static char names[512];
    if (!names[0])
        for (int i = 0; i < KIND_COUNT; i++) {
            if (i) strcat(names, ", ");
            strcat(names, kinds[i]->name);
        }
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
