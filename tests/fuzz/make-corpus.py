#!/usr/bin/env python3
"""Writes the seed corpus of every harness into tests/fuzz/corpus/NAME/.

    tests/fuzz/make-corpus.py build/app/tsumiki-cli

Small valid files of every shape the readers accept, a few broken ones, the
examples and tests/data/bad for the project harness, and ONNX exports of
small projects (made with the CLI) plus hand-encoded foreign ONNX models for
operators our own exporter never writes. Only the standard library is used.
Crash reproducers added by hand stay (README.md in this folder).
"""
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def put(harness, name, data):
    path = os.path.join(CORPUS, harness, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


# ------------------------------------------------------------------ PNG

def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(width, height, color_type, depth, pixels, palette=None):
    """pixels: one bytes row per line, already packed at the bit depth."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    raw = b"".join(b"\0" + row for row in pixels)
    out = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
    if palette:
        out += png_chunk(b"PLTE", palette)
    return out + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b"")


PNGS = {
    "gray8": png(3, 2, 0, 8, [bytes([0, 128, 255]), bytes([10, 20, 30])]),
    "gray1": png(8, 2, 0, 1, [b"\xa5", b"\x5a"]),
    "gray16": png(2, 2, 0, 16, [b"\x01\x02\xff\xff", b"\x80\x00\x00\x01"]),
    "graya8": png(2, 1, 4, 8, [b"\x10\xff\x20\x00"]),
    "rgb8": png(2, 2, 2, 8, [bytes(range(6)), bytes(range(6, 12))]),
    "rgba16": png(1, 1, 6, 16, [bytes(range(8))]),
    "palette4": png(2, 2, 3, 4, [b"\x01", b"\x20"], palette=b"\0\0\0\xff\0\0\0\xff\0"),
}


# ------------------------------------------------------------------ IDX

IDX_TYPES = {0x08: ">B", 0x09: ">b", 0x0B: ">h", 0x0C: ">i", 0x0D: ">f", 0x0E: ">d"}


def idx(code, dims, values):
    fmt = IDX_TYPES[code]
    head = bytes([0, 0, code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)
    return head + b"".join(struct.pack(fmt, v) for v in values)


# ------------------------------------------------------------ safetensors

def safetensors(tensors, metadata=True):
    """tensors: [(name, shape, values)] stored as F32 in that order."""
    header, data = {}, b""
    if metadata:
        header["__metadata__"] = {"format": "pt"}
    for name, shape, values in tensors:
        blob = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape,
                        "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    text = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(text)) + text + data


# The fixed network of fuzz-safetensors.c.
FIXED_NET = [("conv.weight", [2, 1, 3, 3]), ("conv.bias", [2]), ("bn.weight", [2]),
             ("bn.bias", [2]), ("bn.running_mean", [2]), ("bn.running_var", [2]),
             ("fc.weight", [3, 8]), ("fc.bias", [3])]


def fixed_tensors():
    out = []
    for name, shape in FIXED_NET:
        n = 1
        for d in shape:
            n *= d
        out.append((name, shape, [0.25 * (i % 5) - 0.5 for i in range(n)]))
    return out


# ------------------------------------------------------------ ONNX (protobuf)

def varint(n):
    n &= (1 << 64) - 1
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def f_int(field, n):
    return varint(field << 3) + varint(n)


def f_bytes(field, data):
    data = data.encode() if isinstance(data, str) else data
    return varint(field << 3 | 2) + varint(len(data)) + data


def f_float(field, x):
    return varint(field << 3 | 5) + struct.pack("<f", x)


def tensor(name, dims, floats=None, ints=None):
    out = b"".join(f_int(1, d) for d in dims) + f_bytes(8, name)
    if floats is not None:
        out += f_int(2, 1) + f_bytes(9, struct.pack("<%df" % len(floats), *floats))
    else:
        out += f_int(2, 7) + f_bytes(7, b"".join(varint(v) for v in ints))
    return out


def attr_int(name, i):
    return f_bytes(1, name) + f_int(20, 2) + f_int(3, i)


def attr_ints(name, ints):
    return f_bytes(1, name) + f_int(20, 7) + b"".join(f_int(8, i) for i in ints)


def attr_str(name, s):
    return f_bytes(1, name) + f_int(20, 3) + f_bytes(4, s)


def attr_float(name, x):
    return f_bytes(1, name) + f_int(20, 1) + f_float(2, x)


def attr_tensor(name, t):
    return f_bytes(1, name) + f_int(20, 4) + f_bytes(5, t)


def node(op, inputs, outputs, attrs=(), name=None):
    out = b"".join(f_bytes(1, i) for i in inputs) + b"".join(f_bytes(2, o) for o in outputs)
    out += f_bytes(3, name or outputs[0]) + f_bytes(4, op)
    return out + b"".join(f_bytes(5, a) for a in attrs)


def value_info(name, dims):
    shape = b"".join(f_bytes(1, f_bytes(2, d) if isinstance(d, str) else f_int(1, d))
                     for d in dims)
    return f_bytes(1, name) + f_bytes(2, f_bytes(1, f_int(1, 1) + f_bytes(2, shape)))


def model(nodes, inits, inputs, outputs):
    graph = b"".join(f_bytes(1, n) for n in nodes) + f_bytes(2, "g")
    graph += b"".join(f_bytes(5, t) for t in inits)
    graph += b"".join(f_bytes(11, value_info(*i)) for i in inputs)
    graph += b"".join(f_bytes(12, value_info(*o)) for o in outputs)
    opset = f_bytes(1, "") + f_int(2, 13)
    return f_int(1, 7) + f_bytes(2, "make-corpus") + f_bytes(8, opset) + f_bytes(7, graph)


def ramp(n, scale=0.1):
    return [scale * ((i % 7) - 3) for i in range(n)]


def foreign_onnx():
    """Operators and forms that tsu_export_onnx never writes."""
    conv = model(
        [node("Pad", ["x", "pads"], ["padded"], [attr_str("mode", "constant")]),
         node("Conv", ["padded", "w", "b"], ["c"],
              [attr_str("auto_pad", "VALID"), attr_ints("kernel_shape", [3, 3])]),
         node("Relu", ["c"], ["r"]),
         node("MaxPool", ["r"], ["p"], [attr_ints("kernel_shape", [2, 2]),
                                        attr_ints("strides", [2, 2])]),
         node("Flatten", ["p"], ["f"], [attr_int("axis", 1)]),
         node("MatMul", ["f", "m"], ["mm"]),
         node("Add", ["mm", "mb"], ["logits"]),
         node("Identity", ["logits"], ["id"]),
         node("Softmax", ["id"], ["prob"], [attr_int("axis", 1)])],
        [tensor("pads", [8], ints=[0, 0, 1, 1, 0, 0, 1, 1]),
         tensor("w", [2, 1, 3, 3], ramp(18)), tensor("b", [2], [0.1, -0.1]),
         tensor("m", [18, 3], ramp(54)), tensor("mb", [3], [0.0, 0.5, -0.5])],
        [("x", ["N", 1, 6, 6])], [("prob", ["N", 3])])
    gemm = model(
        [node("Constant", [], ["shape"], [attr_tensor("value", tensor("s", [2], ints=[-1, 4]))]),
         node("Reshape", ["x", "shape"], ["flat"]),
         node("Gemm", ["flat", "w", "c"], ["y"], [attr_float("alpha", 0.5),
                                                   attr_float("beta", 2.0),
                                                   attr_int("transB", 1)]),
         node("LeakyRelu", ["y"], ["l"], [attr_float("alpha", 0.2)]),
         node("Elu", ["l"], ["e"]),
         node("Gemm", ["e", "w2"], ["z"]),
         node("Sigmoid", ["z"], ["out"])],
        [tensor("w", [3, 4], ramp(12)), tensor("c", [3], [1.0, 2.0, 3.0]),
         tensor("w2", [3, 1], [0.5, -0.5, 0.25])],
        [("x", ["N", 2, 2])], [("out", ["N", 1])])
    image = model(
        [node("ConvTranspose", ["x", "w"], ["d"], [attr_ints("kernel_shape", [2, 2]),
                                                  attr_ints("strides", [2, 2])]),
         node("BatchNormalization", ["d", "g", "bb", "mean", "var"], ["n"],
              [attr_float("epsilon", 1e-3), attr_float("momentum", 0.9)]),
         node("AveragePool", ["n"], ["a"], [attr_ints("kernel_shape", [2, 2]),
                                           attr_ints("pads", [1, 1, 1, 1]),
                                           attr_int("count_include_pad", 1),
                                           attr_ints("strides", [2, 2])]),
         node("Tanh", ["a"], ["t"]),
         node("Concat", ["t", "t"], ["cat"], [attr_int("axis", 1)]),
         node("GlobalAveragePool", ["cat"], ["gap"]),
         node("Dropout", ["gap"], ["drop"], [attr_float("ratio", 0.3)]),
         node("Flatten", ["drop"], ["out"])],
        [tensor("w", [1, 2, 2, 2], ramp(8)), tensor("g", [2], [1.0, 1.5]),
         tensor("bb", [2], [0.0, 0.1]), tensor("mean", [2], [0.0, 0.2]),
         tensor("var", [2], [1.0, 2.0])],
        [("x", ["N", 1, 3, 3])], [("out", ["N", 4])])
    return {"pad-conv-matmul": conv, "reshape-gemm": gemm, "deconv-bn-pool": image}


# ------------------------------------------------------------------ main

def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-corpus.py TSUMIKI-CLI")
    cli = sys.argv[1]
    # Files are overwritten, never removed: corpus/ also keeps the inputs
    # that once crashed a reader.

    # project: the examples, the bad files, and every layer kind and loss.
    projects = [os.path.join(ROOT, "resources/examples", f)
                for f in sorted(os.listdir(os.path.join(ROOT, "resources/examples")))
                if f.endswith(".tsumiki")]
    projects += [os.path.join(ROOT, "tests/data/bad", f)
                 for f in sorted(os.listdir(os.path.join(ROOT, "tests/data/bad")))]
    projects += [os.path.join(HERE, "seeds", f) for f in sorted(os.listdir(os.path.join(HERE, "seeds")))
                 if f.endswith(".tsumiki")]
    for path in projects:
        name = os.path.basename(path)
        if "/bad/" in path:
            name = "bad-" + name
        with open(path, "rb") as f:
            put("project", name, f.read())

    # onnx: our exports of the small projects, and foreign models.
    with tempfile.TemporaryDirectory() as tmp:
        for path in projects:
            name = os.path.basename(path)[:-len(".tsumiki")]
            if "/bad/" in path or name.startswith("fashion-mnist"):
                continue  # bad files do not export; Fashion-MNIST weights are 0.1-1 MB
            out = os.path.join(tmp, name + ".onnx")
            subprocess.run([cli, "export", path, "--untrained", "--format", "onnx",
                            "--out", out], check=True, stdout=subprocess.DEVNULL)
            with open(out, "rb") as f:
                put("onnx", name + ".onnx", f.read())
    for name, data in foreign_onnx().items():
        put("onnx", name + ".onnx", data)

    # safetensors: the fixed net's weights, and near misses.
    good = fixed_tensors()
    put("safetensors", "good.safetensors", safetensors(good))
    put("safetensors", "no-metadata.safetensors", safetensors(list(reversed(good)), False))
    put("safetensors", "missing-tensor.safetensors", safetensors(good[1:]))
    put("safetensors", "wrong-shape.safetensors",
        safetensors([("fc.weight", [8, 3], good[6][2])] + good[:6] + good[7:]))
    put("safetensors", "truncated.safetensors", safetensors(good)[:-7])

    # idx: every element type, 1 to 4 dimensions, plain and gzip.
    put("idx", "images-u8.idx", idx(0x08, [3, 2, 2], range(12)))
    put("idx", "images-u8.idx.gz", gzip.compress(idx(0x08, [2, 3, 3], range(18)), mtime=0))
    put("idx", "labels-u8.idx", idx(0x08, [4], [0, 3, 1, 2]))
    put("idx", "labels-i32.idx.gz", gzip.compress(idx(0x0C, [3], [2, 0, 1]), mtime=0))
    put("idx", "vectors-i8.idx", idx(0x09, [2, 3], [-1, 0, 1, 2, -2, 5]))
    put("idx", "vectors-i16.idx", idx(0x0B, [2, 2], [300, -300, 7, 0]))
    put("idx", "floats-f32.idx", idx(0x0D, [2, 1, 2, 2], [0.5, -1.5, 2.0, 0.0] * 2))
    put("idx", "floats-f64.idx", idx(0x0E, [3], [0.25, -4.0, 1e3]))

    # png: each colour type and depth the reader converts.
    for name, data in PNGS.items():
        put("png", name + ".png", data)

    # csv: index.csv text, then (optionally) the a.png it names.
    put("csv", "image-label.csv", b"x:image,y:label\na.png,0\na.png,2\n" + PNGS["gray8"])
    put("csv", "image-quoted-crlf.csv", b'x:image,y\r\n"a.png",1\r\n' + PNGS["rgb8"])
    put("csv", "image-palette.csv", b"y,x\n3,a.png\n" + PNGS["palette4"])
    put("csv", "image-vector.csv", b"x,t__0,t__1\na.png,0.5,-1\n" + PNGS["rgba16"])
    put("csv", "vectors.csv", b"x__1,x__0,y__0,y__1\n0.5,1e-3,-2,3\n1,2,3,4\n")
    put("csv", "bom-blank-lines.csv", b"\xef\xbb\xbfx__0,x__1,y:label\n1,2,0\n\n 3 , 4 ,1\n")
    put("csv", "quoted-newline.csv", b'x__0,"y ""target"""\n"1.5","2\n"\n7,8\n')
    put("csv", "missing-image.csv", b"x:image,y\nb.png,0\n")


if __name__ == "__main__":
    main()
