/* layer-util.c — window arithmetic and small helpers shared by layer files. */
#include "layers/layer-util.h"

#include <stdio.h>
#include <string.h>

const char *tsu_shape_text(const tsu_shape *shape, char *buf, size_t size)
{
    tsu_shape_format_list(shape, buf, size);
    return buf;
}

bool tsu_require_image(tsu_node *node, tsu_diag *diag)
{
    const tsu_shape *in = tsu_input_shape(node, 0);
    if (in->ndim == 3) return true;
    char text[96];
    return tsu_node_fail(node, diag, TSU_E_SHAPE, NULL,
                         _("%s needs a [C, H, W] input, got %s"), node->kind->name,
                         tsu_shape_text(in, text, sizeof text));
}

bool tsu_window_output(tsu_node *node, tsu_diag *diag, const char *kernel_param,
                       const tsu_window *win, const int in[2], int out[2])
{
    int span[2], padded[2];
    for (int a = 0; a < 2; a++) {
        span[a] = win->dilation[a] * (win->kernel[a] - 1) + 1;
        padded[a] = in[a] + 2 * win->pad[a];
    }
    if (span[0] > padded[0] || span[1] > padded[1]) {
        bool dilated = span[0] != win->kernel[0] || span[1] != win->kernel[1];
        if (dilated)
            return tsu_node_fail(node, diag, TSU_E_SHAPE, kernel_param,
                                 _("kernel %dx%d with dilation %dx%d spans %dx%d, larger than "
                                   "the padded input %dx%d"),
                                 win->kernel[0], win->kernel[1], win->dilation[0],
                                 win->dilation[1], span[0], span[1], padded[0], padded[1]);
        return tsu_node_fail(node, diag, TSU_E_SHAPE, kernel_param,
                             _("kernel %dx%d is larger than the padded input %dx%d"),
                             win->kernel[0], win->kernel[1], padded[0], padded[1]);
    }
    for (int a = 0; a < 2; a++) out[a] = (padded[a] - span[a]) / win->stride[a] + 1;
    return true;
}

bool tsu_infer_same_shape(tsu_node *node, tsu_diag *diag)
{
    node->shape = *tsu_input_shape(node, 0);
    return true;
}

uint64_t tsu_macs_none(const tsu_node *node)
{
    return 0;
}

void tsu_copy_forward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    size_t a = tsu_slice_begin(ex, run->out_size), b = tsu_slice_end(ex, run->out_size);
    memcpy(run->out + a, run->in[0] + a, (b - a) * sizeof(float));
}

void tsu_copy_backward(tsu_layer_run *run, tsu_exec *ex, int stage)
{
    float *dx = run->din[0];
    if (!dx) return;
    size_t a = tsu_slice_begin(ex, run->out_size), b = tsu_slice_end(ex, run->out_size);
    if (!run->din_accumulate[0]) {
        memcpy(dx + a, run->dout + a, (b - a) * sizeof(float));
        return;
    }
    for (size_t i = a; i < b; i++) dx[i] += run->dout[i];
}

float tsu_sum_floats(const float *x, size_t n)
{
    float lanes[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) lanes[k] += x[i + k];
    float sum = 0.0f;
    for (; i < n; i++) sum += x[i];
    for (int k = 0; k < 8; k++) sum += lanes[k];
    return sum;
}

tsu_window tsu_window_params(const tsu_node *node, int kernel, int stride, int pad, int dilation)
{
    tsu_window w;
    for (int a = 0; a < 2; a++) {
        w.kernel[a] = tsu_param_ints(node, kernel)[a];
        w.stride[a] = tsu_param_ints(node, stride)[a];
        w.pad[a] = tsu_param_ints(node, pad)[a];
        w.dilation[a] = dilation < 0 ? 1 : tsu_param_ints(node, dilation)[a];
    }
    return w;
}
