"""tsumiki_io.py - what a Tsumiki PyTorch export needs besides PyTorch itself.

Written by Tsumiki's PyTorch export next to model.py and train.py:

* safetensors files read and written with numpy alone (the safetensors
  package is often missing where torch is installed);
* the project's datasets, read the way Tsumiki reads them: Fashion-MNIST and
  MNIST IDX files, any IDX pair, and NNC-style index.csv files with image
  paths (PNG, JPEG, BMP: whatever Pillow or OpenCV reads) or numbers, uint8
  pixels scaled by 1/255;
* Tsumiki's BatchNormalization (no num_batches_tracked buffer, so the
  state_dict keys are exactly the safetensors names);
* Tsumiki's learning-rate schedule.
"""
import csv
import gzip
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# ------------------------------------------------------------ safetensors


def load_safetensors(path):
    """{name: float32 tensor} from a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: not a safetensors file (too short)")
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size].decode("utf-8"))
    base = 8 + size
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {info['dtype']}, expected F32")
        begin, end = info["data_offsets"]
        count = (end - begin) // 4
        values = np.frombuffer(data, dtype="<f4", count=count, offset=base + begin)
        tensors[name] = torch.from_numpy(values.reshape(info["shape"]).astype(np.float32))
    return tensors


def save_safetensors(tensors, path):
    """Writes {name: tensor} as little-endian F32, keys sorted, atomically."""
    header = {"__metadata__": {"format": "pt"}}
    blobs, offset = [], 0
    for name in sorted(tensors):
        array = tensors[name].detach().cpu().float().contiguous().numpy().astype("<f4")
        blob = array.tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)


# ------------------------------------------------------------ layers


class BatchNorm(nn.Module):
    """Tsumiki's BatchNormalization over axis 1 of (N, C, ...): batch
    statistics in training, running ones in eval. `momentum` is Tsumiki's:
    the share of the old running value kept per batch."""

    def __init__(self, channels, eps=1e-5, momentum=0.9):
        super().__init__()
        self.eps = eps
        self.keep = momentum
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))

    def forward(self, x):
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training, 1.0 - self.keep, self.eps)


# ------------------------------------------------------------ schedule


def lr_at(training, epoch):
    """The learning rate at a fractional epoch, as Tsumiki's trainer has it."""
    opt = training.get("optimizer", {})
    lr = opt.get("learning_rate", 0.001)
    sched = opt.get("lr_schedule", {})
    kind = sched.get("type", "constant")
    warmup = sched.get("warmup_epochs", 0)
    epochs = training.get("epochs", 5)
    if warmup > 0 and epoch < warmup:
        return lr * (0.1 + 0.9 * epoch / warmup)
    e = epoch - warmup
    span = epochs - warmup
    if kind == "step":
        return lr * sched.get("gamma", 0.1) ** math.floor(e / sched.get("step_epochs", 1))
    if kind == "cosine":
        if span <= 0:
            return lr
        low = sched.get("min_lr", 0.0)
        return low + 0.5 * (lr - low) * (1 + math.cos(math.pi * min(e / span, 1.0)))
    return lr


# ------------------------------------------------------------ datasets


class Dataset:
    """Every sample in memory: variables name -> array [n, ...]. uint8
    images stay uint8 and become floats one batch at a time."""

    def __init__(self, variables, labels, title):
        self.variables = variables
        self.labels = labels  # names of class-index variables
        self.title = title
        self.size = len(next(iter(variables.values())))

    def fill(self, name, indices):
        values = self.variables[name][indices]
        if values.dtype == np.uint8 and name not in self.labels:
            return torch.from_numpy(values.astype(np.float32) / np.float32(255.0))
        return torch.from_numpy(values.astype(np.float32))


def _open_maybe_gzip(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def read_idx(path):
    """An IDX file as a numpy array (uint8, int8, int16, int32, float32, float64)."""
    with _open_maybe_gzip(path) as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(f"{path}: not an IDX file")
    types = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    if data[2] not in types:
        raise ValueError(f"{path}: unknown IDX element type 0x{data[2]:02x}")
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    array = np.frombuffer(data, dtype=types[data[2]], offset=4 + 4 * ndim)
    return array[:int(np.prod(dims))].reshape(dims).astype(types[data[2]][1:])


def _idx_dataset(images, labels, title):
    x = read_idx(images)
    if x.ndim == 3:
        x = x[:, None, :, :]  # [n, H, W] -> [n, 1, H, W]
    variables, label_names = {"x": x}, set()
    if labels:
        variables["y"] = read_idx(labels).reshape(-1, 1)
        label_names.add("y")
    return Dataset(variables, label_names, title)


def _find(directory, names):
    for name in names:
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"none of {', '.join(names)} in {directory}")


def _read_image(path):
    try:
        from PIL import Image
        with Image.open(path) as image:
            mode = image.mode
            if mode in ("L", "LA", "I", "I;16", "1"):
                image = image.convert("L")
            else:
                image = image.convert("RGB")
            array = np.asarray(image, dtype=np.uint8)
    except ImportError:
        import cv2
        array = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        if array is None:
            raise ValueError(f"{path}: cannot read the image")
        if array.ndim == 3:
            array = array[:, :, :3][:, :, ::-1] if array.shape[2] >= 3 else array[:, :, 0]
        array = array.astype(np.uint8)
    return array[None, :, :] if array.ndim == 2 else np.transpose(array, (2, 0, 1))


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def _csv_dataset(path, title):
    base = os.path.dirname(path)
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [row for row in csv.reader(f) if any(cell.strip() for cell in row)]
    header, rows = [cell.strip() for cell in rows[0]], rows[1:]
    columns = {}  # name -> [(index, column)]
    for col, cell in enumerate(header):
        name = cell.split(":", 1)[0].strip()
        index = 0
        if "__" in name:
            name, tail = name.rsplit("__", 1)
            index = int(tail)
        columns.setdefault(name, []).append((index, col))
    variables, labels = {}, set()
    for name, cols in columns.items():
        cols = [c for _, c in sorted(cols)]
        cells = [[row[c].strip() for c in cols] for row in rows]
        if len(cols) == 1 and not all(_is_number(c[0]) for c in cells):
            variables[name] = np.stack([_read_image(os.path.join(base, c[0])) for c in cells])
            continue
        values = np.array([[float(v) for v in c] for c in cells], dtype=np.float64)
        if len(cols) == 1 and np.all(values >= 0) and np.all(values == np.floor(values)):
            labels.add(name)
        variables[name] = values.astype(np.float32)
    return Dataset(variables, labels, title)


def open_dataset(spec, base_dir):
    """A dataset from one entry of the project's "dataset" object."""
    source = spec["source"]
    if source in ("fashion-mnist", "mnist"):
        default = "/usr/share/datasets/" + source
        directory = os.path.join(base_dir, spec["dir"]) if "dir" in spec else default
        prefix = "train" if spec.get("split", "train") == "train" else "t10k"
        images = _find(directory, [f"{prefix}-images-idx3-ubyte.gz", f"{prefix}-images-idx3-ubyte",
                                   f"{prefix}-images.idx3-ubyte"])
        labels = _find(directory, [f"{prefix}-labels-idx1-ubyte.gz", f"{prefix}-labels-idx1-ubyte",
                                   f"{prefix}-labels.idx1-ubyte"])
        ds = _idx_dataset(images, labels, f"{source} {spec.get('split', 'train')}")
    elif source == "idx":
        labels = spec.get("labels")
        ds = _idx_dataset(os.path.join(base_dir, spec["images"]),
                          os.path.join(base_dir, labels) if labels else None, spec["images"])
    elif source == "csv":
        ds = _csv_dataset(os.path.join(base_dir, spec["path"]), spec["path"])
    else:
        raise ValueError(f"unknown dataset source {source!r}")
    skip = spec.get("skip") or 0
    limit = spec.get("limit")
    end = ds.size if limit is None else min(ds.size, skip + limit)
    ds.variables = {k: v[skip:end] for k, v in ds.variables.items()}
    ds.size = end - skip
    return ds
