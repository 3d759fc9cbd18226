/* Random erasing (Zhong et al. 2020) as timm's RandomErasing(mode = "pixel"): with
 * probability p, up to 10 tries for a box of area 0.02–⅓ of the image and aspect ratio
 * log-uniform in [0.3, 1/0.3]; the first box that fits is filled with N(0, 1) noise, one
 * draw per pixel and channel (the image is already normalised, so this is "noise of the
 * data's own scale"). */
#include <math.h>
#include "internal.h"

void vb_aug_erase(vb_imagef *img, float p, vb_stream *r)
{
    if (!vb_draw_coin(r, p))
        return;
    const int64_t h = img->h, w = img->w, c = img->c;
    const double area = (double)(h * w), lo = log(0.3), hi = log(1.0 / 0.3);
    for (int attempt = 0; attempt < 10; attempt++) {
        double target = area * vb_draw_range(r, 0.02, 1.0 / 3.0);
        double aspect = exp(vb_draw_range(r, lo, hi));
        int64_t bh = (int64_t)lround(sqrt(target * aspect));
        int64_t bw = (int64_t)lround(sqrt(target / aspect));
        if (bh >= h || bw >= w)
            continue;
        int64_t top = vb_draw_int(r, 0, h - bh), left = vb_draw_int(r, 0, w - bw);
        for (int64_t y = top; y < top + bh; y++)
            for (int64_t x = left * c; x < (left + bw) * c; x++)
                img->px[y * w * c + x] = (float)vb_draw_normal(r);
        return;
    }
}
