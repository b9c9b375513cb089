/* repeat.c — RepeatStart and RepeatEnd: the ends of a block the graph
 * unrolls into `times` copies (engine/graph.c, docs/file-format.md). In the
 * unrolled net they are identities: RepeatStart hands the block's input to
 * the first copy, RepeatEnd passes on the last copy's output. */
#include "export/layer-export.h"
#include "layers/layer-util.h"

enum { REPEAT_START_TIMES, REPEAT_START_N_PARAMS };
enum { REPEAT_END_START, REPEAT_END_N_PARAMS };

static const tsu_param_desc repeat_start_params[] = {
    [REPEAT_START_TIMES] = TSU_PARAM_INT_DEF("times", 2, 1, TSU_REPEAT_MAX,
                                             N_("How many times the block runs, each time with its "
                                                "own parameters")),
};
TSU_PARAMS_MATCH(repeat_start_params, REPEAT_START_N_PARAMS);

static const tsu_param_desc repeat_end_params[] = {
    [REPEAT_END_START] = {.name = "start", .type = TSU_PARAM_STRING, .required = true,
                          .help = N_("Id of the RepeatStart that opens this block")},
};
TSU_PARAMS_MATCH(repeat_end_params, REPEAT_END_N_PARAMS);

static const tsu_layer_ops repeat_ops = {.forward = tsu_copy_forward,
                                         .backward = tsu_copy_backward};

/* ONNX and C read through them (TSU_KIND_INFERENCE_IDENTITY); model.py
 * names the value it passes on. */
static const tsu_layer_export repeat_export = {.pytorch = tsu_py_pass_through};

const tsu_layer_kind tsu_kind_repeat_start = {
    .name = "RepeatStart",
    .category = "Others",
    .help = N_("Opens a block of layers that runs `times` times, each with its own parameters"),
    .id_prefix = "rs",
    .min_inputs = 1,
    .max_inputs = 1,
    .flags = TSU_KIND_INFERENCE_IDENTITY,
    .params = repeat_start_params,
    .n_params = REPEAT_START_N_PARAMS,
    .infer = tsu_infer_same_shape,
    .macs = tsu_macs_none,
    .ops = &repeat_ops,
    .exports = &repeat_export,
    .about = {.computes = N_("Opens a block of layers that runs `times` times in a row, each "
                  "repetition with its own weights."),
              .why = N_("Builds deep networks of identical blocks without drawing each copy."),
              .neighbours = N_("Followed by the block's layers and closed by a RepeatEnd; the block's "
                  "output shape must equal its input's.")},
};

const tsu_layer_kind tsu_kind_repeat_end = {
    .name = "RepeatEnd",
    .category = "Others",
    .help = N_("Closes the block its RepeatStart opened; passes on the last repetition's output"),
    .id_prefix = "re",
    .min_inputs = 1,
    .max_inputs = 1,
    .flags = TSU_KIND_INFERENCE_IDENTITY,
    .params = repeat_end_params,
    .n_params = REPEAT_END_N_PARAMS,
    .infer = tsu_infer_same_shape,
    .macs = tsu_macs_none,
    .ops = &repeat_ops,
    .exports = &repeat_export,
    .about = {.computes = N_("Closes the block its RepeatStart opened and passes on the last "
                  "repetition's output."),
              .why = N_("Marks where the repeated part of the network ends."),
              .neighbours = N_("After the last layer of a block opened by RepeatStart.")},
};
