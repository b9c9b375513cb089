#!/usr/bin/env python3
"""train.py - continue training a Tsumiki network with PyTorch, on one
machine or many.

Written by Tsumiki's PyTorch export. It reads project.tsumiki (dataset,
optimizer, schedule, epochs) and model.py (the network and its losses),
starts from weights.safetensors, and writes OUT/weights.safetensors and
OUT/history.csv in Tsumiki's formats, so the result opens in Tsumiki again.

    python3 train.py                                # one process
    torchrun --nproc_per_node=4 train.py            # DistributedDataParallel
    torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d \\
             --rdzv_endpoint=HOST:29400 train.py    # a cluster

Processes use gloo on CPUs and nccl on GPUs. --batch-size is the global
batch: each of the N processes takes batch_size / N samples per step.
"""
import argparse
import gc
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data.distributed import DistributedSampler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import model as exported  # noqa: E402
import tsumiki_io  # noqa: E402

CLASS_LOSSES = ("CategoricalCrossEntropy", "SoftmaxCrossEntropy")


def parse_args(project):
    training = project.get("training", {})
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=training.get("epochs", 5))
    p.add_argument("--batch-size", type=int, default=training.get("batch_size", 64),
                   help="global batch size, split over the processes")
    p.add_argument("--lr", type=float, help="learning rate (default: the project's)")
    p.add_argument("--weights", default=os.path.join(HERE, "weights.safetensors"),
                   help="starting weights (default: the exported ones)")
    p.add_argument("--from-scratch", action="store_true", help="start from PyTorch's init")
    p.add_argument("--out", default=os.path.join(HERE, "run"),
                   help="directory for weights.safetensors and history.csv")
    p.add_argument("--data-root", default=exported.DATA_ROOT,
                   help="directory the project's dataset paths are relative to")
    p.add_argument("--limit", type=int, help="use at most N samples of each split")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--seed", type=int, default=int(training.get("seed", 1)))
    return p.parse_args()


def loss_and_hits(kind, output, target):
    """Batch-mean loss, and (correct, counted) for the accuracy or None."""
    if kind in CLASS_LOSSES:
        labels = target.long().reshape((output.shape[0],) + tuple(output.shape[2:]))
        if kind == "SoftmaxCrossEntropy":
            loss = F.cross_entropy(output, labels)
        else:
            loss = F.nll_loss(torch.log(output).clamp_min(-100.0), labels)
        hits = (output.argmax(1) == labels).sum().item(), labels.numel()
        return loss, hits
    target = target.reshape(output.shape)
    if kind == "BinaryCrossEntropy":
        loss = F.binary_cross_entropy(output, target)
        return loss, (((output > 0.5) == (target > 0.5)).sum().item(), target.numel())
    if kind == "SigmoidCrossEntropy":
        loss = F.binary_cross_entropy_with_logits(output, target)
        return loss, (((output > 0.0) == (target > 0.5)).sum().item(), target.numel())
    if kind == "SquaredError":
        return F.mse_loss(output, target), None
    raise ValueError(f"unknown loss {kind}")


def run_batch(net, ds, indices, device):
    inputs = [ds.fill(variable, indices).to(device) for _, variable, _ in exported.INPUTS]
    outputs = net(*inputs)
    if not isinstance(outputs, tuple):
        outputs = (outputs,)
    total, hits = 0.0, None
    for _, kind, output_index, variable in exported.LOSSES:
        target = ds.fill(variable, indices).to(device)
        loss, h = loss_and_hits(kind, outputs[output_index], target)
        total = total + loss
        if hits is None:
            hits = h
    return total, hits


def reduce_sums(values, device, distributed):
    t = torch.tensor(values, dtype=torch.float64, device=device)
    if distributed:
        dist.all_reduce(t)
    return t.tolist()


def evaluate(model, ds, rank, world, batch, device, distributed):
    """Loss and accuracy over the whole set, each process taking a share."""
    model.eval()
    order = np.arange(rank, ds.size, world)
    sums = [0.0, 0.0, 0.0, 0.0]  # loss * samples, samples, hits, counted
    with torch.no_grad():
        for at in range(0, len(order), batch):
            idx = order[at:at + batch]
            loss, hits = run_batch(model, ds, idx, device)
            sums[0] += float(loss) * len(idx)
            sums[1] += len(idx)
            if hits:
                sums[2] += hits[0]
                sums[3] += hits[1]
    sums = reduce_sums(sums, device, distributed)
    model.train()
    return sums[0] / max(sums[1], 1), (sums[2] / sums[3] if sums[3] else None)


def make_optimizer(params, training, lr):
    opt = training.get("optimizer", {})
    kind = opt.get("type", "Adam")
    decay = opt.get("weight_decay", 0.01 if kind == "AdamW" else 0.0)
    betas = (opt.get("beta1", 0.9), opt.get("beta2", 0.999))
    if kind == "SGD":
        return torch.optim.SGD(params, lr=lr, weight_decay=decay)
    if kind == "Momentum":
        return torch.optim.SGD(params, lr=lr, momentum=opt.get("momentum", 0.9),
                               weight_decay=decay)
    if kind == "Adam":
        return torch.optim.Adam(params, lr=lr, betas=betas, eps=opt.get("eps", 1e-8),
                                weight_decay=decay)
    if kind == "AdamW":
        return torch.optim.AdamW(params, lr=lr, betas=betas, eps=opt.get("eps", 1e-8),
                                 weight_decay=decay)
    raise ValueError(f"unknown optimizer {kind}")


def number(v):
    return "" if v is None else f"{v:.6f}"


def main():
    with open(os.path.join(HERE, "project.tsumiki"), encoding="utf-8") as f:
        project = json.load(f)
    args = parse_args(project)
    training = dict(project.get("training", {}))
    training["epochs"] = args.epochs
    if args.lr is not None:
        training.setdefault("optimizer", {})["learning_rate"] = args.lr

    world = int(os.environ.get("WORLD_SIZE", "1"))
    distributed = world > 1
    rank = int(os.environ.get("RANK", "0"))
    device = torch.device(args.device)
    if distributed:
        if device.type == "cuda":
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
            torch.cuda.set_device(device)
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    torch.manual_seed(args.seed)

    datasets = project.get("dataset", {})
    train_spec = dict(datasets["training"])
    valid_spec = dict(datasets["validation"]) if "validation" in datasets else None
    for spec in (train_spec, valid_spec):
        if spec is not None and args.limit:
            spec["limit"] = min(spec.get("limit") or args.limit, args.limit)
    train_set = tsumiki_io.open_dataset(train_spec, args.data_root)
    valid_set = tsumiki_io.open_dataset(valid_spec, args.data_root) if valid_spec else None

    model = exported.TsumikiModel()
    if not args.from_scratch and os.path.exists(args.weights):
        model.load_state_dict(tsumiki_io.load_safetensors(args.weights), strict=True)
    model.to(device)
    net = DistributedDataParallel(model) if distributed else model
    base_lr = training.get("optimizer", {}).get("learning_rate", 0.001)
    optimizer = make_optimizer(net.parameters(), training, base_lr)

    per_process = max(1, args.batch_size // world)
    sampler = DistributedSampler(np.arange(train_set.size), num_replicas=world, rank=rank,
                                 shuffle=True, seed=args.seed)
    if rank == 0:
        os.makedirs(args.out, exist_ok=True)
        print(f"training on {train_set.title} ({train_set.size} samples), {world} process(es), "
              f"{per_process} samples each per step, {device}", flush=True)
    history = ["epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,"
               "seconds,images_per_second"]
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        order = np.fromiter(iter(sampler), dtype=np.int64)
        steps = math.ceil(len(order) / per_process)
        sums = [0.0, 0.0, 0.0, 0.0]
        start = time.time()
        for step in range(steps):
            lr = tsumiki_io.lr_at(training, epoch + step / steps)
            for group in optimizer.param_groups:
                group["lr"] = lr
            idx = order[step * per_process:(step + 1) * per_process]
            optimizer.zero_grad()
            loss, hits = run_batch(net, train_set, idx, device)
            loss.backward()
            optimizer.step()
            sums[0] += float(loss) * len(idx)
            sums[1] += len(idx)
            if hits:
                sums[2] += hits[0]
                sums[3] += hits[1]
        sums = reduce_sums(sums, device, distributed)
        seconds = time.time() - start
        train_loss = sums[0] / max(sums[1], 1)
        train_acc = sums[2] / sums[3] if sums[3] else None
        valid_loss = valid_acc = None
        if valid_set is not None:
            valid_loss, valid_acc = evaluate(model, valid_set, rank, world, per_process, device,
                                             distributed)
        if rank == 0:
            history.append(f"{epoch + 1},{number(train_loss)},{number(train_acc)},"
                           f"{number(valid_loss)},{number(valid_acc)},{seconds:.3f},"
                           f"{sums[1] / max(seconds, 1e-9):.1f}")
            print(f"epoch {epoch + 1}/{args.epochs}: loss {train_loss:.4f}"
                  + (f", accuracy {train_acc:.4f}" if train_acc is not None else "")
                  + (f", validation loss {valid_loss:.4f}" if valid_loss is not None else "")
                  + (f", accuracy {valid_acc:.4f}" if valid_acc is not None else ""), flush=True)
            tsumiki_io.save_safetensors(model.state_dict(),
                                        os.path.join(args.out, "weights.safetensors"))
            with open(os.path.join(args.out, "history.csv"), "w", encoding="utf-8") as f:
                f.write("\n".join(history) + "\n")
    if rank == 0:
        print(f"wrote {os.path.join(args.out, 'weights.safetensors')}", flush=True)
    if distributed:
        # torch 1.13 can deadlock when DDP's reducer and the gloo group are
        # torn down during interpreter shutdown (a gloo thread waits for the
        # GIL the finalizer holds): free them now, then leave without the
        # finalizer; every file is written and closed by this point.
        del net, optimizer
        gc.collect()
        dist.barrier()
        dist.destroy_process_group()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
