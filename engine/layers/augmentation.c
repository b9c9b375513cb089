/* augmentation.c — ImageAugmentation: a random per-sample transform of
 * [C, H, W] images in training (NNC's ImageAugmentation), the identity in
 * evaluation, inference and every export.
 *
 * Per sample, in this order: random flips (each with probability 1/2 when
 * enabled), an integer shift in ±shift pixels and a rotation in ±angle
 * radians about the centre, sampled bilinearly with zero fill; then a
 * brightness offset in ±brightness, a contrast factor 1 + c with c in
 * ±contrast about the sample's mean, and Gaussian noise of std `noise`. */
#include "export/layer-export.h"
#include "layers/layer-util.h"
#include "runtime/rng.h"

#include <math.h>
#include <string.h>

enum {
    AUG_FLIP_LR,
    AUG_FLIP_UD,
    AUG_SHIFT,
    AUG_ANGLE,
    AUG_BRIGHTNESS,
    AUG_CONTRAST,
    AUG_NOISE,
    AUG_N_PARAMS
};

static const tsu_param_desc aug_params[] = {
    [AUG_FLIP_LR] = TSU_PARAM_BOOL_DEF("flip_lr", false, N_("Flip left-right with probability 1/2")),
    [AUG_FLIP_UD] = TSU_PARAM_BOOL_DEF("flip_ud", false, N_("Flip up-down with probability 1/2")),
    [AUG_SHIFT] = TSU_PARAM_PAIR_DEF("shift", 0, 0, 0, TSU_DIM_MAX,
                                     N_("Largest random shift [dy, dx] in pixels, zero fill")),
    [AUG_ANGLE] = TSU_PARAM_FLOAT_DEF("angle", 0.0, 0.0, 3.14159265358979,
                                      N_("Largest random rotation about the centre, in radians")),
    [AUG_BRIGHTNESS] =
        TSU_PARAM_FLOAT_DEF("brightness", 0.0, 0.0, 1e6, N_("Largest random value added")),
    [AUG_CONTRAST] = TSU_PARAM_FLOAT_DEF("contrast", 0.0, 0.0, 1.0,
                                         N_("Largest random change of the contrast factor about 1")),
    [AUG_NOISE] =
        TSU_PARAM_FLOAT_DEF("noise", 0.0, 0.0, 1e6, N_("Standard deviation of added Gaussian noise")),
};
TSU_PARAMS_MATCH(aug_params, AUG_N_PARAMS);

/* One sample's draws. The geometric part maps output pixel (i, j) to the
 * source point (sy, sx) = (a i + b j + c, d i + e j + f). */
typedef struct {
    float a, b, c, d, e, f;
    float brightness, contrast; /* offset and factor */
    uint64_t noise_key;         /* 0: no noise */
} aug_draw;

enum { DRAW_FLIP_LR, DRAW_FLIP_UD, DRAW_SHIFT_Y, DRAW_SHIFT_X, DRAW_ANGLE, DRAW_BRIGHT, DRAW_CONTRAST,
       DRAW_NOISE };

/* Draws are a hash of (seed, node, step, sample): no state to keep, the
 * same for any thread count, and backward recomputes them as Dropout does. */
static uint64_t sample_key(const tsu_layer_run *run, const tsu_exec *ex, int sample)
{
    uint64_t key = tsu_mix64(tsu_mix64(ex->seed ^ 0x6175676d656e74ull) +
                             (uint64_t)run->index * 0x100000001b3ull) ^
                   tsu_mix64(ex->step);
    return tsu_mix64(key + (uint64_t)sample * 0x9e3779b97f4a7c15ull);
}

/* Uniform in [-1, 1). */
static float signed_unit(uint64_t key, int which)
{
    return 2.0f * tsu_unit_float(tsu_mix64(key + (uint64_t)which)) - 1.0f;
}

static int uniform_int(uint64_t key, int which, int range)
{
    double u = tsu_unit_float(tsu_mix64(key + (uint64_t)which));
    return (int)floor(u * (2.0 * range + 1.0)) - range;
}

static aug_draw draw_sample(const tsu_node *node, uint64_t key, int h, int w)
{
    const bool lr = tsu_node_value(node, AUG_FLIP_LR)->boolean &&
                    tsu_unit_float(tsu_mix64(key + DRAW_FLIP_LR)) < 0.5f;
    const bool ud = tsu_node_value(node, AUG_FLIP_UD)->boolean &&
                    tsu_unit_float(tsu_mix64(key + DRAW_FLIP_UD)) < 0.5f;
    const int *shift = tsu_param_ints(node, AUG_SHIFT);
    const int dy = uniform_int(key, DRAW_SHIFT_Y, shift[0]);
    const int dx = uniform_int(key, DRAW_SHIFT_X, shift[1]);
    const double theta = tsu_node_value(node, AUG_ANGLE)->number * signed_unit(key, DRAW_ANGLE);
    const double cs = cos(theta), sn = sin(theta);
    const double cy = 0.5 * (h - 1), cx = 0.5 * (w - 1);
    /* Undo the shift, then the rotation about the centre, then the flips:
     * u = i - dy - cy, v = j - dx - cx; rotated (cs u + sn v, -sn u + cs v). */
    double a = cs, b = sn, c = cy - cs * (dy + cy) - sn * (dx + cx);
    double d = -sn, e = cs, f = cx + sn * (dy + cy) - cs * (dx + cx);
    if (ud) a = -a, b = -b, c = (h - 1) - c;
    if (lr) d = -d, e = -e, f = (w - 1) - f;
    uint64_t noise_key = tsu_node_value(node, AUG_NOISE)->number > 0.0
                             ? tsu_mix64(key + DRAW_NOISE) | 1u
                             : 0;
    return (aug_draw){
        .a = (float)a, .b = (float)b, .c = (float)c, .d = (float)d, .e = (float)e, .f = (float)f,
        .brightness = (float)tsu_node_value(node, AUG_BRIGHTNESS)->number *
                      signed_unit(key, DRAW_BRIGHT),
        .contrast = 1.0f + (float)tsu_node_value(node, AUG_CONTRAST)->number *
                               signed_unit(key, DRAW_CONTRAST),
        .noise_key = noise_key,
    };
}

/* The four bilinear taps of output pixel (i, j): source indices (-1 when
 * outside the image: zero fill) and weights. */
typedef struct {
    long at[4];
    float wt[4];
} aug_taps;

static aug_taps taps_of(const aug_draw *dr, int i, int j, int h, int w)
{
    const float sy = dr->a * (float)i + dr->b * (float)j + dr->c;
    const float sx = dr->d * (float)i + dr->e * (float)j + dr->f;
    const float fy = floorf(sy), fx = floorf(sx);
    const float ty = sy - fy, tx = sx - fx;
    const long y0 = (long)fy, x0 = (long)fx;
    aug_taps t;
    for (int k = 0; k < 4; k++) {
        long y = y0 + (k >> 1), x = x0 + (k & 1);
        bool in = y >= 0 && y < h && x >= 0 && x < w;
        t.at[k] = in ? y * w + x : -1;
        t.wt[k] = ((k >> 1) ? ty : 1.0f - ty) * ((k & 1) ? tx : 1.0f - tx);
    }
    return t;
}

/* Gaussian by Box-Muller from two hashes of (noise key, element). */
static float gaussian(uint64_t key, size_t element)
{
    uint64_t h = tsu_mix64(key + 2 * (uint64_t)element);
    double u1 = ((double)(h >> 11) + 0.5) * (1.0 / 9007199254740992.0);
    double u2 = tsu_unit_float(tsu_mix64(h ^ 0x6e6f697365ull));
    return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}

static void aug_sample_forward(const tsu_node *node, const aug_draw *dr, const float *x, float *y)
{
    const tsu_shape *in = tsu_input_shape(node, 0);
    const int planes = in->d[0], h = in->d[1], w = in->d[2];
    const size_t plane = (size_t)h * (size_t)w, n = plane * (size_t)planes;
    for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++) {
            aug_taps t = taps_of(dr, i, j, h, w);
            for (int p = 0; p < planes; p++) {
                const float *xp = x + (size_t)p * plane;
                float v = 0.0f;
                for (int k = 0; k < 4; k++)
                    if (t.at[k] >= 0 && t.wt[k] != 0.0f) v += t.wt[k] * xp[t.at[k]];
                y[(size_t)p * plane + (size_t)i * w + j] = v;
            }
        }
    const float mean = tsu_sum_floats(y, n) / (float)n;
    const float sd = (float)tsu_node_value(node, AUG_NOISE)->number;
    for (size_t q = 0; q < n; q++) {
        /* A factor of exactly 1 leaves values bit-exact. */
        float v = dr->contrast == 1.0f ? y[q] : (y[q] - mean) * dr->contrast + mean;
        v += dr->brightness;
        y[q] = dr->noise_key ? v + sd * gaussian(dr->noise_key, q) : v;
    }
}

static void aug_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    if (!ex->training) {
        tsu_copy_forward(run, ex, stage);
        return;
    }
    const tsu_shape *in = tsu_input_shape(run->node, 0);
    for (int s = ex->n0; s < ex->n1; s++) {
        aug_draw dr = draw_sample(run->node, sample_key(run, ex, s), in->d[1], in->d[2]);
        aug_sample_forward(run->node, &dr, run->in[0] + (size_t)s * run->in_size[0],
                           run->out + (size_t)s * run->out_size);
    }
}

/* For fixed draws the transform is linear in x: y = K (A x - m 1) + m 1 +
 * const, with m the mean of A x. So dg = K dy + (1 - K) mean(dy), and dx =
 * A^T dg scatters dg back along the bilinear taps. */
static void aug_sample_backward(const tsu_node *node, const aug_draw *dr, const float *dy,
                                float *dg, float *dx, bool acc)
{
    const tsu_shape *in = tsu_input_shape(node, 0);
    const int planes = in->d[0], h = in->d[1], w = in->d[2];
    const size_t plane = (size_t)h * (size_t)w, n = plane * (size_t)planes;
    const float k = dr->contrast;
    const float mean_part = (1.0f - k) * tsu_sum_floats(dy, n) / (float)n;
    for (size_t q = 0; q < n; q++) dg[q] = k * dy[q] + mean_part;
    if (!acc) memset(dx, 0, n * sizeof *dx);
    for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++) {
            aug_taps t = taps_of(dr, i, j, h, w);
            for (int p = 0; p < planes; p++) {
                float g = dg[(size_t)p * plane + (size_t)i * w + j];
                float *dxp = dx + (size_t)p * plane;
                for (int c = 0; c < 4; c++)
                    if (t.at[c] >= 0 && t.wt[c] != 0.0f) dxp[t.at[c]] += t.wt[c] * g;
            }
        }
}

static void aug_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    if (!ex->training) {
        tsu_copy_backward(run, ex, stage);
        return;
    }
    if (!run->din[0]) return;
    const tsu_shape *in = tsu_input_shape(run->node, 0);
    for (int s = ex->n0; s < ex->n1; s++) {
        aug_draw dr = draw_sample(run->node, sample_key(run, ex, s), in->d[1], in->d[2]);
        aug_sample_backward(run->node, &dr, run->dout + (size_t)s * run->out_size, ex->work,
                            run->din[0] + (size_t)s * run->in_size[0], run->din_accumulate[0]);
    }
}

static size_t aug_work_floats(const tsu_node *node)
{
    return tsu_shape_size(&node->shape);
}

static const tsu_layer_ops aug_ops = {
    .work_floats = aug_work_floats,
    .forward = aug_forward,
    .backward = aug_backward,
};

static bool aug_infer(tsu_node *node, tsu_diag *diag)
{
    if (!tsu_require_image(node, diag)) return false;
    return tsu_infer_same_shape(node, diag);
}

/* Inference reads through the layer (TSU_KIND_INFERENCE_IDENTITY), so ONNX
 * and C never see it, and model.py passes its input on: train.py does not
 * augment. */
static const tsu_layer_export aug_export = {.pytorch = tsu_py_pass_through};

const tsu_layer_kind tsu_kind_image_augmentation = {
    .name = "ImageAugmentation",
    .category = "Others",
    .help = N_("Random flips, shift, rotation, brightness, contrast and noise per sample in "
               "training; the identity otherwise"),
    .id_prefix = "augment",
    .min_inputs = 1,
    .max_inputs = 1,
    .flags = TSU_KIND_INFERENCE_IDENTITY,
    .params = aug_params,
    .n_params = TSU_ARRAY_LEN(aug_params),
    .infer = aug_infer,
    .macs = tsu_macs_none,
    .ops = &aug_ops,
    .exports = &aug_export,
    .role = {.traits = TSU_TRAIT_TRAIN_ONLY},
    .about = {.computes = N_("In training, changes each image at random (flips, shift, rotation, "
                  "brightness, contrast, noise); in inference it passes images unchanged."),
              .why = N_("Shows the network new variations of the same pictures, which reduces "
                  "overfitting on small datasets."),
              .neighbours = N_("Right after the Input, before the first Convolution.")},
};
