/* Fuzz target: the decoded-stream layer on gzip input (lib/data/stream.c), where every
 * compressed dataset file enters: zlib's inflate with its CRC and length checks, members
 * that follow one another, truncation. The input is read as an archive source (as a
 * .tar.gz is: libarchive's formats on the decoded stream, the read to its end, the tar
 * end check), and, when it holds no archive, whole as one file (as an IDX .gz is).
 * Seeds are valid gzip files. */
#include <stdint.h>
#include "data.h"
#include "fuzz_input.h"

static int keep_all(const char *name, int is_dir, void *ctx)
{
    (void)name, (void)is_dir, (void)ctx;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("input.gz", data, size);
    if (!path) return 0;
    char err[512];
    vb_members ms;
    if (vb_source_read(path, keep_all, NULL, &ms, err, sizeof err) == 0) vb_members_free(&ms);
    return 0;
}
