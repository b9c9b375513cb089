#!/usr/bin/python3
"""The seed network of resources/examples/fashion-mnist-cnn.tsumiki in PyTorch,
trained the same way (Adam 1e-3, batch 64, Fashion-MNIST from Debian's files),
for bench/vs-pytorch. Prints one JSON object with the measurements.

    pytorch_seed.py [--epochs N] [--limit N] [--threads N]
"""
import argparse
import gzip
import json
import resource
import struct
import time

import numpy as np
import torch
from torch import nn

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def seed_network():
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.BatchNorm2d(16, momentum=0.1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2), nn.BatchNorm2d(32, momentum=0.1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x_train = read_idx(f"{DATA}/train-images-idx3-ubyte.gz")
    y_train = read_idx(f"{DATA}/train-labels-idx1-ubyte.gz")
    x_test = read_idx(f"{DATA}/t10k-images-idx3-ubyte.gz")
    y_test = read_idx(f"{DATA}/t10k-labels-idx1-ubyte.gz")
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    x_train = torch.from_numpy(x_train.astype(np.float32) / 255).unsqueeze(1)
    y_train = torch.from_numpy(y_train.astype(np.int64))
    x_test = torch.from_numpy(x_test.astype(np.float32) / 255).unsqueeze(1)
    y_test = torch.from_numpy(y_test.astype(np.int64))

    model = seed_network()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(args.seed)
    train_seconds, images, accuracies = 0.0, 0, []
    for _ in range(args.epochs):
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        start = time.perf_counter()
        for i in range(0, len(order), 64):
            idx = order[i:i + 64]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
        train_seconds += time.perf_counter() - start
        images += len(order)
        accuracies.append(evaluate(model, x_test, y_test)[0])

    _, infer_seconds = evaluate(model, x_test, y_test)
    print(json.dumps({
        "train_images_per_second": images / train_seconds,
        "infer_images_per_second": len(x_test) / infer_seconds,
        "test_accuracy_per_epoch": accuracies,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def evaluate(model, x, y):
    model.eval()
    correct = 0
    with torch.no_grad():
        start = time.perf_counter()
        for i in range(0, len(x), 256):
            correct += (model(x[i:i + 256]).argmax(1) == y[i:i + 256]).sum().item()
        seconds = time.perf_counter() - start
    return correct / len(x), seconds


if __name__ == "__main__":
    main()
