/* Fuzz target: image folders (class folders of JPEG/PNG files) read from an archive:
 * libarchive, the class/file layout rules, libjpeg and libpng decoding. */
#include <stdint.h>
#include "fuzz_input.h"
#include "vitbench/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("images.tar", data, size);
    if (!path) return 0;
    vb_dataset d;
    char err[512];
    if (vb_read_image_folder(path, "train", &d, err, sizeof err) == 0) vb_dataset_free(&d);
    return 0;
}
