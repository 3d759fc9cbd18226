/* uint8 HWC -> JPEG bytes with libjpeg, as image tools write them by default: baseline,
 * the IJG tables scaled to the quality, YCbCr with 4:2:0 chroma subsampling for colour
 * (jpeg_set_defaults), the accurate integer DCT. The same encoder settings as the JPEG
 * class folders of our CIFAR-100 (quality 75, 4:2:0), so that round-tripping another
 * dataset through it shows how much that lossy step alone moves accuracy. */
#include <stdlib.h>
#include <string.h>
#include "data.h"
#include "jpeg_failure.h"

int vb_encode_jpeg(const vb_image *img, int quality, uint8_t **data, size_t *size, char *msg,
                   size_t len)
{
    struct jpeg_compress_struct cinfo;
    vb_jpeg_failure fail;
    unsigned char *buf = NULL; /* libjpeg grows it; ours to free() afterwards */
    unsigned long buf_size = 0;
    *data = NULL;
    *size = 0;
    if (img->c != 1 && img->c != 3) {
        snprintf(msg, len, "cannot encode %lld channels as JPEG", (long long)img->c);
        return -1;
    }
    cinfo.err = vb_jpeg_failure_init(&fail, 0);
    if (setjmp(fail.jump)) {
        snprintf(msg, len, "JPEG encoder: %s", fail.msg);
        jpeg_destroy_compress(&cinfo);
        free(buf);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buf, &buf_size);
    cinfo.image_width = (JDIMENSION)img->w;
    cinfo.image_height = (JDIMENSION)img->h;
    cinfo.input_components = (int)img->c;
    cinfo.in_color_space = img->c == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t row = (size_t)(img->w * img->c);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW src = (JSAMPROW)(img->pixels + row * cinfo.next_scanline);
        jpeg_write_scanlines(&cinfo, &src, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *data = buf;
    *size = buf_size;
    return 0;
}
