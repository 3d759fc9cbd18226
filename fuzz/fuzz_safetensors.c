/* Fuzz target: the safetensors reader (checkpoints, golden files) on arbitrary bytes. */
#include <stdint.h>
#include <string.h>
#include "vitbench/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vb_st_file f;
    char err[512];
    if (vb_st_parse(&f, "fuzz.safetensors", data, size, err, sizeof err) == 0) {
        /* Touch every tensor's bytes: offsets the reader accepted must be inside. */
        volatile uint8_t sink = 0;
        for (int i = 0; i < f.count; i++)
            for (size_t b = 0; b < f.tensors[i].bytes; b++)
                sink ^= ((const uint8_t *)f.tensors[i].data)[b];
        (void)sink;
        vb_st_close(&f);
    }
    return 0;
}
