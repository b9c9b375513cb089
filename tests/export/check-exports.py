#!/usr/bin/python3
"""check-exports.py CHECK FIXTURE [NETWORK...] - each export, judged by the tool that receives it.

CHECK is one of:
  onnx     onnx.checker.check_model(full_check=True); opset 13, IR 7, a dynamic
           batch axis, initializers named as the safetensors, no loss/Dropout
  opencv   cv2.dnn.readNetFromONNX gives Tsumiki's outputs, batch 1 and batch 4
  c        the C export compiles with cc -std=c99 -O2 -Wall -Werror and gives
           Tsumiki's outputs
  pytorch  model.py loads weights.safetensors with strict=True and gives
           Tsumiki's outputs in eval mode
  predict  tsumiki-cli predict on input.npy (written by numpy) gives, in its
           output .npy files, Tsumiki's outputs and the PyTorch export's
  onnxruntime  ONNX Runtime Web (npm onnxruntime-web, WebAssembly, one thread,
           under node; ./dev.sh test installs it into BUILD/node) gives
           Tsumiki's outputs, batch 1 and batch 4
  ddp      torchrun --nproc_per_node=2 train.py runs an epoch with gloo on CPU
  train    three SGD steps from the same weights on the same batches give the
           same losses, weights and BatchNormalization running statistics in
           Tsumiki (two threads) and in the PyTorch export (train mode):
           every layer's backward against PyTorch's autograd
  import   models exported by torch.onnx (a branching CNN; the kinds of
           modern CNNs) import into Tsumiki and give PyTorch's outputs

FIXTURE is the export-fixture program; it writes the exports and Tsumiki's
reference outputs into a temporary directory. NETWORK names the fixture's
networks to check (by default cnn, branch, mlp, modern, norm, repeat and the
deep examples, every example for onnxruntime; "toy" needs the fixture
linked with tests/engine/toy-layer.c). Exit 77 = skipped (a Python
module is missing), with the reason on stdout.
"""
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

import numpy as np

TOLERANCE = 1e-4
FIXTURE = None
NETWORKS = ["cnn", "branch", "mlp", "modern", "norm", "repeat"]
# The deep examples, as every check runs them: a repeat block unrolled,
# depthwise convolutions, a squeeze-and-excitation gate, ImageAugmentation.
DEEP_EXAMPLES = ["example_fashion_mnist_resnet", "example_fashion_mnist_mobilenet"]
# The other examples in resources/examples ("cnn" is fashion-mnist-cnn).
EXAMPLES = ["example_fashion_mnist_mlp", "example_two_class", "example_regression"] + DEEP_EXAMPLES
# What OpenCV 4.6 DNN cannot run, found by cutting the models node by node:
# its Mul/Sub/Div broadcast a second input [N, C, 1, 1] only for N = 1 and
# no other axes of size 1 at all (LayerNormalization's Div by [N, 1, 1, 1],
# [N, 6, 8, 1] - [N, 6, 1, 8]); it computes a wrong shape or asserts.
OPENCV_SKIP = {"norm": "LayerNormalization and broadcasting on axes other than the channels"}
OPENCV_BATCH1 = {"modern": "the squeeze-and-excitation Mul2 and Sub2 by [N, 8, 1, 1]",
                 "example_fashion_mnist_mobilenet": "the squeeze-and-excitation Mul2 by [N, 128, 1, 1]"}


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(77)


def need(module, package):
    try:
        return importlib.import_module(module)
    except ImportError as e:
        skip(f"python module {module} is missing for /usr/bin/python3 ({e}); "
             f"install {package}")


class Case:
    def __init__(self, root, name):
        self.dir = os.path.join(root, name)
        self.name = name
        with open(os.path.join(self.dir, "meta.json")) as f:
            self.meta = json.load(f)
        batch = self.meta["batch"]
        self.input = np.fromfile(os.path.join(self.dir, "input.f32"), dtype="<f4").reshape(batch, -1)
        self.output = np.fromfile(os.path.join(self.dir, "output.f32"), dtype="<f4").reshape(batch, -1)
        self.output1 = np.fromfile(os.path.join(self.dir, "output1.f32"), dtype="<f4").reshape(1, -1)

    def input_array(self, shape, n):
        return self.input[:n].reshape((n,) + tuple(shape)).copy()


failures = []


def compare(what, got, want):
    got = np.asarray(got, dtype=np.float64).reshape(want.shape)
    diff = float(np.max(np.abs(got - want))) if want.size else 0.0
    ok = diff <= TOLERANCE and np.all(np.isfinite(got))
    print(f"{'ok  ' if ok else 'FAIL'} {what}: max abs diff {diff:.3g}")
    if not ok:
        failures.append(what)


def concat_outputs(arrays, n):
    return np.concatenate([np.asarray(a, dtype=np.float64).reshape(n, -1) for a in arrays], axis=1)


def check_onnx(cases):
    onnx = need("onnx", "python3-onnx")
    import struct
    for case in cases:
        path = os.path.join(case.dir, "model.onnx")
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        problems = []
        if model.ir_version != 7:
            problems.append(f"IR version {model.ir_version}")
        if [(o.domain, o.version) for o in model.opset_import] != [("", 13)]:
            problems.append(f"opsets {model.opset_import}")
        for value in list(model.graph.input) + list(model.graph.output):
            if value.type.tensor_type.shape.dim[0].dim_param != "N":
                problems.append(f"{value.name} has no dynamic batch axis")
        ops = {n.op_type for n in model.graph.node}
        if ops & {"Dropout", "SoftmaxCrossEntropyLoss", "NegativeLogLikelihoodLoss", "Clip"}:
            problems.append(f"unexpected ops {ops}")
        with open(os.path.join(case.dir, "torch", "weights.safetensors"), "rb") as f:
            size = struct.unpack("<Q", f.read(8))[0]
            names = set(json.loads(f.read(size))) - {"__metadata__"}
        inits = {i.name for i in model.graph.initializer if "/" not in i.name}
        if inits != names:
            problems.append(f"initializers {sorted(inits ^ names)} differ from the safetensors")
        outputs = [o.name for o in model.graph.output]
        if outputs != [o["id"] for o in case.meta["outputs"]]:
            problems.append(f"outputs {outputs}")
        print(f"{'FAIL' if problems else 'ok  '} {case.name}: onnx.checker full_check, "
              f"{len(model.graph.node)} nodes, outputs {outputs} {'; '.join(problems)}")
        if problems:
            failures.append(case.name)
        if case.name in OPENCV_SKIP:
            check_onnx_values(case, model)


def torch_run_onnx(model, x):
    """The graph's outputs for x, each ONNX node computed by the torch
    function of the same meaning: values for the models OpenCV cannot run
    (onnx 1.13 has no reference evaluator)."""
    torch = importlib.import_module("torch")
    import torch.nn.functional as F
    from onnx import helper, numpy_helper
    env = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in model.graph.initializer}
    env[model.graph.input[0].name] = torch.from_numpy(x)
    binary = {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div, "Pow": torch.pow}
    for n in model.graph.node:
        a = {at.name: helper.get_attribute_value(at) for at in n.attribute}
        i = [env[k] for k in n.input if k]
        pads = a.get("pads", [0, 0, 0, 0])
        if n.op_type == "Conv":
            y = F.conv2d(i[0], i[1], i[2] if len(i) > 2 else None, a.get("strides", 1), pads[:2],
                         a.get("dilations", 1), a.get("group", 1))
        elif n.op_type in binary:
            y = binary[n.op_type](i[0], i[1])
        elif n.op_type == "ReduceMean":
            y = i[0].mean(dim=a["axes"], keepdim=bool(a.get("keepdims", 1)))
        elif n.op_type == "AveragePool":
            y = F.avg_pool2d(i[0], a["kernel_shape"], a.get("strides"), pads[:2],
                             count_include_pad=bool(a.get("count_include_pad", 0)))
        elif n.op_type == "Gemm":
            y = F.linear(i[0], i[1] if a.get("transB", 0) else i[1].T, i[2] if len(i) > 2 else None)
        elif n.op_type in ("Sqrt", "Erf", "Sigmoid"):
            y = getattr(torch, n.op_type.lower())(i[0])
        elif n.op_type == "Flatten":
            y = torch.flatten(i[0], a.get("axis", 1))
        elif n.op_type == "Softmax":
            y = torch.softmax(i[0], a.get("axis", -1))
        else:
            raise ValueError(f"no torch function for {n.op_type}")
        env[n.output[0]] = y
    return [env[o.name].numpy() for o in model.graph.output]


def check_onnx_values(case, model):
    """The ONNX model's outputs, computed op by op with torch, against Tsumiki's."""
    try:
        importlib.import_module("torch")
    except ImportError:
        print(f"skip {case.name}: values need python3-torch")
        return
    in_shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim[1:]]
    n = case.meta["batch"]
    got = torch_run_onnx(model, case.input_array(in_shape, n))
    compare(f"{case.name}: ONNX ops run by torch functions, batch {n}", concat_outputs(got, n),
            case.output)


def check_opencv(cases):
    need("onnx", "python3-onnx")
    cv2 = need("cv2", "python3-opencv")
    onnx = importlib.import_module("onnx")
    for case in cases:
        if case.name in OPENCV_SKIP:
            print(f"skip {case.name}: OpenCV {cv2.__version__} DNN cannot run {OPENCV_SKIP[case.name]}")
            continue
        path = os.path.join(case.dir, "model.onnx")
        model = onnx.load(path)
        in_shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim[1:]]
        names = [o["id"] for o in case.meta["outputs"]]
        runs = ((1, case.output1), (case.meta["batch"], case.output))
        if case.name in OPENCV_BATCH1:
            print(f"skip {case.name}: OpenCV {cv2.__version__} DNN batch > 1 cannot run "
                  f"{OPENCV_BATCH1[case.name]}")
            runs = runs[:1]
        for n, want in runs:
            net = cv2.dnn.readNetFromONNX(path)
            net.setInput(case.input_array(in_shape, n))
            got = net.forward(names)
            compare(f"{case.name}: OpenCV {cv2.__version__} DNN, batch {n}", concat_outputs(got, n), want)


def check_c(cases):
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if not cc:
        skip("no C compiler (cc) on PATH")
    driver = r"""
#include <stdio.h>
#include "NAME.h"
int main(int argc, char **argv)
{
    static float in[NAME_UPPER_INPUT_SIZE], out[NAME_UPPER_OUTPUT_SIZE];
    FILE *fi = fopen(argv[1], "rb"), *fo = fopen(argv[2], "wb");
    if (!fi || !fo) return 1;
    while (fread(in, sizeof(float), NAME_UPPER_INPUT_SIZE, fi) == NAME_UPPER_INPUT_SIZE) {
        if (NAME_predict(in, out) != 0) return 1;
        fwrite(out, sizeof(float), NAME_UPPER_OUTPUT_SIZE, fo);
    }
    return fclose(fo) != 0;
}
"""
    for case in cases:
        cdir = os.path.join(case.dir, "c")
        main_c = os.path.join(cdir, "main.c")
        with open(main_c, "w") as f:
            f.write(driver.replace("NAME_UPPER", case.name.upper()).replace("NAME", case.name))
        exe = os.path.join(cdir, "predict")
        cmd = [cc, "-std=c99", "-O2", "-Wall", "-Werror", "-o", exe, main_c,
               os.path.join(cdir, case.name + ".c"), "-lm"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL {case.name}: {' '.join(cmd)}\n{r.stderr}")
            failures.append(case.name)
            continue
        print(f"ok   {case.name}: compiles with cc -std=c99 -O2 -Wall -Werror")
        out = os.path.join(cdir, "out.f32")
        subprocess.run([exe, os.path.join(case.dir, "input.f32"), out], check=True)
        got = np.fromfile(out, dtype="<f4").reshape(case.meta["batch"], -1)
        compare(f"{case.name}: C export, batch 1", got[:1], case.output1)
        compare(f"{case.name}: C export, batch {case.meta['batch']}", got, case.output)


def load_module(path, name):
    """The Python file at path as module `name`, its folder importable while
    it loads (model.py imports tsumiki_io beside it)."""
    folder = os.path.dirname(path)
    sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.path.remove(folder)
    return module


def load_model_module(case, folder=None, name=None):
    """model.py of the case's PyTorch export (or of the export in folder)."""
    folder = folder or os.path.join(case.dir, "torch")
    return load_module(os.path.join(folder, "model.py"), f"model_{name or case.name}_{len(sys.modules)}")


def check_pytorch(cases):
    torch = need("torch", "python3-torch")
    for case in cases:
        module = load_model_module(case)
        io = sys.modules["tsumiki_io"]
        weights = io.load_safetensors(os.path.join(case.dir, "torch", "weights.safetensors"))
        net = module.TsumikiModel()
        keys = set(net.state_dict())
        if keys != set(weights):
            print(f"FAIL {case.name}: state_dict keys differ: {sorted(keys ^ set(weights))}")
            failures.append(case.name)
            continue
        net.load_state_dict(weights, strict=True)
        net.eval()
        print(f"ok   {case.name}: TsumikiModel() loads weights.safetensors with strict=True")
        shapes = [shape for _, _, shape in module.INPUTS]
        for n, want in ((1, case.output1), (case.meta["batch"], case.output)):
            at, inputs = 0, []
            for shape in shapes:
                size = int(np.prod(shape))
                inputs.append(torch.from_numpy(case.input[:n, at:at + size].reshape((n,) + tuple(shape)).copy()))
                at += size
            with torch.no_grad():
                got = net(*inputs)
            if not isinstance(got, tuple):
                got = (got,)
            compare(f"{case.name}: PyTorch {torch.__version__} eval, batch {n}",
                    concat_outputs([g.numpy() for g in got], n), want)


def check_predict(cases):
    torch = need("torch", "python3-torch")
    cli = os.path.join(os.environ.get("TSU_BUILD_DIR", "build"), "app", "tsumiki-cli")
    for case in cases:
        module = load_model_module(case)
        (_, _, shape), = module.INPUTS
        n = case.meta["batch"]
        x = case.input_array(shape, n)
        np.save(os.path.join(case.dir, "input.npy"), x)
        outs = [os.path.join(case.dir, f"out-{o['id']}.npy") for o in case.meta["outputs"]]
        args = [cli, "predict", os.path.join(case.dir, "project.tsumiki"), "--weights",
                os.path.join(case.dir, "weights.safetensors"), "--input",
                os.path.join(case.dir, "input.npy")]
        for path in outs:
            args += ["--output", path]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        got = [np.load(path) for path in outs]
        for o, g in zip(case.meta["outputs"], got):
            if g.dtype != np.float32 or g.shape != (n,) + tuple(o["shape"]):
                print(f"FAIL {case.name}: {o['id']} is {g.dtype} {g.shape}")
                failures.append(case.name)
        compare(f"{case.name}: predict vs Tsumiki's inference, batch {n}",
                concat_outputs(got, n), case.output)
        net = module.TsumikiModel()
        io = sys.modules["tsumiki_io"]
        net.load_state_dict(io.load_safetensors(os.path.join(case.dir, "torch", "weights.safetensors")))
        net.eval()
        with torch.no_grad():
            want = net(torch.from_numpy(x))
        want = want if isinstance(want, tuple) else (want,)
        compare(f"{case.name}: predict vs the PyTorch export, batch {n}",
                concat_outputs(got, n), concat_outputs([w.numpy() for w in want], n))


def without_random_layers(project):
    """The project without ImageAugmentation and Dropout (their consumers read
    their input): the layers that draw random numbers while training, which
    the two sides cannot draw alike."""
    nodes = project["network"]["nodes"]
    source = {n["id"]: n["inputs"][0] for n in nodes
              if n["type"] in ("ImageAugmentation", "Dropout")}
    kept = [n for n in nodes if n["id"] not in source]
    for n in kept:
        inputs = n.get("inputs", [])
        for i, name in enumerate(inputs):
            while name in source:
                name = source[name]
            inputs[i] = name
    project["network"]["nodes"] = kept
    return project


def random_targets(rng, kind, output_shape, n):
    """Targets for n samples of a loss over outputs [N, ...]."""
    if kind in ("CategoricalCrossEntropy", "SoftmaxCrossEntropy"):
        classes = output_shape[0]
        return rng.integers(0, classes, (n,) + tuple(output_shape[1:])).astype(np.float32)
    if kind in ("BinaryCrossEntropy", "SigmoidCrossEntropy"):
        return (rng.random((n,) + tuple(output_shape)) < 0.5).astype(np.float32)
    return rng.standard_normal((n,) + tuple(output_shape)).astype(np.float32)


TRAIN_STEPS, TRAIN_BATCH = 3, 8


def check_train(cases):
    torch = need("torch", "python3-torch")
    cli = os.path.join(os.environ.get("TSU_BUILD_DIR", "build"), "app", "tsumiki-cli")
    for case in cases:
        with open(os.path.join(case.dir, "project.tsumiki")) as f:
            project = without_random_layers(json.load(f))
        project["training"] = {"batch_size": TRAIN_BATCH,
                               "optimizer": {"type": "SGD", "learning_rate": 0.05}}
        sub = os.path.join(case.dir, "steps")
        project_path, weights = os.path.join(sub, "project.tsumiki"), os.path.join(case.dir, "weights.safetensors")
        os.makedirs(sub)
        with open(project_path, "w") as f:
            json.dump(project, f)
        # PyTorch's side exported from the same project: the network both train.
        subprocess.run([cli, "export", project_path, "--format", "pytorch", "--weights", weights,
                        "--out", os.path.join(sub, "torch")], check=True, stdout=subprocess.DEVNULL)
        module = load_model_module(case, os.path.join(sub, "torch"), case.name + "_steps")
        if not module.LOSSES:
            continue
        io = sys.modules["tsumiki_io"]
        exported_train = load_module(os.path.join(sub, "torch", "train.py"), f"train_{case.name}")
        net = module.TsumikiModel()
        net.load_state_dict(io.load_safetensors(weights))
        rng = np.random.default_rng(5)
        n = TRAIN_STEPS * TRAIN_BATCH
        data = {variable: rng.random((n,) + tuple(shape), dtype=np.float32)
                for _, variable, shape in module.INPUTS}
        with torch.no_grad():
            net.eval()
            outs = net(*[torch.from_numpy(data[v][:1]) for _, v, _ in module.INPUTS])
        outs = outs if isinstance(outs, tuple) else (outs,)
        for _, kind, index, variable in module.LOSSES:
            data[variable] = random_targets(rng, kind, outs[index].shape[1:], n)
        args = [FIXTURE, "--steps", project_path, weights, str(TRAIN_STEPS),
                os.path.join(sub, "after.safetensors")]
        for variable, values in data.items():
            path = os.path.join(sub, f"{variable}.f32")
            values.astype("<f4").tofile(path)
            args.append(f"{variable}={path}")
        run = subprocess.run(args, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"FAIL {case.name}: export-fixture --steps: {run.stderr.strip()}")
            failures.append(case.name)
            continue
        ours = [float(line.split()[2]) for line in run.stdout.splitlines() if line.startswith("loss")]

        net.train()
        optimizer = exported_train.make_optimizer(net.parameters(), project["training"], 0.05)
        theirs = []
        for k in range(TRAIN_STEPS):
            batch = slice(k * TRAIN_BATCH, (k + 1) * TRAIN_BATCH)
            outputs = net(*[torch.from_numpy(data[v][batch]) for _, v, _ in module.INPUTS])
            outputs = outputs if isinstance(outputs, tuple) else (outputs,)
            loss = 0.0
            for _, kind, index, variable in module.LOSSES:
                target = torch.from_numpy(data[variable][batch])
                loss = loss + exported_train.loss_and_hits(kind, outputs[index], target)[0]
            theirs.append(float(loss))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        compare(f"{case.name}: loss of {TRAIN_STEPS} SGD steps, Tsumiki vs PyTorch",
                np.array(ours), np.array(theirs))
        after = io.load_safetensors(os.path.join(sub, "after.safetensors"))
        state = {k: v.detach().numpy() for k, v in net.state_dict().items()}
        if set(after) != set(state):
            print(f"FAIL {case.name}: tensors differ: {sorted(set(after) ^ set(state))}")
            failures.append(case.name)
            continue
        worst = max(state, key=lambda k: float(np.max(np.abs(after[k].numpy() - state[k])))
                    if state[k].size else 0.0)
        compare(f"{case.name}: {len(state)} tensors after the steps (worst {worst})",
                np.concatenate([after[k].numpy().ravel() for k in sorted(state)]),
                np.concatenate([state[k].ravel() for k in sorted(state)]))


def check_onnxruntime(cases):
    ort_dir = os.path.join(os.environ.get("TSU_BUILD_DIR", "build"), "node", "node_modules")
    if not shutil.which("node"):
        skip("node is not installed (apt install nodejs)")
    if not os.path.isdir(os.path.join(ort_dir, "onnxruntime-web")):
        skip(f"onnxruntime-web is not in {ort_dir}: ./dev.sh test installs it")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ort-run.mjs")
    for case in cases:
        for n, want in ((1, case.output1), (case.meta["batch"], case.output)):
            path = os.path.join(case.dir, f"ort-input{n}.f32")
            case.input[:n].tofile(path)
            shape = ",".join(str(d) for d in [n] + case.meta["input_shape"])
            prefix = os.path.join(case.dir, f"ort-out{n}-")
            run = subprocess.run(["node", script, ort_dir, os.path.join(case.dir, "model.onnx"),
                                  prefix, f"{path}:{shape}"], capture_output=True, text=True)
            if run.returncode != 0:
                print(f"FAIL {case.name}: onnxruntime-web, batch {n}: {run.stderr.strip()}")
                failures.append(case.name)
                continue
            outputs = json.loads(run.stdout)
            names = [o["name"] for o in outputs]
            if names != [o["id"] for o in case.meta["outputs"]]:
                print(f"FAIL {case.name}: onnxruntime-web outputs {names}")
                failures.append(case.name)
            got = [np.fromfile(f"{prefix}{i}.f32", dtype="<f4") for i in range(len(outputs))]
            compare(f"{case.name}: onnxruntime-web (wasm, 1 thread), batch {n}",
                    concat_outputs(got, n), want)


def check_ddp(cases):
    need("torch", "python3-torch")
    for case in cases:
        tdir = os.path.join(case.dir, "torch")
        run = os.path.join(case.dir, "ddp-run")
        env = dict(os.environ, OMP_NUM_THREADS="1")
        env.setdefault("GLOO_SOCKET_IFNAME", "lo")
        cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
               # torch 1.13 under Python 3.11 cannot parse the default "0" of
               # these two (its Std flag enum lost NONE from iteration).
               "--redirects", "1", "--tee", "1",
               "train.py", "--epochs", "1", "--out", run]
        # Its own session, so that a hang is cleaned up with every worker.
        proc = subprocess.Popen(cmd, cwd=tdir, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            err += "\ntorchrun did not finish in 180 s (killed)"
        r = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
        print(r.stdout.strip())
        history = os.path.join(run, "history.csv")
        rows = open(history).read().strip().split("\n") if os.path.exists(history) else []
        ok = r.returncode == 0 and len(rows) == 2 and rows[0].startswith("epoch,train_loss")
        if ok:
            module = load_model_module(case)
            io = sys.modules["tsumiki_io"]
            module.TsumikiModel().load_state_dict(
                io.load_safetensors(os.path.join(run, "weights.safetensors")), strict=True)
            # ... and the trained weights open in Tsumiki again.
            back = subprocess.run([FIXTURE, "--load", os.path.join(tdir, "project.tsumiki"),
                                   os.path.join(run, "weights.safetensors")],
                                  capture_output=True, text=True)
            print((back.stdout + back.stderr).strip())
            ok = back.returncode == 0
        print(f"{'ok  ' if ok else 'FAIL'} {case.name}: torchrun --nproc_per_node=2 (gloo, CPU), "
              f"one epoch; history {rows[-1] if rows else '(none)'}")
        if not ok:
            print(r.stderr[-3000:])
            failures.append(case.name)


def import_torch_model(fixture, net, x, folder, name):
    """torch.onnx writes net (opset 13, a dynamic batch axis) to
    folder/NAME.onnx, and the fixture imports it and runs Tsumiki's inference
    on x into folder/output.f32. The model's path, or None after a failure."""
    torch = importlib.import_module("torch")
    path = os.path.join(folder, name + ".onnx")
    torch.onnx.export(net, x, path, opset_version=13, input_names=["image"],
                      output_names=["y"], dynamic_axes={"image": {0: "N"}, "y": {0: "N"}})
    x.numpy().astype("<f4").tofile(os.path.join(folder, "input.f32"))
    r = subprocess.run([fixture, "--import", path, folder], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"FAIL torch.onnx {name} model did not import:\n{r.stderr}")
        failures.append("import-" + name)
        return None
    return path


def check_import(fixture):
    """Another tool's ONNX: torch.onnx's own export of a small branching CNN."""
    torch = need("torch", "python3-torch")
    need("onnx", "python3-onnx")
    from torch import nn
    import torch.nn.functional as F

    class Foreign(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(3, 8, 3, padding=1)
            self.bn = nn.BatchNorm2d(8)
            self.c2 = nn.Conv2d(8, 8, 3, padding=1, groups=2)
            self.up = nn.ConvTranspose2d(16, 4, 2, stride=2)
            self.fc = nn.Linear(4 * 8 * 8, 6)

        def forward(self, x):
            a = F.relu(self.bn(self.c1(x)))
            b = F.leaky_relu(self.c2(a), 0.2)
            h = torch.cat([a + b, a], 1)
            h = F.avg_pool2d(h, 3, 2, 1)  # count_include_pad=True: Pad + AveragePool
            h = F.max_pool2d(h, 2)
            h = F.elu(torch.tanh(self.up(h)))
            return torch.softmax(self.fc(torch.flatten(h, 1)), dim=1)

    torch.manual_seed(5)
    net = Foreign()
    with torch.no_grad():
        net.bn.running_mean.uniform_(-0.5, 0.5)
        net.bn.running_var.uniform_(0.5, 2.0)
    net.eval()
    root = tempfile.mkdtemp(prefix="tsumiki-export-import-")
    x = torch.rand(3, 3, 16, 16)
    path = import_torch_model(fixture, net, x, root, "foreign")
    if not path:
        return root
    with torch.no_grad():
        want = net(x).numpy().astype(np.float64)
    got = np.fromfile(os.path.join(root, "output.f32"), dtype="<f4")
    ops = sorted({n.op_type for n in importlib.import_module("onnx").load(path).graph.node})
    print(f"ok   torch.onnx {torch.__version__} model ({', '.join(ops)}) imports")
    compare("torch.onnx model: Tsumiki inference after import vs PyTorch, batch 3", got, want)
    check_import_matmul(fixture, root)
    check_import_modern(fixture, root)
    check_import_variants(fixture, root)
    check_import_refusals(fixture, root)
    return root


def write_helper_model(root, name, nodes, inits, x, opset):
    """A model made with onnx.helper from `nodes` on input "in" (x's shape
    with a dynamic batch) to "out", in root/NAME/ with x as input.f32; the
    folder and the model's path."""
    onnx = importlib.import_module("onnx")
    from onnx import helper, TensorProto
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("in", TensorProto.FLOAT, ["N"] + list(x.shape[1:]))],
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    sub = os.path.join(root, name)
    os.makedirs(sub)
    path = os.path.join(sub, name + ".onnx")
    onnx.save(model, path)
    x.astype("<f4").tofile(os.path.join(sub, "input.f32"))
    return sub, path


def import_helper_model(fixture, root, name, nodes, inits, x, opset):
    """write_helper_model's model imported by the fixture: Tsumiki's outputs
    for x, or None after a failure."""
    sub, path = write_helper_model(root, name, nodes, inits, x, opset)
    r = subprocess.run([fixture, "--import", path, sub], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"FAIL {name} did not import:\n{r.stderr}")
        failures.append("import-" + name)
        return None
    return np.fromfile(os.path.join(sub, "output.f32"), dtype="<f4").reshape(x.shape[0], -1)


def check_import_variants(fixture, root):
    """What other writers than torch 1.13 may write: Upsample (opset 9) and
    a LayerNorm chain squaring with Mul(d, d)."""
    from onnx import helper, numpy_helper
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 3, 2, 3)).astype(np.float32)
    got = import_helper_model(fixture, root, "upsample", [helper.make_node(
        "Upsample", ["in", "scales"], ["out"], mode="nearest")],
        [numpy_helper.from_array(np.array([1, 1, 3, 2], dtype=np.float32), "scales")], x, 9)
    if got is not None:
        compare("Upsample x3, x2 (opset 9) imported as Unpooling vs numpy, batch 2", got,
                np.repeat(np.repeat(x, 3, axis=2), 2, axis=3).reshape(2, -1))
    w = rng.uniform(0.5, 1.5, (3, 2, 3)).astype(np.float32)
    b = rng.uniform(-0.5, 0.5, (3, 2, 3)).astype(np.float32)
    axes = [1, 2, 3]
    nodes = [helper.make_node("ReduceMean", ["in"], ["m"], axes=axes),
             helper.make_node("Sub", ["in", "m"], ["d"]),
             helper.make_node("Mul", ["d", "d"], ["d2"]),
             helper.make_node("ReduceMean", ["d2"], ["v"], axes=axes),
             helper.make_node("Add", ["v", "eps"], ["ve"]),
             helper.make_node("Sqrt", ["ve"], ["sd"]),
             helper.make_node("Div", ["d", "sd"], ["n"]),
             helper.make_node("Mul", ["n", "w"], ["nw"]),
             helper.make_node("Add", ["nw", "b"], ["out"])]
    inits = [numpy_helper.from_array(np.array([1e-3], dtype=np.float32), "eps"),
             numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")]
    got = import_helper_model(fixture, root, "layernorm-mul", nodes, inits, x, 13)
    if got is not None:
        xd = x.astype(np.float64)
        mean = xd.mean(axis=(1, 2, 3), keepdims=True)
        var = xd.var(axis=(1, 2, 3), keepdims=True)
        compare("LayerNorm chain with Mul(d, d) imported as LayerNormalization vs numpy, batch 2",
                got, ((xd - mean) / np.sqrt(var + 1e-3) * w + b).reshape(2, -1))


def check_import_refusals(fixture, root):
    """Operators of the modern kinds outside what Tsumiki can take: the
    import fails with exit status 1 and a message naming the ONNX node."""
    from onnx import helper, numpy_helper
    f32 = lambda name, *v: numpy_helper.from_array(np.array(v, dtype=np.float32), name)
    cases = [
        ("div", [helper.make_node("Div", ["in", "three"], ["out"], name="third")], [f32("three", 3.0)],
         '"third" (Div): Div is imported only as the start of GELU'),
        ("mulconst", [helper.make_node("Mul", ["in", "two"], ["out"], name="twice")], [f32("two", 2.0)],
         '"twice" (Mul): Mul is supported between two computed tensors (Mul2), not with a constant'),
        ("linear", [helper.make_node("Resize", ["in", "", "scales"], ["out"], name="up", mode="linear")],
         [f32("scales", 1, 1, 2, 2)], '"up" (Resize): only mode nearest is supported'),
        ("fraction", [helper.make_node("Resize", ["in", "", "scales"], ["out"], name="up", mode="nearest")],
         [f32("scales", 1, 1, 1.5, 2)], '"up" (Resize): scale 1.5 is not a whole number from 1 to 1024'),
        ("slopes", [helper.make_node("PRelu", ["in", "slope"], ["out"], name="pr")], [f32("slope", 0.1, 0.2)],
         '"pr" (PRelu): the slope must be an initializer of 1 or 3 values (one per channel)'),
        ("mean", [helper.make_node("ReduceMean", ["in"], ["out"], name="avg", axes=[2, 3])], [],
         '"avg" (ReduceMean): ReduceMean is imported only as the start of LayerNorm'),
    ]
    for name, nodes, inits, message in cases:
        sub, path = write_helper_model(root, "refuse-" + name, nodes, inits,
                                       np.zeros((1, 3, 4, 4), dtype=np.float32), 13)
        r = subprocess.run([fixture, "--import", path, sub], capture_output=True, text=True)
        ok = r.returncode == 1 and message in r.stderr
        print(f"{'ok  ' if ok else 'FAIL'} {name}: import refused with \"{message}\""
              + ("" if ok else f"; got exit {r.returncode}:\n{r.stderr}"))
        if not ok:
            failures.append("import-" + name)


def check_import_modern(fixture, root):
    """The kinds of modern CNNs as torch.onnx writes them for opset 13: PRelu,
    SiLU as Sigmoid + Mul, a squeeze-and-excitation Mul, LayerNorm and GELU
    as their chains of small operators, Resize nearest, Softplus, Sub, Selu."""
    torch = importlib.import_module("torch")
    from torch import nn
    import torch.nn.functional as F

    class Modern(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(3, 8, 3, padding=1)
            self.pr = nn.PReLU(8)
            self.sq = nn.Conv2d(8, 4, 1)
            self.ex = nn.Conv2d(4, 8, 1)
            self.ln = nn.LayerNorm([8, 4, 4])
            self.pr1 = nn.PReLU()
            self.fc = nn.Linear(8 * 8 * 8, 6)
            self.ln1 = nn.LayerNorm(6, eps=1e-3)

        def forward(self, x):
            h = self.pr(self.c1(x))
            gate = torch.sigmoid(self.ex(F.silu(self.sq(F.adaptive_avg_pool2d(h, 1)))))
            h = h * gate
            p = F.gelu(self.ln(F.max_pool2d(h, 2)))
            u = F.interpolate(p, scale_factor=2, mode="nearest")
            h = F.selu(self.pr1(u - F.softplus(h)))
            return self.ln1(self.fc(torch.flatten(h, 1)))

    torch.manual_seed(8)
    net = Modern()
    with torch.no_grad():
        for m in (net.ln, net.ln1):
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
        net.pr.weight.uniform_(0.05, 0.5)
    net.eval()
    sub = os.path.join(root, "modern")
    os.makedirs(sub)
    x = torch.rand(3, 3, 8, 8)
    path = import_torch_model(fixture, net, x, sub, "modern")
    if not path:
        return
    with open(os.path.join(sub, "model.tsumiki")) as f:
        types = sorted({n["type"] for n in json.load(f)["network"]["nodes"]})
    want_types = ["Affine", "Convolution", "GELU", "GlobalAveragePooling", "Input",
                  "LayerNormalization", "MaxPooling", "Mul2", "PReLU", "SELU", "Sigmoid",
                  "Softplus", "SquaredError", "Sub2", "Swish", "Unpooling"]
    if types != want_types:
        print(f"FAIL torch.onnx modern model imported as {types}")
        failures.append("import-modern")
    with torch.no_grad():
        want = net(x).numpy().astype(np.float64)
    got = np.fromfile(os.path.join(sub, "output.f32"), dtype="<f4")
    ops = sorted({n.op_type for n in importlib.import_module("onnx").load(path).graph.node})
    print(f"ok   torch.onnx {torch.__version__} modern model ({', '.join(ops)}) imports as "
          f"{', '.join(types)}")
    compare("torch.onnx modern model: Tsumiki inference after import vs PyTorch, batch 3", got, want)


def check_import_matmul(fixture, root):
    """Dense layers as other converters (tf2onnx) write them: MatMul + Add,
    without node names."""
    onnx = importlib.import_module("onnx")
    from onnx import helper, numpy_helper, TensorProto
    rng = np.random.default_rng(3)
    w1, b1 = rng.normal(size=(4, 6)).astype(np.float32), rng.normal(size=6).astype(np.float32)
    w2, b2 = rng.normal(size=(6, 2)).astype(np.float32), rng.normal(size=2).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["in", "w1"], ["h1"]),
             helper.make_node("Add", ["h1", "b1"], ["h2"]),
             helper.make_node("Relu", ["h2"], ["h3"]),
             helper.make_node("MatMul", ["h3", "w2"], ["h4"]),
             helper.make_node("Add", ["b2", "h4"], ["h5"]),
             helper.make_node("Sigmoid", ["h5"], ["out"])]
    inits = [numpy_helper.from_array(a, n) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))]
    graph = helper.make_graph(nodes, "dense", [helper.make_tensor_value_info("in", TensorProto.FLOAT, ["N", 4])],
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["N", 2])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    sub = os.path.join(root, "dense")
    os.makedirs(sub)
    path = os.path.join(sub, "dense.onnx")
    onnx.save(model, path)
    x = rng.random((5, 4), dtype=np.float32)
    x.astype("<f4").tofile(os.path.join(sub, "input.f32"))
    r = subprocess.run([fixture, "--import", path, sub], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"FAIL MatMul + Add model did not import:\n{r.stderr}")
        failures.append("import-dense")
        return
    with open(os.path.join(sub, "model.tsumiki")) as f:
        types = [n["type"] for n in json.load(f)["network"]["nodes"]]
    if types != ["Input", "Affine", "ReLU", "Affine", "Sigmoid", "BinaryCrossEntropy"]:
        print(f"FAIL MatMul + Add imported as {types}")
        failures.append("import-dense")
    want = 1 / (1 + np.exp(-(np.maximum(x @ w1 + b1, 0) @ w2 + b2)))
    got = np.fromfile(os.path.join(sub, "output.f32"), dtype="<f4")
    compare("MatMul + Add model: Tsumiki inference after import vs numpy, batch 5", got, want)


def main():
    global FIXTURE
    check, fixture = sys.argv[1], sys.argv[2]
    FIXTURE = fixture
    checks = {"onnx": check_onnx, "opencv": check_opencv, "c": check_c, "pytorch": check_pytorch,
              "ddp": check_ddp, "predict": check_predict, "train": check_train,
              "onnxruntime": check_onnxruntime}
    if check not in checks and check != "import":
        print(__doc__)
        return 2
    if check == "import":
        root = check_import(fixture)
        if not failures:
            shutil.rmtree(root, ignore_errors=True)
        print(f"{len(failures)} failure(s)" if failures else "all agree")
        return 1 if failures else 0
    names = sys.argv[3:] or (["mlp"] if check == "ddp" else
                             NETWORKS + EXAMPLES if check == "onnxruntime" else
                             NETWORKS + DEEP_EXAMPLES)
    root = tempfile.mkdtemp(prefix=f"tsumiki-export-{check}-")
    try:
        subprocess.run([fixture, root] + names, check=True)
        checks[check]([Case(root, name) for name in names])
    finally:
        if failures:
            print(f"kept {root} for a look")
        else:
            shutil.rmtree(root, ignore_errors=True)
    print(f"{len(failures)} failure(s)" if failures else "all agree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
