/* IDX files (MNIST, Fashion-MNIST), plain or gzipped.
 *
 * Header: 2 zero bytes, a type byte (0x08 = unsigned byte, the only one datasets use), the
 * number of dimensions, then each dimension as a big-endian uint32; the data follows.
 * Images are (count, rows, cols) or (count, rows, cols, channels); labels are (count). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "data.h"

#define IDX_UBYTE 0x08

typedef struct idx_file {
    uint8_t *bytes;      /* the whole (decompressed) file */
    const uint8_t *data; /* after the header */
    int ndim;
    int64_t dim[4];
} idx_file;

/* Loads path (one file) and checks its header against the dimension counts allowed. */
static int idx_open(const char *path, int min_dims, int max_dims, idx_file *f, char *err,
                    size_t err_len)
{
    size_t size;
    if (vb_file_read(path, &f->bytes, &size, err, err_len)) return -1;
    const uint8_t *p = f->bytes;
    if (size < 4 || p[0] || p[1])
        return vb_data_fail(err, err_len, "%s: bad IDX magic (not an IDX file)", path);
    if (p[2] != IDX_UBYTE)
        return vb_data_fail(err, err_len, "%s: IDX type 0x%02x, only unsigned bytes (0x08) "
                            "are supported", path, p[2]);
    f->ndim = p[3];
    if (f->ndim < min_dims || f->ndim > max_dims)
        return vb_data_fail(err, err_len, "%s: IDX magic says %d dimensions, expected %d%s%d",
                            path, f->ndim, min_dims, min_dims == max_dims ? "" : " to ",
                            min_dims == max_dims ? min_dims : max_dims);
    size_t header = 4 + 4 * (size_t)f->ndim;
    if (size < header) return vb_data_fail(err, err_len, "%s: truncated IDX header", path);
    uint64_t numel = 1;
    for (int i = 0; i < f->ndim; i++) {
        const uint8_t *d = p + 4 + 4 * i;
        f->dim[i] = (int64_t)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3];
        if (__builtin_mul_overflow(numel, (uint64_t)f->dim[i], &numel)) numel = UINT64_MAX;
    }
    if (numel != size - header)
        return vb_data_fail(err, err_len, "%s: IDX dimensions say %llu data bytes, the file "
                            "has %zu", path, (unsigned long long)numel, size - header);
    f->data = p + header;
    return 0;
}

int vb_read_idx(const char *images_path, const char *labels_path, vb_dataset *out, char *err,
                size_t err_len)
{
    memset(out, 0, sizeof *out);
    idx_file im = {0}, lb = {0};
    int rc = -1;
    if (idx_open(images_path, 3, 4, &im, err, err_len) ||
        idx_open(labels_path, 1, 1, &lb, err, err_len))
        goto done;
    if (im.dim[0] != lb.dim[0]) {
        vb_data_fail(err, err_len, "%s: %lld labels for %lld images in %s", labels_path,
                     (long long)lb.dim[0], (long long)im.dim[0], images_path);
        goto done;
    }
    int64_t c = im.ndim == 4 ? im.dim[3] : 1;
    if (vb_dataset_alloc(out, "mnist", images_path, im.dim[0], im.dim[1], im.dim[2], c, 0, 0,
                         err, err_len))
        goto done;
    memcpy(out->images, im.data, (size_t)(out->count * out->h * out->w * c));
    for (int64_t i = 0; i < out->count; i++) {
        out->labels[i] = lb.data[i];
        if (out->labels[i] >= out->classes) out->classes = out->labels[i] + 1;
    }
    vb_dataset_checksum(out);
    rc = 0;
done:
    free(im.bytes);
    free(lb.bytes);
    return rc;
}
