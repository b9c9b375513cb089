/* import_onnx_ops.c — ONNX operators to Tsumiki layers, one function each,
 * and the attribute and tensor readers they share with import_onnx.c. */
#include "export/import-onnx.h"

#include <json-c/json.h>
#include <math.h>
#include <string.h>

/* ------------------------------------------------------------ attributes */

const Onnx__AttributeProto *tsu_imp_attr(const Onnx__NodeProto *n, const char *name)
{
    for (size_t i = 0; i < n->n_attribute; i++)
        if (n->attribute[i]->name && !strcmp(n->attribute[i]->name, name)) return n->attribute[i];
    return NULL;
}

int64_t tsu_imp_attr_int(const Onnx__NodeProto *n, const char *name, int64_t def)
{
    const Onnx__AttributeProto *a = tsu_imp_attr(n, name);
    return a && a->has_i ? a->i : def;
}

double tsu_imp_attr_float(const Onnx__NodeProto *n, const char *name, double def)
{
    const Onnx__AttributeProto *a = tsu_imp_attr(n, name);
    return a && a->has_f ? tsu_imp_shortest(a->f) : def;
}

/* A 2-D attribute (kernel, strides, dilations) into out[2]; def when absent. */
bool tsu_imp_attr_pair(ictx *c, const Onnx__NodeProto *n, const char *name, int def, int out[2])
{
    const Onnx__AttributeProto *a = tsu_imp_attr(n, name);
    out[0] = out[1] = def;
    if (!a) return true;
    if (a->n_ints != 2) return tsu_imp_fail(c, n->name, _("%s has %zu values; only 2-D is supported"), name, a->n_ints);
    out[0] = (int)a->ints[0];
    out[1] = (int)a->ints[1];
    return true;
}

/* pads [top, left, bottom, right] must be symmetric: Tsumiki pads both sides alike. */
bool tsu_imp_attr_pads(ictx *c, const Onnx__NodeProto *n, int out[2])
{
    const Onnx__AttributeProto *a = tsu_imp_attr(n, "pads");
    const Onnx__AttributeProto *ap = tsu_imp_attr(n, "auto_pad");
    out[0] = out[1] = 0;
    if (ap && ap->has_s && ap->s.len && strncmp((const char *)ap->s.data, "NOTSET", ap->s.len) &&
        strncmp((const char *)ap->s.data, "VALID", ap->s.len))
        return tsu_imp_fail(c, n->name, _("auto_pad %.*s is not supported (use explicit pads)"), (int)ap->s.len,
                    (const char *)ap->s.data);
    if (!a) return true;
    if (a->n_ints != 4) return tsu_imp_fail(c, n->name, _("pads has %zu values; only 2-D is supported"), a->n_ints);
    if (a->ints[0] != a->ints[2] || a->ints[1] != a->ints[3])
        return tsu_imp_fail(c, n->name, _("asymmetric pads [%lld, %lld, %lld, %lld] are not supported"),
                    (long long)a->ints[0], (long long)a->ints[1], (long long)a->ints[2],
                    (long long)a->ints[3]);
    out[0] = (int)a->ints[0];
    out[1] = (int)a->ints[1];
    return true;
}

/* ------------------------------------------------------------ tensors */

const Onnx__TensorProto *tsu_imp_constant(ictx *c, const Onnx__NodeProto *n, size_t k)
{
    if (k >= n->n_input || !n->input[k][0]) return NULL;
    ivalue *v = tsu_imp_find_value(c, n->input[k]);
    return v ? v->constant : NULL;
}

size_t tsu_imp_tensor_count(const Onnx__TensorProto *t)
{
    size_t n;
    return tsu_size_product(t->dims, t->n_dims, TSU_IMP_MAX_VALUES, &n) ? n : SIZE_MAX;
}

static const char *tensor_name(const Onnx__TensorProto *t)
{
    return t->name && *t->name ? t->name : "(unnamed)";
}

/* Bytes per value in raw_data and how many values the typed field holds,
 * for the types the importer reads; false for the others. */
static bool tensor_layout(const Onnx__TensorProto *t, size_t *width, size_t *typed)
{
    switch (t->data_type) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: *width = 4, *typed = t->n_float_data; return true;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: *width = 8, *typed = t->n_double_data; return true;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: *width = 8, *typed = t->n_int64_data; return true;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: *width = 4, *typed = t->n_int32_data; return true;
    default: return false;
    }
}

bool tsu_imp_check_tensor(ictx *c, const char *what, const Onnx__TensorProto *t)
{
    const char *name = tensor_name(t);
    for (size_t i = 0; i < t->n_dims; i++)
        if (t->dims[i] < 0 || t->dims[i] > INT32_MAX)
            return tsu_imp_malformed(c, what, _("tensor %s: dimension %zu is %lld"), name, i,
                                     (long long)t->dims[i]);
    size_t n = tsu_imp_tensor_count(t), width, typed, bytes;
    if (n == SIZE_MAX)
        return tsu_imp_malformed(c, what, _("tensor %s: its %zu dimensions make more than %zu values"),
                                 name, t->n_dims, TSU_IMP_MAX_VALUES);
    if (t->n_external_data ||
        (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL))
        return tsu_imp_fail(c, what, _("tensor %s is stored outside the model file (external data is "
                                       "not supported)"), name);
    if (!tensor_layout(t, &width, &typed)) return true; /* never read: readers refuse the type */
    if (t->has_raw_data && (!tsu_size_mul(n, width, &bytes) || t->raw_data.len != bytes))
        return tsu_imp_malformed(c, what, _("tensor %s: dimensions give %zu values, raw_data has %zu "
                                            "bytes of %zu each"), name, n, t->raw_data.len, width);
    if (!t->has_raw_data && typed != n)
        return tsu_imp_malformed(c, what, _("tensor %s: dimensions give %zu values, the file has %zu"),
                                 name, n, typed);
    return true;
}

/* A float copy of a FLOAT or DOUBLE tensor, or NULL with a message. The
 * tensor passed tsu_imp_check_tensor, so its data length matches n. */
float *tsu_imp_tensor_floats(ictx *c, const char *node, const Onnx__TensorProto *t)
{
    size_t n = tsu_imp_tensor_count(t), width, typed;
    bool is_float = t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    if (n == SIZE_MAX || !tensor_layout(t, &width, &typed) ||
        (!is_float && t->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE) ||
        (t->has_raw_data ? t->raw_data.len / width : typed) != n) {
        tsu_imp_fail(c, node, _("tensor %s: expected %zu float values (data type %d)"), tensor_name(t),
                     n == SIZE_MAX ? 0 : n, (int)t->data_type);
        return NULL;
    }
    float *out = tsu_xcalloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        if (is_float && t->has_raw_data) memcpy(&out[i], t->raw_data.data + 4 * i, 4);
        else if (is_float) out[i] = t->float_data[i];
        else if (t->has_raw_data) {
            double d;
            memcpy(&d, t->raw_data.data + 8 * i, 8);
            out[i] = (float)d;
        } else out[i] = (float)t->double_data[i];
    }
    return out;
}

/* At most max integers of an INT64 or INT32 tensor (Reshape's shape, Pad's
 * pads), or -1. */
int tsu_imp_tensor_ints(const Onnx__TensorProto *t, int64_t *out, int max)
{
    size_t n = tsu_imp_tensor_count(t), width, typed;
    bool is64 = t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
    if (n == SIZE_MAX || n > (size_t)max || !tensor_layout(t, &width, &typed) ||
        (!is64 && t->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__INT32) ||
        (t->has_raw_data ? t->raw_data.len / width : typed) != n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (is64 && t->has_raw_data) memcpy(&out[i], t->raw_data.data + 8 * i, 8);
        else if (is64) out[i] = t->int64_data[i];
        else {
            int32_t v;
            if (t->has_raw_data) memcpy(&v, t->raw_data.data + 4 * i, 4);
            else v = t->int32_data[i];
            out[i] = v;
        }
    }
    return (int)n;
}

void tsu_imp_add_weight(ictx *c, const char *id, const char *suffix, float *data, size_t size)
{
    if (c->n_weights == c->cap_weights) {
        c->cap_weights = c->cap_weights ? 2 * c->cap_weights : 32;
        c->weights = tsu_xrealloc(c->weights, (size_t)c->cap_weights * sizeof *c->weights);
    }
    iweight *w = &c->weights[c->n_weights++];
    snprintf(w->name, sizeof w->name, "%s.%s", id, suffix);
    w->data = data;
    w->size = size;
}

/* A float constant input k of n as the weight "id.suffix"; false if absent. */
bool tsu_imp_take_weight(ictx *c, const Onnx__NodeProto *n, size_t k, const char *id,
                        const char *suffix, bool required)
{
    const Onnx__TensorProto *t = tsu_imp_constant(c, n, k);
    if (!t) {
        if (required || (k < n->n_input && n->input[k][0]))
            tsu_imp_fail(c, n->name, _("input %zu (%s) must be an initializer"), k,
                 k < n->n_input ? n->input[k] : "missing");
        return false;
    }
    float *data = tsu_imp_tensor_floats(c, n->name, t);
    if (!data) return false;
    tsu_imp_add_weight(c, id, suffix, data, tsu_imp_tensor_count(t));
    return true;
}

/* ------------------------------------------------------------ operators */

/* The node input 0 reads, looking through a pending zero Pad (whose
 * amounts go to extra[]) when the reader can fold it. */
static const char *padded_input(ictx *c, const Onnx__NodeProto *n, int extra[2])
{
    ivalue *v = n->n_input ? tsu_imp_find_value(c, n->input[0]) : NULL;
    extra[0] = extra[1] = 0;
    if (v && v->pad_of) {
        extra[0] = v->pad[0];
        extra[1] = v->pad[1];
        return v->pad_of;
    }
    return tsu_imp_input_node(c, n, 0);
}

static bool import_pad(ictx *c, const Onnx__NodeProto *n)
{
    const Onnx__AttributeProto *mode = tsu_imp_attr(n, "mode");
    if (mode && mode->has_s && mode->s.len && strncmp((const char *)mode->s.data, "constant", mode->s.len))
        return tsu_imp_fail(c, n->name, _("only constant (zero) padding is supported"));
    int64_t pads[8] = {0};
    int np = -1;
    const Onnx__TensorProto *t = tsu_imp_constant(c, n, 1);
    const Onnx__AttributeProto *a = tsu_imp_attr(n, "pads");
    if (t) np = tsu_imp_tensor_ints(t, pads, 8);
    else if (a && a->n_ints == 8) np = 8, memcpy(pads, a->ints, sizeof pads);
    if (np != 8 || pads[0] || pads[1] || pads[4] || pads[5] || pads[2] != pads[6] ||
        pads[3] != pads[7] || pads[2] < 0 || pads[3] < 0 || pads[2] > TSU_IMP_MAX_ATTR ||
        pads[3] > TSU_IMP_MAX_ATTR)
        return tsu_imp_fail(c, n->name, _("Pad is supported on the height and width of [N, C, H, W], the "
                                  "same on both sides"));
    const Onnx__TensorProto *value = tsu_imp_constant(c, n, 2);
    float *v = value && tsu_imp_tensor_count(value) == 1 ? tsu_imp_tensor_floats(c, n->name, value) : NULL;
    bool zero = (!value || (v && v[0] == 0.0f)) && tsu_imp_attr_float(n, "value", 0.0) == 0.0;
    free(v);
    if (!zero) return tsu_imp_fail(c, n->name, _("Pad with a value other than 0 is not supported"));
    const char *src = tsu_imp_input_node(c, n, 0);
    if (!src) return false;
    ivalue *out = tsu_imp_add_value(c, n->output[0]);
    out->pad_of = src;
    out->pad[0] = (int)pads[2];
    out->pad[1] = (int)pads[3];
    return true;
}

static bool import_conv(ictx *c, const Onnx__NodeProto *n, bool transposed)
{
    const char *type = transposed ? "Deconvolution" : "Convolution";
    int extra[2] = {0, 0};
    const char *src = transposed ? tsu_imp_input_node(c, n, 0) : padded_input(c, n, extra);
    const Onnx__TensorProto *w = tsu_imp_constant(c, n, 1);
    if (!src) return false;
    if (!w || w->n_dims != 4) return tsu_imp_fail(c, n->name, _("the weight must be a 4-D initializer"));
    int kernel[2] = {(int)w->dims[2], (int)w->dims[3]}, stride[2], pad[2], dilation[2];
    if (!tsu_imp_attr_pair(c, n, "strides", 1, stride) || !tsu_imp_attr_pads(c, n, pad) ||
        !tsu_imp_attr_pair(c, n, "dilations", 1, dilation))
        return false;
    if (!transposed) pad[0] += extra[0], pad[1] += extra[1];
    int group = (int)tsu_imp_attr_int(n, "group", 1);
    if (transposed && (group != 1 || dilation[0] != 1 || dilation[1] != 1 ||
                       tsu_imp_attr(n, "output_padding") || tsu_imp_attr(n, "output_shape")))
        return tsu_imp_fail(c, n->name, _("ConvTranspose with groups, dilations, output_padding or "
                                  "output_shape is not supported"));
    int outmaps = (int)w->dims[transposed ? 1 : 0];
    /* One input channel per group (weight [C * m, 1, kh, kw], group = C):
     * DepthwiseConvolution, whose weight has that layout. */
    const bool depthwise = !transposed && group > 1 && w->dims[1] == 1 && outmaps % group == 0;
    if (depthwise) type = "DepthwiseConvolution";
    const char *id = tsu_imp_make_id(c, n, type);
    struct json_object *p = json_object_new_object();
    if (depthwise)
        json_object_object_add(p, "multiplier", json_object_new_int(outmaps / group));
    else
        json_object_object_add(p, "outmaps", json_object_new_int(outmaps));
    json_object_object_add(p, "kernel", tsu_imp_pair_json(kernel));
    json_object_object_add(p, "stride", tsu_imp_pair_json(stride));
    json_object_object_add(p, "pad", tsu_imp_pair_json(pad));
    if (!transposed) json_object_object_add(p, "dilation", tsu_imp_pair_json(dilation));
    if (!transposed && !depthwise) json_object_object_add(p, "group", json_object_new_int(group));
    bool bias = n->n_input > 2 && n->input[2][0];
    json_object_object_add(p, "with_bias", json_object_new_boolean(bias));
    tsu_imp_add_node(c, id, type, 1, &src, p);
    if (!tsu_imp_take_weight(c, n, 1, id, "weight", true)) return false;
    if (bias && !tsu_imp_take_weight(c, n, 2, id, "bias", true)) return false;
    tsu_imp_produce(c, n, id);
    return true;
}

/* Gemm as Affine: y = alpha * A B' + beta * C, the scales folded into the weights. */
static bool import_gemm(ictx *c, const Onnx__NodeProto *n)
{
    ivalue *a = n->n_input ? tsu_imp_find_value(c, n->input[0]) : NULL;
    const Onnx__TensorProto *w = tsu_imp_constant(c, n, 1);
    if (!w || w->n_dims != 2) return tsu_imp_fail(c, n->name, _("B must be a 2-D initializer"));
    if (tsu_imp_attr_int(n, "transA", 0)) return tsu_imp_fail(c, n->name, _("transA=1 is not supported"));
    /* Affine flattens by itself: read past a pending Flatten. */
    const char *src = a && a->flat_of ? a->flat_of : tsu_imp_input_node(c, n, 0);
    if (!src) return false;
    bool trans_b = tsu_imp_attr_int(n, "transB", 0) != 0;
    int outmaps = (int)(trans_b ? w->dims[0] : w->dims[1]);
    int in = (int)(trans_b ? w->dims[1] : w->dims[0]);
    double alpha = tsu_imp_attr_float(n, "alpha", 1.0), beta = tsu_imp_attr_float(n, "beta", 1.0);
    bool bias = n->n_input > 2 && n->input[2][0];
    const char *id = tsu_imp_make_id(c, n, "Affine");
    struct json_object *p = json_object_new_object();
    json_object_object_add(p, "outmaps", json_object_new_int(outmaps));
    json_object_object_add(p, "with_bias", json_object_new_boolean(bias));
    tsu_imp_add_node(c, id, "Affine", 1, &src, p);
    float *wd = tsu_imp_tensor_floats(c, n->name, w);
    if (!wd) return false;
    float *weight = tsu_xmalloc((size_t)outmaps * (size_t)in * sizeof *weight);
    for (int o = 0; o < outmaps; o++)
        for (int i = 0; i < in; i++)
            weight[(size_t)o * in + i] =
                (float)(alpha * wd[trans_b ? (size_t)o * in + i : (size_t)i * outmaps + o]);
    free(wd);
    tsu_imp_add_weight(c, id, "weight", weight, (size_t)outmaps * in);
    if (bias) {
        const Onnx__TensorProto *ct = tsu_imp_constant(c, n, 2);
        if (!ct || tsu_imp_tensor_count(ct) != (size_t)outmaps)
            return tsu_imp_fail(c, n->name, _("C must be an initializer of %d values"), outmaps);
        float *b = tsu_imp_tensor_floats(c, n->name, ct);
        if (!b) return false;
        for (int o = 0; o < outmaps; o++) b[o] = (float)(beta * b[o]);
        tsu_imp_add_weight(c, id, "bias", b, (size_t)outmaps);
    }
    tsu_imp_produce(c, n, id);
    return true;
}

static bool import_pool(ictx *c, const Onnx__NodeProto *n, bool max)
{
    int extra[2] = {0, 0};
    const char *src = max ? tsu_imp_input_node(c, n, 0) : padded_input(c, n, extra);
    if (!src) return false;
    int kernel[2], stride[2], pad[2], dilation[2];
    if (!tsu_imp_attr_pair(c, n, "kernel_shape", 1, kernel) || !tsu_imp_attr_pair(c, n, "strides", 1, stride) ||
        !tsu_imp_attr_pads(c, n, pad) || !tsu_imp_attr_pair(c, n, "dilations", 1, dilation))
        return false;
    if (tsu_imp_attr_int(n, "ceil_mode", 0)) return tsu_imp_fail(c, n->name, _("ceil_mode=1 is not supported"));
    if (dilation[0] != 1 || dilation[1] != 1)
        return tsu_imp_fail(c, n->name, _("dilated pooling is not supported"));
    if (!max && (pad[0] || pad[1]) && !tsu_imp_attr_int(n, "count_include_pad", 0))
        return tsu_imp_fail(c, n->name, _("AveragePool with pads needs count_include_pad=1 (Tsumiki "
                                  "counts padding as zeros)"));
    if (n->n_output > 1 && n->output[1][0])
        return tsu_imp_fail(c, n->name, _("the Indices output of MaxPool is not supported"));
    /* Explicit zeros before the pool count in the mean, as Tsumiki's padding does. */
    pad[0] += extra[0];
    pad[1] += extra[1];
    const char *type = max ? "MaxPooling" : "AveragePooling";
    const char *id = tsu_imp_make_id(c, n, type);
    struct json_object *p = json_object_new_object();
    json_object_object_add(p, "kernel", tsu_imp_pair_json(kernel));
    json_object_object_add(p, "stride", tsu_imp_pair_json(stride));
    json_object_object_add(p, "pad", tsu_imp_pair_json(pad));
    tsu_imp_add_node(c, id, type, 1, &src, p);
    tsu_imp_produce(c, n, id);
    return true;
}

static bool import_batchnorm(ictx *c, const Onnx__NodeProto *n)
{
    const char *src = tsu_imp_input_node(c, n, 0);
    if (!src) return false;
    if (tsu_imp_attr_int(n, "training_mode", 0)) return tsu_imp_fail(c, n->name, _("training_mode=1 is not supported"));
    const char *id = tsu_imp_make_id(c, n, "BatchNormalization");
    struct json_object *p = json_object_new_object();
    double eps = tsu_imp_attr_float(n, "epsilon", 1e-5), momentum = tsu_imp_attr_float(n, "momentum", 0.9);
    if (eps != 1e-5) json_object_object_add(p, "eps", json_object_new_double(eps));
    if (momentum != 0.9) json_object_object_add(p, "momentum", json_object_new_double(momentum));
    tsu_imp_add_node(c, id, "BatchNormalization", 1, &src, p);
    const char *suffixes[4] = {"weight", "bias", "running_mean", "running_var"};
    for (size_t k = 0; k < 4; k++)
        if (!tsu_imp_take_weight(c, n, k + 1, id, suffixes[k], true)) return false;
    tsu_imp_produce(c, n, id);
    return true;
}

/* One input, one output, maybe one float parameter. */
static bool import_simple(ictx *c, const Onnx__NodeProto *n, const char *type,
                          const char *param, double value, double def)
{
    const char *src = tsu_imp_input_node(c, n, 0);
    if (!src) return false;
    const char *id = tsu_imp_make_id(c, n, type);
    struct json_object *p = json_object_new_object();
    if (param && value != def) json_object_object_add(p, param, json_object_new_double(value));
    tsu_imp_add_node(c, id, type, 1, &src, p);
    tsu_imp_produce(c, n, id);
    return true;
}

static bool import_softmax(ictx *c, const Onnx__NodeProto *n)
{
    const char *src = tsu_imp_input_node(c, n, 0);
    tsu_shape s;
    if (!src || !tsu_imp_shape_of(c, src, &s)) return false;
    int rank = s.ndim + 1;
    int64_t axis = tsu_imp_attr_int(n, "axis", c->opset >= 13 ? -1 : 1);
    if (axis < 0) axis += rank;
    size_t spatial = tsu_shape_size(&s) / (size_t)s.d[0];
    /* Before opset 13 Softmax normalises over all axes from `axis` on; that
     * is Tsumiki's channel softmax only when nothing follows the channels. */
    if (axis != 1 || (c->opset < 13 && spatial != 1))
        return tsu_imp_fail(c, n->name, _("Softmax over axis %lld of a rank-%d tensor is not supported "
                                  "(Tsumiki's Softmax is over the channels, axis 1)"),
                    (long long)axis, rank);
    const char *id = tsu_imp_make_id(c, n, "Softmax");
    tsu_imp_add_node(c, id, "Softmax", 1, &src, NULL);
    tsu_imp_produce(c, n, id);
    return true;
}

static bool import_flatten(ictx *c, const Onnx__NodeProto *n)
{
    if (tsu_imp_attr_int(n, "axis", 1) != 1) return tsu_imp_fail(c, n->name, _("Flatten is supported for axis=1 only"));
    const char *src = tsu_imp_input_node(c, n, 0);
    if (!src) return false;
    /* Made into a node only if something other than Gemm reads it. */
    ivalue *v = tsu_imp_add_value(c, n->output[0]);
    v->flat_of = src;
    v->flat_name = tsu_imp_keep(c, n->name ? n->name : n->output[0]);
    return true;
}

static bool import_reshape(ictx *c, const Onnx__NodeProto *n)
{
    const char *src = tsu_imp_input_node(c, n, 0);
    const Onnx__TensorProto *t = tsu_imp_constant(c, n, 1);
    tsu_shape in;
    if (!src || !tsu_imp_shape_of(c, src, &in)) return false;
    int64_t dims[TSU_MAX_DIMS + 2];
    int nd = t ? tsu_imp_tensor_ints(t, dims, TSU_MAX_DIMS + 1) : -1;
    if (nd < 2) return tsu_imp_fail(c, n->name, _("the shape must be an initializer of 2 to %d integers"), TSU_MAX_DIMS + 1);
    /* dims[0] is the batch axis, whatever the file says (0, -1 or a fixed 1). */
    int target[TSU_MAX_DIMS], unknown = -1;
    size_t known = 1;
    for (int i = 1; i < nd; i++) {
        int64_t d = dims[i];
        if (d == 0 && i - 1 < in.ndim) d = in.d[i - 1];
        if (d == -1 && unknown < 0) {
            unknown = i - 1;
            continue;
        }
        if (d <= 0 || d > TSU_IMP_MAX_ATTR || !tsu_size_mul(known, (size_t)d, &known))
            return tsu_imp_fail(c, n->name, _("shape value %lld is not supported"), (long long)dims[i]);
        target[i - 1] = (int)d;
    }
    if (unknown >= 0) {
        size_t rest = tsu_shape_size(&in) / known;
        if (rest < 1 || rest > TSU_IMP_MAX_ATTR)
            return tsu_imp_fail(c, n->name, _("shape value -1 stands for %zu values"), rest);
        target[unknown] = (int)rest;
    }
    const char *id = tsu_imp_make_id(c, n, "Reshape");
    struct json_object *p = json_object_new_object(), *arr = json_object_new_array();
    for (int i = 0; i < nd - 1; i++) json_object_array_add(arr, json_object_new_int(target[i]));
    json_object_object_add(p, "shape", arr);
    tsu_imp_add_node(c, id, "Reshape", 1, &src, p);
    tsu_imp_produce(c, n, id);
    return true;
}

static bool import_concat(ictx *c, const Onnx__NodeProto *n)
{
    const char **srcs = tsu_xcalloc(n->n_input + 1, sizeof *srcs);
    bool ok = n->n_input >= 2;
    for (size_t k = 0; ok && k < n->n_input; k++) ok = (srcs[k] = tsu_imp_input_node(c, n, k)) != NULL;
    tsu_shape s;
    if (ok) ok = tsu_imp_shape_of(c, srcs[0], &s);
    int64_t axis = tsu_imp_attr_int(n, "axis", 1);
    if (ok && axis < 0) axis += s.ndim + 1;
    if (ok && axis < 1) ok = tsu_imp_fail(c, n->name, _("Concat over the batch axis is not supported"));
    if (ok) {
        const char *id = tsu_imp_make_id(c, n, "Concatenate");
        struct json_object *p = json_object_new_object();
        if (axis != 1) json_object_object_add(p, "axis", json_object_new_int((int)axis - 1));
        tsu_imp_add_node(c, id, "Concatenate", (int)n->n_input, srcs, p);
        tsu_imp_produce(c, n, id);
    }
    free(srcs);
    return ok;
}

/* How many nodes (and graph outputs) read the value `name`. */
static int readers(const ictx *c, const char *name)
{
    int n = 0;
    for (size_t i = 0; i < c->graph->n_node; i++)
        for (size_t k = 0; k < c->graph->node[i]->n_input; k++)
            n += !strcmp(c->graph->node[i]->input[k], name);
    for (size_t i = 0; i < c->graph->n_output; i++) n += !strcmp(c->graph->output[i]->name, name);
    return n;
}

/* MatMul by a constant [in, out] matrix: an Affine without bias (yet). */
static bool import_matmul(ictx *c, const Onnx__NodeProto *n)
{
    ivalue *a = n->n_input ? tsu_imp_find_value(c, n->input[0]) : NULL;
    const Onnx__TensorProto *w = tsu_imp_constant(c, n, 1);
    if (!w || w->n_dims != 2) return tsu_imp_fail(c, n->name, _("B must be a 2-D initializer"));
    const char *src = a && a->flat_of ? a->flat_of : tsu_imp_input_node(c, n, 0);
    tsu_shape in;
    if (!src || !tsu_imp_shape_of(c, src, &in)) return false;
    if (!(a && a->flat_of) && in.ndim != 1)
        return tsu_imp_fail(c, n->name, _("MatMul is supported on [N, features] inputs only"));
    int rows = (int)w->dims[0], outmaps = (int)w->dims[1];
    const char *id = tsu_imp_make_id(c, n, "Affine");
    struct json_object *p = json_object_new_object();
    json_object_object_add(p, "outmaps", json_object_new_int(outmaps));
    json_object_object_add(p, "with_bias", json_object_new_boolean(false));
    tsu_imp_add_node(c, id, "Affine", 1, &src, p);
    float *wd = tsu_imp_tensor_floats(c, n->name, w);
    if (!wd) return false;
    float *weight = tsu_xmalloc((size_t)outmaps * (size_t)rows * sizeof *weight);
    for (int o = 0; o < outmaps; o++)
        for (int i = 0; i < rows; i++) weight[(size_t)o * rows + i] = wd[(size_t)i * outmaps + o];
    free(wd);
    tsu_imp_add_weight(c, id, "weight", weight, (size_t)outmaps * rows);
    tsu_imp_produce(c, n, id);
    c->values[c->n_values - 1].bias_free = id;
    return true;
}

/* x + b right after MatMul (and nothing else reading the MatMul): the bias. */
static bool fold_bias(ictx *c, const Onnx__NodeProto *n, int value_at)
{
    ivalue *v = tsu_imp_find_value(c, n->input[value_at]);
    const Onnx__TensorProto *b = tsu_imp_constant(c, n, (size_t)(1 - value_at));
    if (!v || !v->bias_free || readers(c, n->input[value_at]) != 1) return false;
    struct json_object *node = tsu_project_find_node(c->project, v->bias_free), *params, *outmaps;
    if (!json_object_object_get_ex(node, "params", &params) ||
        !json_object_object_get_ex(params, "outmaps", &outmaps) ||
        tsu_imp_tensor_count(b) != (size_t)json_object_get_int(outmaps))
        return false;
    float *bias = tsu_imp_tensor_floats(c, n->name, b);
    if (!bias) return false;
    json_object_object_del(params, "with_bias"); /* true is the default */
    tsu_imp_add_weight(c, v->bias_free, "bias", bias, tsu_imp_tensor_count(b));
    const char *id = v->bias_free;
    v->bias_free = NULL;
    tsu_imp_add_value(c, n->output[0])->node = id;
    return true;
}

static bool import_add(ictx *c, const Onnx__NodeProto *n)
{
    bool const0 = n->n_input == 2 && tsu_imp_constant(c, n, 0);
    bool const1 = n->n_input == 2 && tsu_imp_constant(c, n, 1);
    if (const0 != const1 && fold_bias(c, n, const0 ? 1 : 0)) return true;
    if (c->failed) return false;
    if (n->n_input != 2 || tsu_imp_constant(c, n, 0) || tsu_imp_constant(c, n, 1))
        return tsu_imp_fail(c, n->name, _("Add is supported between two computed tensors (Add2) "
                                          "or as the bias right after MatMul, not with another "
                                          "constant"));
    const char *srcs[2] = {tsu_imp_input_node(c, n, 0), tsu_imp_input_node(c, n, 1)};
    if (!srcs[0] || !srcs[1]) return false;
    const char *id = tsu_imp_make_id(c, n, "Add2");
    tsu_imp_add_node(c, id, "Add2", 2, srcs, NULL);
    tsu_imp_produce(c, n, id);
    return true;
}

/* Dropout in inference: no training_mode input, or a constant false one,
 * and no mask output (Tsumiki's Dropout is the identity at inference). */
static bool dropout_for_inference(ictx *c, const Onnx__NodeProto *n)
{
    if (n->n_output > 1 && n->output[1][0])
        return tsu_imp_fail(c, n->name, _("the mask output is not supported"));
    if (n->n_input < 3 || !n->input[2][0]) return true;
    const Onnx__TensorProto *t = tsu_imp_constant(c, n, 2);
    bool off = t && t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__BOOL &&
               tsu_imp_tensor_count(t) == 1 &&
               ((t->raw_data.len == 1 && t->raw_data.data[0] == 0) ||
                (t->n_int32_data == 1 && t->int32_data[0] == 0));
    return off || tsu_imp_fail(c, n->name, _("training_mode must be a constant false (import is "
                                             "for inference)"));
}

static bool import_dropout(ictx *c, const Onnx__NodeProto *n)
{
    if (!dropout_for_inference(c, n)) return false;
    double p = tsu_imp_attr_float(n, "ratio", 0.5);
    const Onnx__TensorProto *t = tsu_imp_constant(c, n, 1);
    if (t && tsu_imp_tensor_count(t) == 1) {
        float *v = tsu_imp_tensor_floats(c, n->name, t);
        if (!v) return false;
        p = tsu_imp_shortest(v[0]);
        free(v);
        if (!isfinite(p)) return tsu_imp_fail(c, n->name, _("ratio is %g"), p);
    }
    if (p <= 0.0) {
        ivalue *src = tsu_imp_find_value(c, n->input[0]);
        if (!src) return tsu_imp_fail(c, n->name, _("unknown input %s"), n->input[0]);
        ivalue copy = *src;
        *tsu_imp_add_value(c, n->output[0]) = copy;
        c->values[c->n_values - 1].name = tsu_imp_keep(c, n->output[0]);
        return true;
    }
    return import_simple(c, n, "Dropout", "p", p, 0.5);
}

/* Identity (and Dropout with ratio 0): the output is the input. */
static bool import_alias(ictx *c, const Onnx__NodeProto *n)
{
    ivalue *src = n->n_input ? tsu_imp_find_value(c, n->input[0]) : NULL;
    if (!src) return tsu_imp_fail(c, n->name, _("unknown input %s"), n->n_input ? n->input[0] : "(none)");
    ivalue copy = *src;
    ivalue *v = tsu_imp_add_value(c, n->output[0]);
    const char *name = v->name;
    *v = copy;
    v->name = name;
    return true;
}

/* ----------------------------------------------- decompositions and kin
 *
 * Opset 13 has no GELU, Swish or LayerNormalization: torch.onnx (and our
 * own export) writes them as chains of small operators. Each chain is
 * recognised at its first node, imported as one layer, and its inner
 * values marked absorbed, so that the chain's other nodes import nothing.
 * A chain is taken only when nothing outside it reads its inner values. */

static bool op_is(const Onnx__NodeProto *n, const char *op)
{
    return n && !strcmp(n->op_type, op) && n->n_output >= 1;
}

/* The one node reading value `name`, or NULL when there are more readers
 * (a graph output counts as one) or none. */
static const Onnx__NodeProto *sole_reader(const ictx *c, const char *name)
{
    if (readers(c, name) != 1) return NULL;
    for (size_t i = 0; i < c->graph->n_node; i++)
        for (size_t k = 0; k < c->graph->node[i]->n_input; k++)
            if (!strcmp(c->graph->node[i]->input[k], name)) return c->graph->node[i];
    return NULL;
}

/* Of a two-input node reading `name`, the other input; NULL otherwise. */
static const char *other_input(const Onnx__NodeProto *n, const char *name)
{
    if (!n || n->n_input != 2) return NULL;
    if (!strcmp(n->input[0], name)) return n->input[1];
    if (!strcmp(n->input[1], name)) return n->input[0];
    return NULL;
}

/* The constant named `name`: an initializer, or a Constant node's value
 * even where that node comes later in the graph than the chain's first
 * node (torch.onnx writes the constants of a chain beside their readers). */
static const Onnx__TensorProto *constant_named(ictx *c, const char *name)
{
    ivalue *v = name ? tsu_imp_find_value(c, name) : NULL;
    if (v) return v->constant;
    for (size_t i = 0; name && i < c->graph->n_node; i++) {
        const Onnx__NodeProto *n = c->graph->node[i];
        if (op_is(n, "Constant") && !strcmp(n->output[0], name)) {
            /* Not yet imported, so not yet checked against its dims. */
            const Onnx__AttributeProto *a = tsu_imp_attr(n, "value");
            return a && a->t && tsu_imp_check_tensor(c, name, a->t) ? a->t : NULL;
        }
    }
    return NULL;
}

/* A float constant of one value named `name`, within a relative 1e-5 of
 * `want` when want is not NAN; its value in *out. */
static bool scalar_is(ictx *c, const char *name, double want, float *out)
{
    const Onnx__TensorProto *t = constant_named(c, name);
    if (!t || tsu_imp_tensor_count(t) != 1) return false;
    const int type = t->data_type;
    if (type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT && type != ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE)
        return false;
    float *f = tsu_imp_tensor_floats(c, name, t);
    if (!f) return false;
    float got = f[0];
    free(f);
    if (out) *out = got;
    return isnan(want) || fabs(got - want) <= 1e-5 * fabs(want);
}

/* Marks the outputs of a chain's inner nodes absorbed; the last node's
 * output is the layer's. */
static void absorb_chain(ictx *c, const Onnx__NodeProto *const *chain, int n, const char *id)
{
    for (int i = 0; i < n - 1; i++) tsu_imp_add_value(c, chain[i]->output[0])->absorbed = true;
    tsu_imp_add_value(c, chain[n - 1]->output[0])->node = id;
}

/* A node reading an absorbed value belongs to a chain already imported. */
static bool in_absorbed_chain(ictx *c, const Onnx__NodeProto *n)
{
    for (size_t k = 0; k < n->n_input; k++) {
        ivalue *v = n->input[k][0] ? tsu_imp_find_value(c, n->input[k]) : NULL;
        if (v && v->absorbed) return true;
    }
    return false;
}

/* A chain of single-input layer type `type` from src over `chain`. */
static bool import_chain(ictx *c, const Onnx__NodeProto *const *chain, int n, const char *type,
                         struct json_object *params)
{
    const char *src = tsu_imp_input_node(c, chain[0], 0);
    if (!src) {
        json_object_put(params);
        return false;
    }
    /* Named after the last node, which carries the layer id in our exports. */
    const char *id = tsu_imp_make_id(c, chain[n - 1], type);
    tsu_imp_add_node(c, id, type, 1, &src, params);
    absorb_chain(c, chain, n, id);
    return true;
}

/* GELU: Div(x, sqrt 2) -> Erf -> Add(1) -> Mul(x) -> Mul(0.5). */
static bool import_div(ictx *c, const Onnx__NodeProto *n)
{
    const Onnx__NodeProto *chain[5] = {n};
    const char *x = n->n_input == 2 ? n->input[0] : NULL;
    bool ok = x && scalar_is(c, n->input[1], M_SQRT2, NULL);
    if (ok) ok = op_is(chain[1] = sole_reader(c, n->output[0]), "Erf");
    if (ok) ok = op_is(chain[2] = sole_reader(c, chain[1]->output[0]), "Add") &&
                 scalar_is(c, other_input(chain[2], chain[1]->output[0]), 1.0, NULL);
    if (ok) {
        chain[3] = sole_reader(c, chain[2]->output[0]);
        const char *other = other_input(chain[3], chain[2]->output[0]);
        ok = op_is(chain[3], "Mul") && other && !strcmp(other, x);
    }
    if (ok) ok = op_is(chain[4] = sole_reader(c, chain[3]->output[0]), "Mul") &&
                 scalar_is(c, other_input(chain[4], chain[3]->output[0]), 0.5, NULL);
    if (c->failed) return false;
    if (!ok)
        return tsu_imp_fail(c, n->name, _("Div is imported only as the start of GELU: "
                                          "Div(x, sqrt 2), Erf, Add 1, Mul x, Mul 0.5"));
    return import_chain(c, chain, 5, "GELU", NULL);
}

/* Sigmoid(x) read only by Mul(x, Sigmoid(x)) is Swish. */
static bool import_sigmoid(ictx *c, const Onnx__NodeProto *n)
{
    const Onnx__NodeProto *mul = n->n_input == 1 ? sole_reader(c, n->output[0]) : NULL;
    const char *other = other_input(mul, n->output[0]);
    if (op_is(mul, "Mul") && other && !strcmp(other, n->input[0])) {
        const Onnx__NodeProto *chain[2] = {n, mul};
        return import_chain(c, chain, 2, "Swish", NULL);
    }
    return import_simple(c, n, "Sigmoid", NULL, 0, 0);
}

/* ReduceMean over every non-batch axis of x, keepdims. */
static bool reduces_sample(ictx *c, const Onnx__NodeProto *n, const char *src)
{
    tsu_shape s;
    const Onnx__AttributeProto *a = tsu_imp_attr(n, "axes");
    if (!a || !src || !tsu_imp_shape_of(c, src, &s) || (int)a->n_ints != s.ndim ||
        !tsu_imp_attr_int(n, "keepdims", 1))
        return false;
    unsigned seen = 0;
    for (size_t i = 0; i < a->n_ints; i++) {
        int64_t axis = a->ints[i] < 0 ? a->ints[i] + s.ndim + 1 : a->ints[i];
        if (axis < 1 || axis > s.ndim) return false;
        seen |= 1u << axis;
    }
    return seen == ((1u << (s.ndim + 1)) - 2);
}

/* The LayerNorm chain as torch.onnx writes it for opset 13:
 * m = ReduceMean(x); d = Sub(x, m); v = ReduceMean(Pow(d, 2)) (or Mul(d, d));
 * y = Div(d, Sqrt(Add(v, eps))) * weight + bias. chain[] gets its 9 nodes
 * (Pow or Mul); false if the graph differs. */
static bool match_layernorm(ictx *c, const Onnx__NodeProto *n, const char *src,
                            const Onnx__NodeProto *chain[9], float *eps)
{
    const char *x = n->input[0];
    chain[0] = n;
    if (!reduces_sample(c, n, src)) return false;
    chain[1] = sole_reader(c, n->output[0]);
    if (!op_is(chain[1], "Sub") || strcmp(chain[1]->input[0], x) || strcmp(chain[1]->input[1], n->output[0]))
        return false;
    /* d is read by the square (twice when it is Mul(d, d)) and the Div only. */
    const char *d = chain[1]->output[0];
    const Onnx__NodeProto *sq = NULL, *div = NULL;
    for (size_t i = 0; i < c->graph->n_node; i++) {
        const Onnx__NodeProto *r = c->graph->node[i];
        if (r->n_input < 1 || r->n_output < 1) continue;
        if (op_is(r, "Div") && r->n_input == 2 && !strcmp(r->input[0], d)) div = r;
        else if (op_is(r, "Pow") && r->n_input == 2 && !strcmp(r->input[0], d) &&
                 scalar_is(c, r->input[1], 2.0, NULL))
            sq = r;
        else if (op_is(r, "Mul") && r->n_input == 2 && !strcmp(r->input[0], d) &&
                 !strcmp(r->input[1], d))
            sq = r;
    }
    if (!sq || !div || readers(c, d) != (op_is(sq, "Mul") ? 3 : 2)) return false;
    chain[2] = sq;
    chain[3] = sole_reader(c, sq->output[0]);
    if (!op_is(chain[3], "ReduceMean") || !reduces_sample(c, chain[3], src)) return false;
    chain[4] = sole_reader(c, chain[3]->output[0]);
    if (!op_is(chain[4], "Add") || !scalar_is(c, other_input(chain[4], chain[3]->output[0]), NAN, eps))
        return false;
    chain[5] = sole_reader(c, chain[4]->output[0]);
    if (!op_is(chain[5], "Sqrt") || sole_reader(c, chain[5]->output[0]) != div ||
        strcmp(div->input[1], chain[5]->output[0]))
        return false;
    chain[6] = div;
    chain[7] = sole_reader(c, div->output[0]);
    if (!op_is(chain[7], "Mul") || strcmp(chain[7]->input[0], div->output[0]) ||
        !constant_named(c, chain[7]->input[1]))
        return false;
    chain[8] = sole_reader(c, chain[7]->output[0]);
    return op_is(chain[8], "Add") && !strcmp(chain[8]->input[0], chain[7]->output[0]) &&
           constant_named(c, chain[8]->input[1]);
}

static bool import_reducemean(ictx *c, const Onnx__NodeProto *n)
{
    const char *src = n->n_input == 1 ? tsu_imp_input_node(c, n, 0) : NULL;
    if (!src) return false;
    const Onnx__NodeProto *chain[9];
    float eps = 0.0f;
    if (!match_layernorm(c, n, src, chain, &eps)) {
        if (c->failed) return false;
        return tsu_imp_fail(c, n->name, _("ReduceMean is imported only as the start of LayerNorm "
                                          "over all non-batch axes: ReduceMean, Sub, Pow 2, "
                                          "ReduceMean, Add eps, Sqrt, Div, Mul weight, Add bias"));
    }
    if (!(eps > 0.0f))
        return tsu_imp_fail(c, chain[4]->name, _("LayerNorm epsilon %g is not positive"), eps);
    tsu_shape s;
    if (!tsu_imp_shape_of(c, src, &s)) return false;
    struct json_object *p = json_object_new_object();
    json_object_object_add(p, "eps", json_object_new_double(tsu_imp_shortest(eps)));
    if (!import_chain(c, chain, 9, "LayerNormalization", p)) return false;
    const char *id = tsu_imp_find_value(c, chain[8]->output[0])->node;
    const char *suffixes[2] = {"weight", "bias"};
    for (int k = 0; k < 2; k++) {
        const Onnx__TensorProto *t = constant_named(c, chain[7 + k]->input[1]);
        if (tsu_imp_tensor_count(t) != tsu_shape_size(&s))
            return tsu_imp_fail(c, chain[7 + k]->name, _("LayerNorm %s has %zu values, not one per "
                                  "value of a sample (%zu)"), suffixes[k], tsu_imp_tensor_count(t),
                                tsu_shape_size(&s));
        float *data = tsu_imp_tensor_floats(c, chain[7 + k]->name, t);
        if (!data) return false;
        tsu_imp_add_weight(c, id, suffixes[k], data, tsu_shape_size(&s));
    }
    return true;
}

/* Mul and Sub of two computed tensors; Tsumiki's broadcast is checked when
 * the graph is built. */
static bool import_binary(ictx *c, const Onnx__NodeProto *n, const char *type)
{
    if (n->n_input != 2 || tsu_imp_constant(c, n, 0) || tsu_imp_constant(c, n, 1))
        return tsu_imp_fail(c, n->name, _("%s is supported between two computed tensors (%s2), "
                                          "not with a constant"), n->op_type, n->op_type);
    const char *srcs[2] = {tsu_imp_input_node(c, n, 0), tsu_imp_input_node(c, n, 1)};
    if (!srcs[0] || !srcs[1]) return false;
    const char *id = tsu_imp_make_id(c, n, type);
    tsu_imp_add_node(c, id, type, 2, srcs, NULL);
    tsu_imp_produce(c, n, id);
    return true;
}

/* PRelu with a constant slope: one per channel, or one for all (PyTorch's
 * nn.PReLU() default), copied to every channel. */
static bool import_prelu(ictx *c, const Onnx__NodeProto *n)
{
    const char *src = tsu_imp_input_node(c, n, 0);
    const Onnx__TensorProto *t = tsu_imp_constant(c, n, 1);
    tsu_shape s;
    if (!src || !tsu_imp_shape_of(c, src, &s)) return false;
    size_t count = t ? tsu_imp_tensor_count(t) : 0, channels = (size_t)s.d[0];
    if (count != 1 && count != channels)
        return tsu_imp_fail(c, n->name, _("the slope must be an initializer of 1 or %zu values "
                                          "(one per channel)"), channels);
    float *slope = tsu_imp_tensor_floats(c, n->name, t);
    if (!slope) return false;
    float *weight = tsu_xcalloc(channels, sizeof *weight);
    for (size_t i = 0; i < channels; i++) weight[i] = slope[count == 1 ? 0 : i];
    free(slope);
    const char *id = tsu_imp_make_id(c, n, "PReLU");
    tsu_imp_add_node(c, id, "PReLU", 1, &src, NULL);
    tsu_imp_add_weight(c, id, "weight", weight, channels);
    tsu_imp_produce(c, n, id);
    return true;
}

/* SELU's constants are fixed in Tsumiki: the file's must be the defaults. */
static bool import_selu(ictx *c, const Onnx__NodeProto *n)
{
    double alpha = tsu_imp_attr_float(n, "alpha", 1.67326319217681884765625);
    double gamma = tsu_imp_attr_float(n, "gamma", 1.05070102214813232421875);
    if (fabs(alpha - 1.6732632423543772) > 1e-6 || fabs(gamma - 1.0507009873554805) > 1e-6)
        return tsu_imp_fail(c, n->name, _("Selu with alpha %g, gamma %g is not supported (Tsumiki's "
                                          "SELU has PyTorch's constants)"), alpha, gamma);
    return import_simple(c, n, "SELU", NULL, 0, 0);
}

/* A string attribute equal to one of two values (b may be NULL); `def` when absent. */
static bool attr_string_is(const Onnx__NodeProto *n, const char *name, const char *def,
                           const char *a, const char *b)
{
    const Onnx__AttributeProto *at = tsu_imp_attr(n, name);
    size_t len = at && at->has_s ? at->s.len : strlen(def);
    const char *v = at && at->has_s ? (const char *)at->s.data : def;
    return (strlen(a) == len && !strncmp(v, a, len)) || (b && strlen(b) == len && !strncmp(v, b, len));
}

/* Resize (opset 11+: X, roi, scales, sizes) and Upsample (X, scales),
 * nearest, as Unpooling: integer scales [1, 1, kh, kw] that copy blocks.
 * asymmetric + floor copies blocks; so do half_pixel's two roundings, as
 * output q k + r maps to q + (r + 0.5) / k - 0.5, within 0.5 of q. */
static bool import_resize(ictx *c, const Onnx__NodeProto *n)
{
    const char *src = tsu_imp_input_node(c, n, 0);
    tsu_shape s;
    if (!src || !tsu_imp_shape_of(c, src, &s)) return false;
    if (s.ndim != 3) return tsu_imp_fail(c, n->name, _("%s is supported on [N, C, H, W] only"), n->op_type);
    bool upsample = !strcmp(n->op_type, "Upsample");
    if (!attr_string_is(n, "mode", "nearest", "nearest", NULL))
        return tsu_imp_fail(c, n->name, _("only mode nearest is supported"));
    bool asymmetric_floor = attr_string_is(n, "coordinate_transformation_mode", "half_pixel",
                                           "asymmetric", NULL) &&
                            attr_string_is(n, "nearest_mode", "round_prefer_floor", "floor", NULL);
    bool half_pixel = attr_string_is(n, "coordinate_transformation_mode", "half_pixel", "half_pixel",
                                     "pytorch_half_pixel") &&
                      attr_string_is(n, "nearest_mode", "round_prefer_floor", "round_prefer_floor",
                                     "round_prefer_ceil");
    if (!upsample && !asymmetric_floor && !half_pixel)
        return tsu_imp_fail(c, n->name, _("coordinate_transformation_mode and nearest_mode must be "
                                          "asymmetric + floor or half_pixel + round_prefer_floor"));
    double scale[4];
    const Onnx__TensorProto *scales = tsu_imp_constant(c, n, upsample ? 1 : 2);
    const Onnx__TensorProto *sizes = upsample ? NULL : tsu_imp_constant(c, n, 3);
    if (scales && tsu_imp_tensor_count(scales) == 4) {
        float *f = tsu_imp_tensor_floats(c, n->name, scales);
        if (!f) return false;
        for (int i = 0; i < 4; i++) scale[i] = f[i];
        free(f);
    } else if (sizes && tsu_imp_tensor_count(sizes) == 4) {
        int64_t v[4];
        if (tsu_imp_tensor_ints(sizes, v, 4) != 4)
            return tsu_imp_fail(c, n->name, _("sizes must be 4 integers"));
        scale[0] = scale[1] = 1.0;
        scale[2] = (double)v[2] / s.d[1];
        scale[3] = (double)v[3] / s.d[2];
    } else {
        return tsu_imp_fail(c, n->name, _("scales (or sizes) must be an initializer of 4 values"));
    }
    int kernel[2];
    for (int i = 0; i < 2; i++) {
        double k = scale[2 + i];
        if (!(k >= 1.0 && k <= 1024.0) || k != floor(k))
            return tsu_imp_fail(c, n->name, _("scale %g is not a whole number from 1 to 1024"), k);
        kernel[i] = (int)k;
    }
    if (scale[0] != 1.0 || scale[1] != 1.0)
        return tsu_imp_fail(c, n->name, _("only H and W may be scaled (scales %g, %g, ...)"), scale[0],
                            scale[1]);
    const char *id = tsu_imp_make_id(c, n, "Unpooling");
    struct json_object *p = json_object_new_object();
    json_object_object_add(p, "kernel", tsu_imp_pair_json(kernel));
    tsu_imp_add_node(c, id, "Unpooling", 1, &src, p);
    tsu_imp_produce(c, n, id);
    return true;
}

/* Erf, Pow and Sqrt outside the chains above. */
static bool import_chain_only(ictx *c, const Onnx__NodeProto *n)
{
    return tsu_imp_fail(c, n->name, _("%s is imported only inside %s"), n->op_type,
                        !strcmp(n->op_type, "Erf") ? "GELU (Div, Erf, Add, Mul, Mul)"
                                                   : "LayerNorm (ReduceMean, Sub, Pow, ReduceMean, "
                                                     "Add, Sqrt, Div, Mul, Add)");
}

bool tsu_imp_import_node(ictx *c, const Onnx__NodeProto *node)
{
    /* Unnamed nodes go by their first output in messages and ids. A shallow
     * copy: the unpacked message must keep its own pointers for freeing. */
    Onnx__NodeProto named = *node;
    if (!named.name || !*named.name) named.name = named.n_output ? named.output[0] : named.op_type;
    const Onnx__NodeProto *n = &named;
    const char *op = n->op_type;
    if (in_absorbed_chain(c, n)) return true;
    if (!strcmp(op, "Conv")) return import_conv(c, n, false);
    if (!strcmp(op, "ConvTranspose")) return import_conv(c, n, true);
    if (!strcmp(op, "Gemm")) return import_gemm(c, n);
    if (!strcmp(op, "MatMul")) return import_matmul(c, n);
    if (!strcmp(op, "MaxPool")) return import_pool(c, n, true);
    if (!strcmp(op, "AveragePool")) return import_pool(c, n, false);
    if (!strcmp(op, "GlobalAveragePool")) return import_simple(c, n, "GlobalAveragePooling", NULL, 0, 0);
    if (!strcmp(op, "BatchNormalization")) return import_batchnorm(c, n);
    if (!strcmp(op, "Relu")) return import_simple(c, n, "ReLU", NULL, 0, 0);
    if (!strcmp(op, "Sigmoid")) return import_sigmoid(c, n);
    if (!strcmp(op, "Tanh")) return import_simple(c, n, "Tanh", NULL, 0, 0);
    if (!strcmp(op, "LeakyRelu"))
        return import_simple(c, n, "LeakyReLU", "alpha", tsu_imp_attr_float(n, "alpha", 0.01), 0.1);
    if (!strcmp(op, "Elu")) return import_simple(c, n, "ELU", "alpha", tsu_imp_attr_float(n, "alpha", 1.0), 1.0);
    if (!strcmp(op, "Softmax")) return import_softmax(c, n);
    if (!strcmp(op, "Flatten")) return import_flatten(c, n);
    if (!strcmp(op, "Reshape")) return import_reshape(c, n);
    if (!strcmp(op, "Concat")) return import_concat(c, n);
    if (!strcmp(op, "Add")) return import_add(c, n);
    if (!strcmp(op, "Dropout")) return import_dropout(c, n);
    if (!strcmp(op, "Identity")) return import_alias(c, n);
    if (!strcmp(op, "Pad")) return import_pad(c, n);
    if (!strcmp(op, "Mul")) return import_binary(c, n, "Mul2");
    if (!strcmp(op, "Sub")) return import_binary(c, n, "Sub2");
    if (!strcmp(op, "PRelu")) return import_prelu(c, n);
    if (!strcmp(op, "Softplus")) return import_simple(c, n, "Softplus", NULL, 0, 0);
    if (!strcmp(op, "Selu")) return import_selu(c, n);
    if (!strcmp(op, "Resize") || !strcmp(op, "Upsample")) return import_resize(c, n);
    if (!strcmp(op, "Div")) return import_div(c, n);
    if (!strcmp(op, "ReduceMean")) return import_reducemean(c, n);
    if (!strcmp(op, "Erf") || !strcmp(op, "Pow") || !strcmp(op, "Sqrt")) return import_chain_only(c, n);
    tsu_assert(!"import_node called for an unsupported operator");
    return false;
}

