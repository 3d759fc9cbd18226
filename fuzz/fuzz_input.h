/* What the fuzz targets share: the fuzzer's bytes written to a file, for the readers that
 * take a path (datasets, archives). One scratch folder per process, under $TMPDIR. */
#ifndef VITBENCH_FUZZ_INPUT_H
#define VITBENCH_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* Writes data to NAME inside the scratch folder and returns the file's path (static
 * storage, valid until the next call with the same name), or NULL on an I/O error. */
const char *fuzz_write_file(const char *name, const uint8_t *data, size_t size);

#endif
