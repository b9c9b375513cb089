#!/usr/bin/python3
"""onnx-node-tests.py CLI [NODE_DIR] - the ONNX backend node tests through Tsumiki.

NODE_DIR (default: Debian's libonnx-testdata, /usr/share/libonnx-testdata/data/node)
holds test_*/model.onnx with test_data_set_*/input_*.pb and output_*.pb
TensorProtos. Every test whose operators `tsumiki-cli import --list-operators`
names is run: the first graph input stays the network's input; the other
inputs (weights, biases, statistics, shapes) become initializers with the
data set's values, as Tsumiki's layers hold their tensors; the model is
imported with `tsumiki-cli import`, each data set's input is written as .npy
and run with `tsumiki-cli predict`, and the outputs are compared with
output_*.pb (|got - want| <= 1e-5 + 1e-3 |want|, the backend tests' own
rtol 1e-3).

Tests are counted as run (passed or failed) or skipped, and skips are grouped
by reason: an operator Tsumiki does not import, or an import refusal (an
attribute or form Tsumiki does not support: its message, the node name
dropped). `--markdown` prints the table docs/export.md shows. Exit 1 when a
test that imports gives a wrong answer and is not in KNOWN_WRONG; 77 when the
test data or a Python module is missing.
"""
import collections
import os
import re
import subprocess
import sys
import tempfile

DEFAULT_DIR = "/usr/share/libonnx-testdata/data/node"
RTOL, ATOL = 1e-3, 1e-5
# Tests that import but give a different answer, with the reason. Empty
# means none is known.
KNOWN_WRONG = {}


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(77)


try:
    import numpy as np
    import onnx
    from onnx import numpy_helper
except ImportError as e:
    skip(f"{e}: install python3-onnx and python3-numpy")


def supported_operators(cli):
    out = subprocess.run([cli, "import", "--list-operators"], check=True, capture_output=True,
                         text=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def load_sets(test_dir):
    sets = []
    for name in sorted(os.listdir(test_dir)):
        if not name.startswith("test_data_set_"):
            continue
        d = os.path.join(test_dir, name)

        def read(prefix):
            files = sorted((f for f in os.listdir(d) if f.startswith(prefix)),
                           key=lambda f: int(re.findall(r"\d+", f)[0]))
            arrays = []
            for f in files:
                t = onnx.TensorProto()
                with open(os.path.join(d, f), "rb") as fh:
                    t.ParseFromString(fh.read())
                arrays.append(numpy_helper.to_array(t))
            return arrays
        sets.append((read("input_"), read("output_")))
    return sets


def with_initializers(model, inputs):
    """The model with graph inputs after the first made initializers."""
    graph = model.graph
    init_names = {i.name for i in graph.initializer}
    real = [i for i in graph.input if i.name not in init_names]
    for value, array in zip(real[1:], inputs[1:]):
        graph.initializer.append(numpy_helper.from_array(array, value.name))
        graph.input.remove(value)
    return model


def reason_of(stderr):
    """An import refusal without the node's name and the file: groups alike."""
    line = next((l for l in stderr.splitlines() if l.strip()), "no message")
    line = re.sub(r"^error: ", "", line)
    line = re.sub(r"^\S+\.onnx: ", "", line)
    line = re.sub(r'node \d+ "[^"]*" ', "", line)
    line = re.sub(r'"[^"]*": ', "", line)
    return line.strip()


def run_test(cli, test_dir, work, ops):
    """('pass'|'fail'|'skip', detail)"""
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    used = sorted({n.op_type for n in model.graph.node})
    missing = [op for op in used if op not in ops]
    if missing:
        return "skip", "operator " + ", ".join(missing) + " is not imported"
    try:
        sets = load_sets(test_dir)
    except ValueError:
        return "skip", "test data that is not a plain tensor (sequence, optional)"
    if not sets:
        return "skip", "no test data set"
    inputs, outputs = sets[0]
    if not inputs:
        return "skip", "no graph input (constant model)"
    if any(a.dtype.kind != "f" for a in inputs[:1] + outputs):
        return "skip", "input or output is not floating point"
    model = with_initializers(model, inputs)
    path = os.path.join(work, "model.onnx")
    onnx.save(model, path)
    project = os.path.join(work, "model.tsumiki")
    imp = subprocess.run([cli, "import", path, "--out", project], capture_output=True, text=True)
    if imp.returncode != 0:
        return "skip", "import: " + reason_of(imp.stderr)
    worst = 0.0
    for inputs, outputs in sets:
        x = os.path.join(work, "x.npy")
        np.save(x, np.ascontiguousarray(inputs[0], dtype="<f4"))
        outs = [os.path.join(work, f"y{i}.npy") for i in range(len(outputs))]
        args = [cli, "predict", project, "--weights", os.path.join(work, "model.safetensors"),
                "--input", x]
        for o in outs:
            args += ["--output", o]
        run = subprocess.run(args, capture_output=True, text=True)
        if run.returncode != 0 and "computes nothing" in run.stderr:
            return "skip", "the network is the identity at inference: predict has nothing to run"
        if run.returncode != 0:
            return "fail", "predict: " + reason_of(run.stderr)
        for o, want in zip(outs, outputs):
            got = np.load(o)
            if got.size != want.size:
                return "fail", f"{got.shape} values for an output of shape {want.shape}"
            got = got.reshape(want.shape).astype(np.float64)
            want = want.astype(np.float64)
            excess = np.abs(got - want) - (ATOL + RTOL * np.abs(want))
            if not np.all(np.isfinite(got)) or np.max(excess) > 0:
                return "fail", f"max abs diff {np.max(np.abs(got - want)):.3g}"
            worst = max(worst, float(np.max(np.abs(got - want))) if want.size else 0.0)
    return "pass", f"max abs diff {worst:.3g}"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    markdown = "--markdown" in sys.argv
    if not args:
        print(__doc__)
        return 2
    cli = args[0]
    node_dir = args[1] if len(args) > 1 else DEFAULT_DIR
    if not os.path.isdir(node_dir):
        skip(f"{node_dir} is missing: apt install libonnx-testdata")
    ops = supported_operators(cli)
    results = {}
    with tempfile.TemporaryDirectory(prefix="tsumiki-onnx-node-") as root:
        for name in sorted(os.listdir(node_dir)):
            test_dir = os.path.join(node_dir, name)
            if not os.path.isfile(os.path.join(test_dir, "model.onnx")):
                continue
            work = os.path.join(root, name)
            os.mkdir(work)
            results[name] = run_test(cli, test_dir, work, ops)
    counts = collections.Counter(r for r, _ in results.values())
    unexpected = [n for n, (r, _) in results.items() if r == "fail" and n not in KNOWN_WRONG]
    fixed = [n for n in KNOWN_WRONG if results.get(n, ("",))[0] == "pass"]
    for name, (result, detail) in results.items():
        if result != "skip":
            tag = "ok  " if result == "pass" else ("KNOWN" if name in KNOWN_WRONG else "FAIL")
            print(f"{tag} {name}: {detail}")
    reasons = collections.Counter(d for r, d in results.values() if r == "skip")
    print(f"\n{len(results)} node tests: {counts['pass'] + counts['fail']} run, "
          f"{counts['pass']} passed, {counts['fail']} failed "
          f"({counts['fail'] - len(unexpected)} known), {counts['skip']} skipped")
    ops_missing = sum(c for d, c in reasons.items() if d.startswith("operator"))
    print(f"skipped: {ops_missing} for an operator Tsumiki does not import, "
          f"{counts['skip'] - ops_missing} for another reason:")
    for detail, n in reasons.most_common():
        if not detail.startswith("operator"):
            print(f"  {n:4d}  {detail}")
    by_op = collections.Counter(d.split()[1].rstrip(",") for d in reasons.elements()
                                if d.startswith("operator"))
    print("most common operators not imported (tests, each counted under the first missing in alphabetical order): " +
          ", ".join(f"{op} {n}" for op, n in by_op.most_common(25)))
    if markdown:
        print("\n| reason | tests |\n| --- | ---: |")
        for detail, n in reasons.most_common():
            if not detail.startswith("operator"):
                print(f"| {detail} | {n} |")
    for name in unexpected:
        print(f"FAIL {name}: {results[name][1]}")
    for name in fixed:
        print(f"{name} passes now: take it out of KNOWN_WRONG")
    return 1 if unexpected or fixed else 0


if __name__ == "__main__":
    sys.exit(main())
