/* JPEG -> uint8 HWC (gray stays 1 channel, everything else becomes RGB) with libjpeg.
 *
 * Errors longjmp back out of the decoder (jpeg_failure.h). Warnings (e.g. "premature end
 * of JPEG file", which libjpeg would otherwise paper over with gray pixels) are treated as
 * errors: a damaged training image should stop the read, not silently change the data. */
#include <stdlib.h>
#include <string.h>
#include "data.h"
#include "jpeg_failure.h"

int vb_decode_jpeg(const uint8_t *data, size_t size, vb_image *out, char *msg, size_t len)
{
    struct jpeg_decompress_struct cinfo;
    vb_jpeg_failure fail;
    memset(out, 0, sizeof *out);
    cinfo.err = vb_jpeg_failure_init(&fail, 1);
    if (setjmp(fail.jump)) {
        snprintf(msg, len, "undecodable JPEG: %s", fail.msg);
        jpeg_destroy_decompress(&cinfo);
        free(out->pixels); /* out is memory, not a local: safe to read after longjmp */
        out->pixels = NULL;
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    out->h = cinfo.output_height;
    out->w = cinfo.output_width;
    out->c = cinfo.output_components;
    size_t row = (size_t)(out->w * out->c);
    out->pixels = malloc(row * (size_t)out->h);
    if (!out->pixels) {
        snprintf(msg, len, "out of memory");
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW dst = out->pixels + row * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &dst, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}
