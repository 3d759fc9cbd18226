/* The Keras names and layouts of the seed models' weights: `vbmodel export --format keras`
 * (keras_names.c says which names and why). */
#ifndef VITBENCH_SUITES_KERAS_NAMES_H
#define VITBENCH_SUITES_KERAS_NAMES_H

#include <stddef.h>
#include "vitbench/model.h"
#include "vitbench/safetensors.h"

/* 0 when m is the model of one of the seeds' Keras model functions (its layers in the
 * seed's order, with the seed's maths); else -1 with a one-line message naming m and the
 * first difference. */
int keras_names_check(const vb_model *m, char *err, size_t err_len);

/* Adds each of m's parameters (values in its allocated block) to w under the Keras name,
 * shape and layout the seed's code gives it, split where Keras keeps separate weights
 * (query/key/value), the values converted into `converted` (m->params.total floats, which
 * the writer points into until it writes), and the metadata keras_form and keras_model.
 * 0, or -1 with a one-line message. */
int keras_names_add(vb_st_writer *w, const vb_model *m, float *converted, char *err,
                    size_t err_len);

#endif
