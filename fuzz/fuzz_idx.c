/* Fuzz target: the IDX reader (MNIST, Fashion-MNIST), gzipped or not. The input is split
 * into the images file and the labels file at a point its first two bytes choose. */
#include <stdint.h>
#include "fuzz_input.h"
#include "vitbench/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    size_t rest = size - 2, cut = ((size_t)data[0] << 8 | data[1]) % (rest + 1);
    const char *images = fuzz_write_file("images-idx3-ubyte", data + 2, cut);
    const char *labels = fuzz_write_file("labels-idx1-ubyte", data + 2 + cut, rest - cut);
    if (!images || !labels) return 0;
    vb_dataset d;
    char err[512];
    if (vb_read_idx(images, labels, &d, err, sizeof err) == 0) vb_dataset_free(&d);
    return 0;
}
