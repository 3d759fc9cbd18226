/* Parameter initialisers, named as in the description files (`init = ...`), matching the
 * frameworks the seeds were written in. All are deterministic in (seed, index). */
#ifndef VITBENCH_LAYERS_INIT_H
#define VITBENCH_LAYERS_INIT_H

#include <stddef.h>
#include <stdint.h>
#include "vitbench/cfg.h"

typedef enum vb_init {
    VB_INIT_ZEROS = 0,
    VB_INIT_ONES,
    VB_INIT_GLOROT_UNIFORM, /* Keras default: U(±sqrt(6/(fan_in+fan_out))) */
    VB_INIT_HE_NORMAL,      /* Keras: truncated normal (±2σ), σ = sqrt(2/fan_in)/0.8796 */
    VB_INIT_KAIMING_NORMAL, /* PyTorch kaiming_normal_: N(0, 2/fan_in) */
    VB_INIT_TRUNC_NORMAL,   /* timm trunc_normal_(std = scale), cut at the values ±2 */
    VB_INIT_UNIFORM,        /* U(±scale): Keras Embedding default with scale 0.05 */
    VB_INIT_CONSTANT,       /* every value = scale */
    VB_INIT_COUNT
} vb_init;

/* Names for vb_cfg_enum_or, NULL-terminated, in vb_init order. */
extern const char *const vb_init_names[];

/* Fills p (n values) for a tensor with the given fans; `scale` is the std / limit /
 * constant of the kinds that take one. */
void vb_init_fill(float *p, int64_t n, vb_init kind, int64_t fan_in, int64_t fan_out,
                  double scale, uint64_t seed);

/* Reads the key init_scale of s (default dflt) for the initialiser `kind` into *out:
 * 0, or -1 with a one-line error naming the file, line and key. It must be > 0, and for
 * trunc_normal at most 2: timm cuts at the values ±2, so a wider std would draw nearly
 * uniform values, by rejection, ever more slowly (1e300 never finished). */
int vb_init_scale_read(vb_cfg_section *s, vb_init kind, double dflt, double *out, char *err,
                       size_t err_len);

#endif
