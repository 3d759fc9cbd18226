/* Fuzz target: the CIFAR binary reader, on a batch file or an archive holding one (the
 * first byte picks which), so libarchive's formats are fuzzed too. */
#include <stdint.h>
#include "fuzz_input.h"
#include "vitbench/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *path = fuzz_write_file(data[0] & 1 ? "data.tar" : "data_batch_1.bin",
                                       data + 1, size - 1);
    if (!path) return 0;
    vb_dataset d;
    char err[512];
    if (vb_read_cifar(path, (data[0] >> 1) & 1, 1, &d, err, sizeof err) == 0)
        vb_dataset_free(&d);
    return 0;
}
