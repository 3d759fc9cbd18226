/* RandAugment (Cubuk et al. 2020) as timm builds it ("rand-m<m>-n<n>", with timm's
 * increasing-magnitude variants as DeiT's "inc1"): n ops drawn uniformly with replacement
 * from the AutoAugment op set, each applied with probability ½, all at one magnitude
 * m on timm's 0..10 scale (values above 10 clip to 10). With f = m/10:
 *
 *   ShearX/Y 0.3·f   TranslateX/Y 0.45·f of the width/height   Rotate 30°·f
 *   (random sign);  Contrast, Color, Brightness, Sharpness: factor 1 ± 0.9·f;
 *   Solarize: threshold 256 − ⌊256·f⌋;  Posterize: 4 − ⌊4·f⌋ bits;
 *   AutoContrast, Equalize, Invert: no magnitude. */
#include "internal.h"

static float magnitude(vb_aug_op op, float f, const vb_image8 *img)
{
    switch (op) {
    case VB_AUG_SHEAR_X:
    case VB_AUG_SHEAR_Y: return 0.3f * f;
    case VB_AUG_TRANSLATE_X: return 0.45f * f * (float)img->w;
    case VB_AUG_TRANSLATE_Y: return 0.45f * f * (float)img->h;
    case VB_AUG_ROTATE: return 30.0f * f;
    case VB_AUG_SOLARIZE: return (float)(256 - (int)(256.0f * f));
    case VB_AUG_POSTERIZE: return (float)(4 - (int)(4.0f * f));
    case VB_AUG_CONTRAST:
    case VB_AUG_COLOR:
    case VB_AUG_BRIGHTNESS:
    case VB_AUG_SHARPNESS: return 0.9f * f;
    default: return 0.0f;
    }
}

void vb_aug_randaugment(vb_image8 *img, uint8_t *tmp, int n, int m, vb_stream *r)
{
    const float f = (float)(m < 0 ? 0 : m > 10 ? 10 : m) / 10.0f;
    for (int k = 0; k < n; k++) {
        vb_aug_op op = (vb_aug_op)vb_draw_int(r, 0, VB_AUG_OP_COUNT - 1);
        if (!vb_draw_coin(r, 0.5))
            continue;
        vb_aug_apply(op, vb_aug_signed(op, magnitude(op, f, img), r), img, tmp);
    }
}
