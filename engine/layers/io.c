/* io.c — Input: where a dataset variable enters the network. */
#include "layers/layer-util.h"

enum { INPUT_SHAPE, INPUT_DATASET, INPUT_N_PARAMS };

static const tsu_param_desc input_params[] = {
    [INPUT_SHAPE] = {.name = "shape", .type = TSU_PARAM_INTS, .count = 0, .required = true,
                     .min = 1, .max = 1 << 24,
                     .help = N_("Shape of one sample without the batch axis, e.g. [1, 28, 28]")},
    [INPUT_DATASET] = TSU_PARAM_STRING_DEF("dataset", "x", N_("Dataset variable fed to this input")),
};
TSU_PARAMS_MATCH(input_params, INPUT_N_PARAMS);

static bool input_infer(tsu_node *node, tsu_diag *diag)
{
    const tsu_value *shape = tsu_node_value(node, INPUT_SHAPE);
    node->shape = tsu_shape_make(shape->n, shape->ints);
    return true;
}

/* The net places the dataset values straight into the output buffer. The
 * exporters write Inputs as the model's inputs (TSU_KIND_INPUT), so the kind
 * has no export callbacks. */
static const tsu_layer_ops input_ops = {0};

const tsu_layer_kind tsu_kind_input = {
    .name = "Input",
    .category = "IO",
    .help = N_("A dataset variable entering the network"),
    .id_prefix = "input",
    .min_inputs = 0,
    .max_inputs = 0,
    .flags = TSU_KIND_INPUT,
    .params = input_params,
    .n_params = TSU_ARRAY_LEN(input_params),
    .infer = input_infer,
    .macs = tsu_macs_none,
    .ops = &input_ops,
    .about = {.computes = N_("Passes one dataset variable (named by `dataset`) into the network, one "
                  "sample at a time."),
              .why = N_("Every network starts here; its `shape` must match the variable's "
                  "per-sample shape."),
              .neighbours = N_("Followed by ImageAugmentation, Convolution or Affine.")},
};
