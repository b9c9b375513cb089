/* pytorch.c — the network as a PyTorch folder: model.py generated here,
 * tsumiki_io.py and train.py as written in python/ (compiled in by embed.py),
 * the weights, the project and a README.
 *
 * model.py keeps the layers that act only in training (train.py trains with
 * them; eval() makes them the identity) but returns the same outputs as the
 * other formats. Each kind writes its own module and forward expression
 * (export/layer-export.h). Layers with weights are registered under their
 * node ids so that the state_dict keys are the safetensors names and
 * load_state_dict(strict=True) just works. */
#include "export/export-internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

extern const char tsu_py_tsumiki_io[];
extern const char tsu_py_train[];

/* A node id as a Python local: t_<id> never collides with a keyword. */
#define T "t_"

/* nn.Module attributes a registered layer would shadow (add_module refuses). */
static const char *const module_attributes[] = {
    "training", "forward", "train", "eval", "to", "cpu", "cuda", "type", "float", "double",
    "half", "apply", "modules", "children", "parameters", "buffers", "state_dict",
    "load_state_dict", "zero_grad", "named_modules", "named_parameters", "named_buffers",
    "named_children", "register_buffer", "register_parameter", "add_module", "requires_grad_",
    "share_memory", "extra_repr", "get_submodule", "get_parameter", "get_buffer", "dump_patches",
    "bfloat16", "ipu", "xpu", "register_module", "from_safetensors",
};

static bool has_weights(const tsu_node *node)
{
    return tsu_node_tensor_count(node) > 0;
}

static tsu_status check_names(const tsu_xplan *plan, tsu_diag *diag)
{
    tsu_status st = TSU_OK;
    for (int i = 0; i < plan->n_nodes; i++) {
        const tsu_node *node = plan->nodes[i].node;
        if (!has_weights(node)) continue;
        for (size_t k = 0; k < TSU_ARRAY_LEN(module_attributes); k++)
            if (!strcmp(tsu_node_id(node), module_attributes[k]))
                st = tsu_diag_add(diag, TSU_E_UNSUPPORTED, tsu_node_id(node), NULL,
                                  _("the id \"%s\" is a name torch.nn.Module already uses; rename "
                                    "the layer to export it to PyTorch"),
                                  tsu_node_id(node));
    }
    return st;
}

struct tsu_py_emitter {
    tsu_xbuf *out;
    bool needs_math;
};

void tsu_py_printf(tsu_py_emitter *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tsu_xbuf_vprintf(e->out, fmt, ap);
    va_end(ap);
}

/* A repeat block's copy "ca.2" (engine/blocks.c) is element 2 of the
 * nn.ModuleList "ca", so its state_dict keys are Tsumiki's "ca.2.weight";
 * its value is c2_ca, which no t_ name can be. *rep is -1 for other nodes. */
static const char *copy_base(const tsu_node *node, int *rep, char *base, size_t size)
{
    const char *id = tsu_node_id(node), *dot = strrchr(id, '.');
    *rep = dot ? atoi(dot + 1) : -1;
    snprintf(base, size, "%.*s", dot ? (int)(dot - id) : (int)strlen(id), id);
    return base;
}

const char *tsu_py_value(const tsu_node *node, char *buf, size_t size)
{
    char base[TSU_ID_MAX];
    int rep;
    copy_base(node, &rep, base, sizeof base);
    if (rep >= 0) snprintf(buf, size, "c%d_%s", rep, base);
    else snprintf(buf, size, T "%s", base);
    return buf;
}

const char *tsu_py_num(double v, char *buf, size_t size)
{
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, size, "%.*g", p, v);
        if (strtod(buf, NULL) == v) break;
    }
    return buf;
}

void tsu_py_window(tsu_py_emitter *e, const int *kernel, const int *stride, const int *pad)
{
    tsu_py_printf(e, "(%d, %d), stride=(%d, %d), padding=(%d, %d)", kernel[0], kernel[1],
                  stride[0], stride[1], pad[0], pad[1]);
}

void tsu_py_conv2d(tsu_py_emitter *e, int in_channels, int out_channels, const tsu_conv_spec *conv)
{
    tsu_py_printf(e, "nn.Conv2d(%d, %d, ", in_channels, out_channels);
    tsu_py_window(e, conv->kernel, conv->stride, conv->pad);
    tsu_py_printf(e, ", dilation=(%d, %d), groups=%d, bias=%s)", conv->dilation[0],
                  conv->dilation[1], conv->group, conv->bias ? "True" : "False");
}

void tsu_py_call_module(tsu_py_emitter *e, const tsu_node *node, const char *arg)
{
    char base[TSU_ID_MAX];
    int rep;
    copy_base(node, &rep, base, sizeof base);
    if (rep >= 0) tsu_py_printf(e, "m[\"%s\"][%d](%s)", base, rep, arg);
    else tsu_py_printf(e, "m[\"%s\"](%s)", base, arg);
}

void tsu_py_module_forward(tsu_py_emitter *e, const tsu_node *node)
{
    char src[TSU_ID_MAX + 8];
    tsu_py_call_module(e, node, tsu_py_value(node->inputs[0], src, sizeof src));
}

void tsu_py_pass_through(tsu_py_emitter *e, const tsu_node *node)
{
    char src[TSU_ID_MAX + 8];
    tsu_py_printf(e, "%s", tsu_py_value(node->inputs[0], src, sizeof src));
}

void tsu_py_need_math(tsu_py_emitter *e)
{
    e->needs_math = true;
}

/* Layers with weights are modules registered under their node ids. */
static void emit_module(tsu_py_emitter *e, const tsu_node *node)
{
    char base[TSU_ID_MAX];
    int rep;
    copy_base(node, &rep, base, sizeof base);
    if (rep == 0) tsu_py_printf(e, "        self.add_module(\"%s\", nn.ModuleList())\n", base);
    if (rep >= 0) tsu_py_printf(e, "        self._modules[\"%s\"].append(", base);
    else tsu_py_printf(e, "        self.add_module(\"%s\", ", base);
    node->kind->exports->pytorch_module(e, node);
    tsu_py_printf(e, ")\n");
}

static void emit_forward_line(tsu_py_emitter *e, const tsu_node *node)
{
    char var[TSU_ID_MAX + 16];
    tsu_py_printf(e, "        %s = ", tsu_py_value(node, var, sizeof var));
    node->kind->exports->pytorch(e, node);
    tsu_py_printf(e, "\n");
}

/* Every node model.py writes: all but Inputs and losses, in topological
 * order (those inference drops too). */
static bool in_model(const tsu_node *node)
{
    return !tsu_layer_kind_is_input(tsu_node_kind(node)) &&
           !tsu_layer_kind_is_loss(tsu_node_kind(node));
}

static tsu_status check_kinds(const tsu_graph *graph, tsu_diag *diag)
{
    tsu_status st = TSU_OK;
    for (int i = 0; i < tsu_graph_node_count(graph); i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        if (!in_model(node)) continue;
        const tsu_layer_export *ex = node->kind->exports;
        bool has = ex && ex->pytorch && (!has_weights(node) || ex->pytorch_module);
        if (!tsu_x_exports(node, "PyTorch", has, diag)) st = TSU_E_UNSUPPORTED;
    }
    return st;
}

static int output_index(const tsu_xplan *plan, const tsu_node *node)
{
    for (int i = 0; i < plan->n_outputs; i++)
        if (plan->outputs[i] == node) return i;
    return -1;
}

static void py_string(tsu_xbuf *b, const char *s)
{
    tsu_xbuf_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') tsu_xbuf_printf(b, "\\%c", *s);
        else if ((unsigned char)*s < 32) tsu_xbuf_printf(b, "\\x%02x", (unsigned char)*s);
        else tsu_xbuf_printf(b, "%c", *s);
    }
    tsu_xbuf_puts(b, "\"");
}

static void emit_model(tsu_xbuf *b, const tsu_project *project, const tsu_graph *graph,
                       const tsu_xplan *plan, const char *data_root)
{
    /* The class first: its layers say whether model.py needs math. */
    tsu_xbuf cls = {0};
    tsu_py_emitter e = {.out = &cls};
    char var[TSU_ID_MAX + 16];
    for (int i = 0; i < tsu_graph_node_count(graph); i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        if (in_model(node) && has_weights(node)) emit_module(&e, node);
    }
    tsu_py_printf(&e, "\n    def forward(self");
    for (int i = 0; i < plan->n_inputs; i++)
        tsu_py_printf(&e, ", %s", tsu_py_value(plan->inputs[i], var, sizeof var));
    tsu_py_printf(&e, "):\n        m = self._modules\n");
    for (int i = 0; i < tsu_graph_node_count(graph); i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        if (in_model(node)) emit_forward_line(&e, node);
    }

    tsu_xbuf_puts(b, "\"\"\"model.py - generated by Tsumiki's PyTorch export from the project ");
    py_string(b, tsu_project_name(project));
    tsu_xbuf_printf(b,
                  ".\n\n"
                  "    from model import load_model\n"
                  "    net = load_model()          # TsumikiModel with weights.safetensors, eval()\n"
                  "    probabilities = net(x)      # x: float tensor [N, ...] as INPUTS says\n\n"
                  "The state_dict keys are Tsumiki's safetensors names, so Tsumiki and PyTorch\n"
                  "read each other's weights files as they are.\n\"\"\"\n"
                  "%simport os\n\n"
                  "import torch\nimport torch.nn.functional as F  # noqa: F401\n"
                  "from torch import nn\n\n"
                  "from tsumiki_io import BatchNorm, load_safetensors  # noqa: F401\n\n",
                    e.needs_math ? "import math\n" : "");
    tsu_xbuf_puts(b, "# (node id, dataset variable, shape of one sample), in forward()'s order\n"
                     "INPUTS = [\n");
    for (int i = 0; i < plan->n_inputs; i++) {
        const tsu_node *node = plan->inputs[i];
        const tsu_shape *s = tsu_node_shape(node);
        tsu_xbuf_printf(b, "    (\"%s\", ", tsu_node_id(node));
        py_string(b, tsu_node_param(node, "dataset")->string);
        tsu_xbuf_puts(b, ", (");
        for (int d = 0; d < s->ndim; d++) tsu_xbuf_printf(b, "%d%s", s->d[d], s->ndim == 1 ? "," : d + 1 < s->ndim ? ", " : "");
        tsu_xbuf_puts(b, ")),\n");
    }
    tsu_xbuf_puts(b, "]\n# node ids of what forward() returns (a tuple when more than one)\nOUTPUTS = [");
    for (int i = 0; i < plan->n_outputs; i++)
        tsu_xbuf_printf(b, "%s\"%s\"", i ? ", " : "", tsu_node_id(plan->outputs[i]));
    tsu_xbuf_puts(b, "]\n# (loss id, type, index into OUTPUTS, dataset variable of the targets)\n"
                     "LOSSES = [\n");
    for (int i = 0; i < tsu_graph_node_count(graph); i++) {
        const tsu_node *node = tsu_graph_node(graph, i);
        if (!tsu_layer_kind_is_loss(tsu_node_kind(node))) continue;
        int at = output_index(plan, tsu_x_resolve(tsu_node_input(node, 0)));
        tsu_assert(at >= 0);
        tsu_xbuf_printf(b, "    (\"%s\", \"%s\", %d, ", tsu_node_id(node), tsu_node_type(node), at);
        py_string(b, tsu_node_param(node, "dataset")->string);
        tsu_xbuf_puts(b, "),\n");
    }
    tsu_xbuf_puts(b, "]\n# The directory the project's dataset paths are relative to.\nDATA_ROOT = ");
    py_string(b, data_root);
    tsu_xbuf_puts(b, "\n\n\nclass TsumikiModel(nn.Module):\n    def __init__(self):\n"
                     "        super().__init__()\n");
    tsu_xbuf_puts(b, cls.data);
    tsu_xbuf_free(&cls);
    tsu_xbuf_puts(b, "        return ");
    if (plan->n_outputs > 1) tsu_xbuf_puts(b, "(");
    for (int i = 0; i < plan->n_outputs; i++)
        tsu_xbuf_printf(b, "%s%s", i ? ", " : "", tsu_py_value(plan->outputs[i], var, sizeof var));
    tsu_xbuf_puts(b, plan->n_outputs > 1 ? ")\n" : "\n");
    tsu_xbuf_puts(b,
                  "\n\ndef load_model(path=None):\n"
                  "    \"\"\"TsumikiModel with the weights of a safetensors file (by default the\n"
                  "    exported weights.safetensors), in eval mode.\"\"\"\n"
                  "    if path is None:\n"
                  "        path = os.path.join(os.path.dirname(os.path.abspath(__file__)),\n"
                  "                            \"weights.safetensors\")\n"
                  "    net = TsumikiModel()\n"
                  "    net.load_state_dict(load_safetensors(path), strict=True)\n"
                  "    return net.eval()\n");
}

static void emit_readme(tsu_xbuf *b, const tsu_project *project, const tsu_xplan *plan)
{
    tsu_xbuf_printf(b,
                    "# %s — PyTorch export\n\n"
                    "Written by `tsumiki-cli export --format pytorch`. The network, its trained\n"
                    "weights and its training set-up, ready for PyTorch on one machine or a\n"
                    "cluster.\n\n"
                    "| file | what |\n|---|---|\n"
                    "| `model.py` | `TsumikiModel`, an `nn.Module` built without arguments; "
                    "`load_model()` loads the weights |\n"
                    "| `weights.safetensors` | the trained weights; keys are the `state_dict` keys |\n"
                    "| `train.py` | continues training under DistributedDataParallel |\n"
                    "| `tsumiki_io.py` | safetensors with numpy, Tsumiki's datasets, "
                    "batch normalisation and LR schedule |\n"
                    "| `project.tsumiki` | the project: dataset, optimizer, schedule, epochs |\n\n",
                    tsu_project_name(project));
    tsu_xbuf_puts(b, "## Inference\n\n```python\nfrom model import load_model\n"
                     "net = load_model()\n");
    tsu_xbuf_printf(b, "y = net(x)  # x: [N");
    const tsu_shape *s = tsu_node_shape(plan->inputs[0]);
    for (int d = 0; d < s->ndim; d++) tsu_xbuf_printf(b, ", %d", s->d[d]);
    tsu_xbuf_printf(b, "] float32 -> %s\n```\n\n", tsu_node_id(plan->outputs[0]));
    tsu_xbuf_puts(b,
                  "The outputs equal Tsumiki's own inference (and its ONNX and C exports) for\n"
                  "the same input: losses are left out, layers that act only while training\n"
                  "(dropout, augmentation) pass their input on in `eval()`, and batch\n"
                  "normalisation uses its running statistics.\n\n"
                  "## Training on more machines\n\n"
                  "```sh\n"
                  "python3 train.py                        # one process\n"
                  "torchrun --nproc_per_node=4 train.py    # 4 processes on this machine\n"
                  "# two machines with 8 GPUs each; run on both:\n"
                  "torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d \\\n"
                  "         --rdzv_endpoint=HOST:29400 train.py\n"
                  "```\n\n"
                  "Processes talk over gloo on CPUs and nccl on GPUs. `--batch-size` is the\n"
                  "global batch (each process takes its share); the learning rate, optimizer\n"
                  "and schedule are the project's. Options: `--epochs`, `--lr`, `--limit N`\n"
                  "(a quick run on N samples), `--data-root DIR` (where the dataset paths in\n"
                  "`project.tsumiki` start; by default the original project's directory),\n"
                  "`--weights`, `--from-scratch`, `--out DIR`.\n\n"
                  "Each epoch rank 0 writes `run/weights.safetensors` and `run/history.csv` in\n"
                  "Tsumiki's formats: open the project in Tsumiki and load those weights to\n"
                  "evaluate or export them again.\n\n"
                  "Needs: Python 3, PyTorch, numpy; Pillow (or OpenCV) for image datasets.\n\n"
                  "Debian 12's torch 1.13 under Python 3.11 has a torchrun that cannot parse\n"
                  "its own defaults (`'NoneType' object has no attribute 'get'`); add\n"
                  "`--redirects 1 --tee 1` to the torchrun command there.\n");
}

/* The folder's files into dir. */
static tsu_status write_pytorch_files(const tsu_project *project, const tsu_graph *graph,
                                      tsu_net *net, const char *dir, tsu_diag *diag)
{
    tsu_xplan plan;
    tsu_status st = tsu_xplan_build(graph, &plan, diag);
    if (st != TSU_OK) return st;
    graph = tsu_graph_runnable(graph); /* model.py runs the repeat blocks unrolled */
    st = check_names(&plan, diag);
    if (st == TSU_OK) st = check_kinds(graph, diag);
    if (st == TSU_OK) st = tsu_x_check_weights(&plan, net, diag);
    if (st == TSU_OK) st = tsu_x_mkdir(dir, diag);
    if (st != TSU_OK) {
        tsu_xplan_free(&plan);
        return st;
    }
    char *project_dir = tsu_project_dir(project);
    char data_root[PATH_MAX];
    if (!realpath(project_dir, data_root)) snprintf(data_root, sizeof data_root, "%s", project_dir);
    free(project_dir);

    tsu_xbuf model = {0}, readme = {0};
    emit_model(&model, project, graph, &plan, data_root);
    emit_readme(&readme, project, &plan);
    char *project_text = tsu_project_to_string(project);
    struct {
        const char *name;
        const char *text;
        size_t len;
    } files[] = {
        {"model.py", model.data, model.len},
        {"tsumiki_io.py", tsu_py_tsumiki_io, strlen(tsu_py_tsumiki_io)},
        {"train.py", tsu_py_train, strlen(tsu_py_train)},
        {"README.md", readme.data, readme.len},
        {"project.tsumiki", project_text, strlen(project_text)},
    };
    for (size_t i = 0; i < TSU_ARRAY_LEN(files) && st == TSU_OK; i++) {
        char *path = tsu_x_join(dir, files[i].name);
        st = tsu_write_file_atomic(path, files[i].text, files[i].len, diag);
        free(path);
    }
    if (st == TSU_OK) {
        char *path = tsu_x_join(dir, "weights.safetensors");
        st = tsu_net_save_safetensors(net, path, diag);
        free(path);
    }
    free(project_text);
    tsu_xbuf_free(&model);
    tsu_xbuf_free(&readme);
    tsu_xplan_free(&plan);
    return st;
}

static tsu_status tsu_export_pytorch_body(const tsu_project *project, const tsu_graph *graph, tsu_net *net,
                              const char *dir, tsu_diag *diag)
{
    tsu_xstage stage;
    tsu_status st = tsu_xstage_begin(&stage, dir, diag);
    if (st == TSU_OK) st = write_pytorch_files(project, graph, net, stage.path, diag);
    return tsu_xstage_finish(&stage, st, diag);
}

tsu_status tsu_export_pytorch(const tsu_project *project, const tsu_graph *graph, tsu_net *net,
                              const char *dir, tsu_diag *diag)
{
    tsu_c_numeric scope;
    tsu_c_numeric_begin(&scope);
    tsu_status result = tsu_export_pytorch_body(project, graph, net, dir, diag);
    tsu_c_numeric_end(&scope);
    return result;
}
