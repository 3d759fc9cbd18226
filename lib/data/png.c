/* PNG -> uint8 HWC with libpng's simplified API: any bit depth, palette or alpha becomes
 * 8-bit gray (1 channel) or RGB (3); alpha is composited onto black. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include "data.h"

int vb_decode_png(const uint8_t *data, size_t size, vb_image *out, char *msg, size_t len)
{
    png_image img;
    memset(out, 0, sizeof *out);
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, data, size)) {
        snprintf(msg, len, "undecodable PNG: %s", img.message);
        png_image_free(&img);
        return -1;
    }
    int color = (img.format & PNG_FORMAT_FLAG_COLOR) != 0;
    img.format = color ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    out->h = img.height;
    out->w = img.width;
    out->c = color ? 3 : 1;
    out->pixels = calloc(PNG_IMAGE_SIZE(img), 1); /* zero: the black alpha is blended onto */
    if (!out->pixels) {
        snprintf(msg, len, "out of memory");
        png_image_free(&img);
        return -1;
    }
    if (!png_image_finish_read(&img, NULL, out->pixels, 0, NULL)) {
        snprintf(msg, len, "undecodable PNG: %s", img.message);
        png_image_free(&img);
        free(out->pixels);
        out->pixels = NULL;
        return -1;
    }
    return 0;
}
