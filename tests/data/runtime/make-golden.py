#!/usr/bin/python3
"""Golden forward values for tests/runtime/test-golden.c, computed with
numpy by direct loops (no im2col, nothing shared with the C code).

Run: /usr/bin/python3 tests/data/runtime/make-golden.py > tests/data/runtime/golden.json
"""
import json
import math
import numpy as np

rng = np.random.default_rng(20261127)


def conv2d(x, w, b, stride, pad, dilation, group):
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.zeros((n, c, h + 2 * pad[0], wd + 2 * pad[1]))
    xp[:, :, pad[0]:pad[0] + h, pad[1]:pad[1] + wd] = x
    span = (dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1)
    oh = (xp.shape[2] - span[0]) // stride[0] + 1
    ow = (xp.shape[3] - span[1]) // stride[1] + 1
    og = o // group
    y = np.zeros((n, o, oh, ow))
    for s in range(n):
        for oc in range(o):
            g = oc // og
            for i in range(oh):
                for j in range(ow):
                    acc = b[oc] if b is not None else 0.0
                    for ic in range(cg):
                        for a in range(kh):
                            for bb in range(kw):
                                acc += w[oc, ic, a, bb] * xp[s, g * cg + ic,
                                                            i * stride[0] + a * dilation[0],
                                                            j * stride[1] + bb * dilation[1]]
                    y[s, oc, i, j] = acc
    return y


def deconv2d(x, w, b, stride, pad):
    n, c, h, wd = x.shape
    _, o, kh, kw = w.shape
    full = np.zeros((n, o, (h - 1) * stride[0] + kh, (wd - 1) * stride[1] + kw))
    for s in range(n):
        for ic in range(c):
            for i in range(h):
                for j in range(wd):
                    full[s, :, i * stride[0]:i * stride[0] + kh,
                         j * stride[1]:j * stride[1] + kw] += x[s, ic, i, j] * w[ic]
    y = full[:, :, pad[0]:full.shape[2] - pad[0], pad[1]:full.shape[3] - pad[1]]
    return y + b.reshape(1, -1, 1, 1)


def maxpool(x, k, stride, pad):
    n, c, h, w = x.shape
    xp = np.full((n, c, h + 2 * pad[0], w + 2 * pad[1]), -np.inf)
    xp[:, :, pad[0]:pad[0] + h, pad[1]:pad[1] + w] = x
    oh = (xp.shape[2] - k[0]) // stride[0] + 1
    ow = (xp.shape[3] - k[1]) // stride[1] + 1
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = xp[:, :, i * stride[0]:i * stride[0] + k[0],
                               j * stride[1]:j * stride[1] + k[1]].max(axis=(2, 3))
    return y


def softmax0(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def node(id_, type_, inputs=None, params=None):
    d = {"id": id_, "type": type_}
    if inputs:
        d["inputs"] = inputs
    if params:
        d["params"] = params
    return d


def case(name, shape, layer, x, y, tensors, training=False, state_after=None):
    nodes = [node("x", "Input", params={"shape": list(shape)}), layer,
             node("loss", "SquaredError", ["t"])]
    c = {"name": name, "nodes": nodes, "batch": x.shape[0], "training": training,
         "x": x.ravel().tolist(), "y": y.ravel().tolist(),
         "tensors": {k: np.asarray(v).ravel().tolist() for k, v in tensors.items()}}
    if state_after:
        c["state_after"] = {k: np.asarray(v).ravel().tolist() for k, v in state_after.items()}
    return c


cases = []

x = rng.standard_normal((2, 4, 7, 6))
w = rng.standard_normal((6, 2, 3, 2))
b = rng.standard_normal(6)
p = {"outmaps": 6, "kernel": [3, 2], "stride": [2, 1], "pad": [1, 2], "dilation": [2, 3],
     "group": 2}
cases.append(case("conv-stride-pad-dilation-group", (4, 7, 6), node("t", "Convolution", ["x"], p),
                  x, conv2d(x, w, b, (2, 1), (1, 2), (2, 3), 2),
                  {"t.weight": w, "t.bias": b}))

x = rng.standard_normal((3, 3, 5, 5))
w = rng.standard_normal((4, 3, 1, 1))
cases.append(case("conv-pointwise", (3, 5, 5),
                  node("t", "Convolution", ["x"], {"outmaps": 4, "kernel": [1, 1],
                                                  "with_bias": False}),
                  x, conv2d(x, w, None, (1, 1), (0, 0), (1, 1), 1), {"t.weight": w}))

x = rng.standard_normal((2, 3, 4, 3))
w = rng.standard_normal((3, 2, 3, 3))
b = rng.standard_normal(2)
cases.append(case("deconv-stride-pad", (3, 4, 3),
                  node("t", "Deconvolution", ["x"], {"outmaps": 2, "kernel": [3, 3],
                                                    "stride": [2, 2], "pad": [1, 1]}),
                  x, deconv2d(x, w, b, (2, 2), (1, 1)), {"t.weight": w, "t.bias": b}))

x = rng.standard_normal((2, 3, 7, 7))
cases.append(case("maxpool-3x3-stride-2-pad-1", (3, 7, 7),
                  node("t", "MaxPooling", ["x"], {"kernel": [3, 3], "stride": [2, 2],
                                                 "pad": [1, 1]}),
                  x, maxpool(x, (3, 3), (2, 2), (1, 1)), {}))

x = rng.standard_normal((5, 3, 4, 4)) * 2 + 1
gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
rmean, rvar = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
eps, momentum = 1e-5, 0.9
mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
y = (x - mean.reshape(1, -1, 1, 1)) / np.sqrt(var.reshape(1, -1, 1, 1) + eps)
y = y * gamma.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1)
count = x.size / 3
bn_tensors = {"t.weight": gamma, "t.bias": beta, "t.running_mean": rmean, "t.running_var": rvar}
cases.append(case("batchnorm-training", (3, 4, 4), node("t", "BatchNormalization", ["x"]),
                  x, y, bn_tensors, training=True,
                  state_after={"t.running_mean": momentum * rmean + (1 - momentum) * mean,
                               "t.running_var": momentum * rvar
                               + (1 - momentum) * var * count / (count - 1)}))
y = (x - rmean.reshape(1, -1, 1, 1)) / np.sqrt(rvar.reshape(1, -1, 1, 1) + eps)
y = y * gamma.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1)
cases.append(case("batchnorm-inference", (3, 4, 4), node("t", "BatchNormalization", ["x"]),
                  x, y, bn_tensors))

x = rng.standard_normal((3, 5, 2, 2)) * 3
cases.append(case("softmax-axis0", (5, 2, 2), node("t", "Softmax", ["x"]), x, softmax0(x), {}))

# The kinds of modern CNNs, from their textbook formulas (math.erf: no scipy).
x = rng.standard_normal((2, 3, 2, 4)) * 3
erf = np.vectorize(math.erf)
for kind, y in (("Swish", x / (1 + np.exp(-x))),
                ("GELU", 0.5 * x * (1 + erf(x / math.sqrt(2)))),
                ("Softplus", np.log1p(np.exp(x))),
                ("SELU", 1.0507009873554804934193349852946
                 * np.where(x > 0, x, 1.6732632423543772848170429916717 * (np.exp(x) - 1)))):
    cases.append(case(kind.lower(), (3, 2, 4), node("t", kind, ["x"]), x, y, {}))

slope = rng.uniform(0.05, 0.5, 3)
cases.append(case("prelu-per-channel", (3, 2, 4), node("t", "PReLU", ["x"]), x,
                  np.where(x > 0, x, slope.reshape(1, -1, 1, 1) * x), {"t.weight": slope}))

x = rng.standard_normal((3, 2, 3, 4)) * 2 + 5
gamma, beta = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 3, 4))
mean = x.mean(axis=(1, 2, 3), keepdims=True)
var = x.var(axis=(1, 2, 3), keepdims=True)
cases.append(case("layernorm-eps", (2, 3, 4),
                  node("t", "LayerNormalization", ["x"], {"eps": 0.01}), x,
                  (x - mean) / np.sqrt(var + 0.01) * gamma + beta,
                  {"t.weight": gamma, "t.bias": beta}))

x = rng.standard_normal((2, 2, 3, 2))
cases.append(case("unpooling-2x3", (2, 3, 2), node("t", "Unpooling", ["x"], {"kernel": [2, 3]}),
                  x, np.repeat(np.repeat(x, 2, axis=2), 3, axis=3), {}))

print(json.dumps({"generator": "tests/data/runtime/make-golden.py", "cases": cases}, indent=1))
