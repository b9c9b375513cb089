#!/bin/sh
# A project whose ids start with a capital letter or hold digits and
# underscores (FC1, Conv2, X_9) trains an epoch, evaluates and exports to
# ONNX, C and PyTorch, all with exit status 0: its weights file must be one
# Tsumiki reads back.
set -eu
cli="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 3x3 "images" as 9 columns: class 1 is brighter on the left.
awk 'BEGIN { srand(5); printf "x__0"; for (k = 1; k < 9; k++) printf ",x__%d", k; print ",y";
  for (i = 0; i < 96; i++) { y = i % 2;
    for (k = 0; k < 9; k++) printf "%.3f,", rand() + (y && k % 3 == 0 ? 1 : 0);
    print y } }' > "$work/data.csv"
cat > "$work/ids.tsumiki" <<'JSON'
{"format": "tsumiki-project", "version": 1, "name": "ids",
 "network": {"nodes": [
  {"id": "x", "type": "Input", "params": {"shape": [1, 3, 3]}},
  {"id": "Conv2", "type": "Convolution", "inputs": ["x"], "params": {"outmaps": 2, "kernel": [2, 2]}},
  {"id": "R", "type": "ReLU", "inputs": ["Conv2"]},
  {"id": "FC1", "type": "Affine", "inputs": ["R"], "params": {"outmaps": 4}},
  {"id": "X_9", "type": "Affine", "inputs": ["FC1"], "params": {"outmaps": 2}},
  {"id": "P", "type": "Softmax", "inputs": ["X_9"]},
  {"id": "Loss", "type": "CategoricalCrossEntropy", "inputs": ["P"]}]},
 "dataset": {"training": {"source": "csv", "path": "data.csv"},
             "validation": {"source": "csv", "path": "data.csv", "limit": 32}},
 "training": {"epochs": 1, "batch_size": 16, "seed": 1, "threads": 1,
              "optimizer": {"type": "Adam", "learning_rate": 0.01}}}
JSON
cd "$work"
"$cli" train ids.tsumiki --out run > log 2>&1 || fail "train: $(cat log)"
head -c 9 run/weights.safetensors | tail -c 1 | grep -q '{' || fail "the header does not start with {"
"$cli" eval ids.tsumiki --weights run/weights.safetensors > log 2>&1 || fail "eval: $(cat log)"
grep -q "^Accuracy: " log || fail "eval printed no accuracy: $(cat log)"
for format in onnx c pytorch; do
    "$cli" export ids.tsumiki --format $format --out "out-$format" --weights run/best.safetensors \
        > log 2>&1 || fail "export $format: $(cat log)"
done
[ -s out-onnx ] && [ -s out-pytorch/weights.safetensors ] && [ -n "$(ls out-c)" ] \
    || fail "missing export files: $(ls -R)"
echo "ids FC1, Conv2, X_9: train, eval and export passed"
