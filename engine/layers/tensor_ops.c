/* tensor_ops.c — Flatten, Reshape, Concatenate, Add2: layers that move or
 * combine values without learning anything. */
#include "layers/layer-util.h"
#include "layers/kinds.h"

enum { RESHAPE_SHAPE };
enum { CONCAT_AXIS };

static const tsu_param_desc reshape_params[] = {
    {.name = "shape", .type = TSU_PARAM_INTS, .count = 0, .required = true, .min = 1,
     .max = 1 << 24, .help = "New shape without the batch axis; same number of values"},
};

static const tsu_param_desc concat_params[] = {
    TSU_PARAM_INT_DEF("axis", 0, 0, TSU_MAX_DIMS - 1,
                      "Axis to join along (0 = channels; the batch axis is not counted)"),
};

static bool flatten_infer(tsu_node *node, tsu_diag *diag)
{
    size_t size = tsu_shape_size(tsu_input_shape(node, 0));
    if (size > (size_t)1 << 30)
        return tsu_node_fail(node, diag, TSU_E_SHAPE, NULL, "%zu values are too many", size);
    node->shape = tsu_shape_1((int)size);
    return true;
}

static bool reshape_infer(tsu_node *node, tsu_diag *diag)
{
    const tsu_value *v = tsu_node_value(node, RESHAPE_SHAPE);
    tsu_shape target = tsu_shape_make(v->n, v->ints);
    const tsu_shape *in = tsu_input_shape(node, 0);
    if (tsu_shape_size(&target) != tsu_shape_size(in)) {
        char a[96], b[96];
        return tsu_node_fail(node, diag, TSU_E_SHAPE, "shape",
                             "cannot reshape %s (%zu values) to %s (%zu values)",
                             tsu_shape_text(in, a, sizeof a), tsu_shape_size(in),
                             tsu_shape_text(&target, b, sizeof b), tsu_shape_size(&target));
    }
    node->shape = target;
    return true;
}

static bool concat_infer(tsu_node *node, tsu_diag *diag)
{
    int axis = tsu_param_int(node, CONCAT_AXIS);
    const tsu_shape *first = tsu_input_shape(node, 0);
    char a[96], b[96];
    if (axis >= first->ndim)
        return tsu_node_fail(node, diag, TSU_E_SHAPE, "axis",
                             "axis %d does not exist in input shape %s", axis,
                             tsu_shape_text(first, a, sizeof a));
    tsu_shape out = *first;
    for (int i = 1; i < node->n_inputs; i++) {
        const tsu_shape *s = tsu_input_shape(node, i);
        bool fits = s->ndim == first->ndim;
        for (int d = 0; fits && d < s->ndim; d++)
            if (d != axis && s->d[d] != first->d[d]) fits = false;
        if (!fits)
            return tsu_node_fail(node, diag, TSU_E_SHAPE, NULL,
                                 "Concatenate inputs %s %s and %s %s differ outside axis %d",
                                 node->inputs[0]->id, tsu_shape_text(first, a, sizeof a),
                                 node->inputs[i]->id, tsu_shape_text(s, b, sizeof b), axis);
        out.d[axis] += s->d[axis];
    }
    node->shape = out;
    return true;
}

static bool add2_infer(tsu_node *node, tsu_diag *diag)
{
    const tsu_shape *x = tsu_input_shape(node, 0), *y = tsu_input_shape(node, 1);
    if (!tsu_shape_equal(x, y)) {
        char a[96], b[96];
        return tsu_node_fail(node, diag, TSU_E_SHAPE, NULL, "Add2 inputs have shapes %s and %s",
                             tsu_shape_text(x, a, sizeof a), tsu_shape_text(y, b, sizeof b));
    }
    node->shape = *x;
    return true;
}

#define OTHERS_KIND(var, kname, khelp, prefix, min_in, max_in, kparams, kn_params, kinfer)   \
    const tsu_layer_kind var = {                                                       \
        .name = kname,                                                                 \
        .category = "Others",                                                          \
        .help = khelp,                                                                 \
        .id_prefix = prefix,                                                           \
        .min_inputs = min_in,                                                          \
        .max_inputs = max_in,                                                          \
        .params = kparams,                                                             \
        .n_params = kn_params,                                                         \
        .infer = kinfer,                                                               \
        .macs = tsu_macs_none,                                                         \
    }

OTHERS_KIND(tsu_kind_flatten, "Flatten", "All non-batch axes into one", "flatten", 1, 1, NULL,
            0, flatten_infer);
OTHERS_KIND(tsu_kind_reshape, "Reshape", "Same values, another shape", "reshape", 1, 1,
            reshape_params, TSU_ARRAY_LEN(reshape_params), reshape_infer);
OTHERS_KIND(tsu_kind_concatenate, "Concatenate", "Joins inputs along an axis", "concat", 2,
            -1, concat_params, TSU_ARRAY_LEN(concat_params), concat_infer);
OTHERS_KIND(tsu_kind_add2, "Add2", "Element-wise sum of two inputs of the same shape", "add",
            2, 2, NULL, 0, add2_infer);
