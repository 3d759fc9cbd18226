/* AutoAugment with its CIFAR-10 policy (Cubuk et al. 2019; torchvision's
 * AutoAugmentPolicy.CIFAR10): pick one of 25 sub-policies uniformly, then apply each of its
 * two ops with its own probability, at its magnitude bin m ∈ 0..9 on torchvision's scales
 * (value = max·m/9; signed ops take a random sign). */
#include <math.h>
#include "internal.h"

typedef struct aa_step {
    vb_aug_op op;
    float p;
    int m; /* magnitude bin (ignored by ops without one) */
} aa_step;

#define SX VB_AUG_SHEAR_X
#define SY VB_AUG_SHEAR_Y
#define TX VB_AUG_TRANSLATE_X
#define TY VB_AUG_TRANSLATE_Y
#define ROT VB_AUG_ROTATE
#define AC VB_AUG_AUTOCONTRAST
#define INV VB_AUG_INVERT
#define EQ VB_AUG_EQUALIZE
#define SOL VB_AUG_SOLARIZE
#define POS VB_AUG_POSTERIZE
#define CON VB_AUG_CONTRAST
#define COL VB_AUG_COLOR
#define BRI VB_AUG_BRIGHTNESS
#define SHA VB_AUG_SHARPNESS

static const aa_step cifar10_policy[25][2] = {
    {{INV, 0.1f, 0}, {CON, 0.2f, 6}}, {{ROT, 0.7f, 2}, {TX, 0.3f, 9}},
    {{SHA, 0.8f, 1}, {SHA, 0.9f, 3}}, {{SY, 0.5f, 8}, {TY, 0.7f, 9}},
    {{AC, 0.5f, 0}, {EQ, 0.9f, 0}},   {{SY, 0.2f, 7}, {POS, 0.3f, 7}},
    {{COL, 0.4f, 3}, {BRI, 0.6f, 7}}, {{SHA, 0.3f, 9}, {BRI, 0.7f, 9}},
    {{EQ, 0.6f, 0}, {EQ, 0.5f, 0}},   {{CON, 0.6f, 7}, {SHA, 0.6f, 5}},
    {{COL, 0.7f, 7}, {TX, 0.5f, 8}},  {{EQ, 0.3f, 0}, {AC, 0.4f, 0}},
    {{TY, 0.4f, 3}, {SHA, 0.2f, 6}},  {{BRI, 0.9f, 6}, {COL, 0.2f, 8}},
    {{SOL, 0.5f, 2}, {INV, 0.0f, 0}}, {{EQ, 0.2f, 0}, {AC, 0.6f, 0}},
    {{EQ, 0.2f, 0}, {EQ, 0.6f, 0}},   {{COL, 0.9f, 9}, {EQ, 0.6f, 0}},
    {{AC, 0.8f, 0}, {SOL, 0.2f, 8}},  {{BRI, 0.1f, 3}, {COL, 0.7f, 0}},
    {{SOL, 0.4f, 5}, {AC, 0.9f, 0}},  {{TY, 0.9f, 9}, {TY, 0.7f, 9}},
    {{AC, 0.9f, 0}, {SOL, 0.8f, 3}},  {{EQ, 0.8f, 0}, {INV, 0.1f, 0}},
    {{TY, 0.7f, 9}, {AC, 0.9f, 0}},
};

/* torchvision's magnitude of bin m (before the sign): linspace(0, max, 10)[m]. */
static float magnitude(vb_aug_op op, int m, const vb_image8 *img)
{
    const float f = (float)m / 9.0f;
    switch (op) {
    case VB_AUG_SHEAR_X:
    case VB_AUG_SHEAR_Y: return 0.3f * f;
    case VB_AUG_TRANSLATE_X: return 150.0f / 331.0f * (float)img->w * f;
    case VB_AUG_TRANSLATE_Y: return 150.0f / 331.0f * (float)img->h * f;
    case VB_AUG_ROTATE: return 30.0f * f;
    case VB_AUG_SOLARIZE: return 255.0f * (1.0f - f);
    case VB_AUG_POSTERIZE: return (float)(8 - lroundf(4.0f * f)); /* 8 8 7 7 6 6 5 5 4 4 */
    case VB_AUG_CONTRAST:
    case VB_AUG_COLOR:
    case VB_AUG_BRIGHTNESS:
    case VB_AUG_SHARPNESS: return 0.9f * f;
    default: return 0.0f;
    }
}

void vb_aug_autoaugment(vb_image8 *img, uint8_t *tmp, vb_stream *r)
{
    const aa_step *sub = cifar10_policy[vb_draw_int(r, 0, 24)];
    for (int k = 0; k < 2; k++) {
        if (!vb_draw_coin(r, sub[k].p))
            continue;
        float v = vb_aug_signed(sub[k].op, magnitude(sub[k].op, sub[k].m, img), r);
        vb_aug_apply(sub[k].op, v, img, tmp);
    }
}
