/* A dataset as it would read after being stored as JPEG files: every image encoded at a
 * quality (jpeg_encode.c) and decoded back (jpeg.c), in place. Named "NAME@jpegQ"
 * (vb_dataset_open), e.g. cifar10@jpeg75: the lossless CIFAR-10 put through the same
 * lossy step as our CIFAR-100's class folders, with its record order, split and labels
 * unchanged, so that a run on it against one on cifar10 measures that step alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "data.h"

/* One image, (h, w, c) uint8 at pixels, replaced by its JPEG round trip. */
static int roundtrip_image(uint8_t *pixels, int64_t h, int64_t w, int64_t c, int quality,
                           char *msg, size_t len)
{
    vb_image in = {.h = h, .w = w, .c = c, .pixels = pixels}, out;
    uint8_t *jpeg;
    size_t size;
    if (vb_encode_jpeg(&in, quality, &jpeg, &size, msg, len)) return -1;
    int rc = vb_decode_jpeg(jpeg, size, &out, msg, len);
    free(jpeg);
    if (rc) return -1;
    if (out.h != h || out.w != w || out.c != c) {
        snprintf(msg, len, "the decoded JPEG is %lldx%lldx%lld, not %lldx%lldx%lld",
                 (long long)out.h, (long long)out.w, (long long)out.c, (long long)h,
                 (long long)w, (long long)c);
        free(out.pixels);
        return -1;
    }
    memcpy(pixels, out.pixels, (size_t)(h * w * c));
    free(out.pixels);
    return 0;
}

int vb_dataset_jpeg_roundtrip(vb_dataset *d, int quality, char *err, size_t err_len)
{
    if (quality < 1 || quality > 100)
        return vb_data_fail(err, err_len, "%s: JPEG quality %d is not in 1..100", d->name,
                            quality);
    size_t image = (size_t)(d->h * d->w * d->c);
    for (int64_t i = 0; i < d->count; i++) {
        char msg[256];
        if (roundtrip_image(d->images + (size_t)i * image, d->h, d->w, d->c, quality, msg,
                            sizeof msg))
            return vb_data_fail(err, err_len, "%s: image %lld: %s", d->source, (long long)i,
                                msg);
    }
    char name[sizeof d->name];
    snprintf(name, sizeof name, "%.50s@jpeg%d", d->name, quality); /* names are short */
    snprintf(d->name, sizeof d->name, "%s", name);
    vb_dataset_checksum(d);
    return 0;
}
