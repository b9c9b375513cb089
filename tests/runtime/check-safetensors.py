#!/usr/bin/python3
"""check-safetensors.py [CHECK] FIXTURE - a Tsumiki weights file read as a PyTorch user
reads one: json and struct for the header, numpy for the data, then
torch load_state_dict(strict=True) into the matching modules.

FIXTURE is the safetensors-fixture program: it writes weights.safetensors for
a network with ids such as Conv2, FC1, X_9 and one of 63 characters, and
reference.json with every tensor's float bits. Exit 77 = skipped (numpy or
torch is missing), with the reason on stdout. CHECK is ignored: it is there
because tests/export/run-check.sh, which runs this, passes one.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(77)


try:
    import numpy as np
    import torch
except ImportError as e:
    skip(f"{e} (install python3-numpy and python3-torch)")


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), f"duplicate keys in the header: {keys}"
    return dict(pairs)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert n % 8 == 0, f"header length {n} is not a multiple of 8"
    text = data[8:8 + n].decode("utf-8")
    header = json.loads(text, object_pairs_hook=no_duplicates)
    # Byte for byte what engine/export/python/tsumiki_io.py writes.
    assert text.rstrip(" ") == json.dumps(header, separators=(",", ":")), text
    assert next(iter(header)) == "__metadata__", "__metadata__ should come first"
    assert header.pop("__metadata__") == {"format": "pt"}
    body = data[8 + n:]
    tensors, offset = {}, 0
    for name in sorted(header):
        e = header[name]
        assert e["dtype"] == "F32", (name, e["dtype"])
        begin, end = e["data_offsets"]
        assert begin == offset, f"{name}: data not contiguous in key order"
        count = int(np.prod(e["shape"], dtype=np.int64))
        assert end - begin == 4 * count, f"{name}: offsets do not match the shape"
        tensors[name] = np.frombuffer(body[begin:end], dtype="<f4").reshape(e["shape"])
        offset = end
    assert offset == len(body), f"{len(body) - offset} bytes after the last tensor"
    assert list(header) == sorted(header), "tensors should be in name order"
    return tensors


def main():
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([sys.argv[-1], work], check=True)
        tensors = read_safetensors(os.path.join(work, "weights.safetensors"))
        with open(os.path.join(work, "reference.json")) as f:
            ref = json.load(f)
    assert set(tensors) == set(ref["tensors"]), (sorted(tensors), sorted(ref["tensors"]))
    for name, want in ref["tensors"].items():
        got = tensors[name]
        assert list(got.shape) == want["shape"], (name, got.shape, want["shape"])
        bits = np.array(want["bits"], dtype=np.uint32)
        assert np.array_equal(got.reshape(-1).view("<u4"), bits), f"{name}: values differ"

    modules = torch.nn.ModuleDict()
    for m in ref["modules"]:
        if m[1] == "Conv2d":
            modules[m[0]] = torch.nn.Conv2d(m[2], m[3], (m[4], m[5]))
        else:
            modules[m[0]] = torch.nn.Linear(m[2], m[3])
    state = {k: torch.from_numpy(v.copy()) for k, v in tensors.items()}
    modules.load_state_dict(state, strict=True)
    for name, value in modules.state_dict().items():
        assert torch.equal(value, state[name]), name
    print(f"{len(tensors)} tensors read back by json, struct, numpy and torch: "
          + ", ".join(sorted(tensors)))


main()
