#!/bin/sh
# A residual block repeated three times (RepeatStart/RepeatEnd) as a user
# runs it: check counts every copy and says so, one epoch on the blobs
# learns them, and the weights file names each copy's tensors.
set -eu
cli="$1"
src="${TSU_SOURCE_DIR:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

sh "$src/tests/data/make-blobs-project.sh" "$work" blobs 1 32
nodes='
  {"id": "x", "type": "Input", "params": {"shape": [2]}},
  {"id": "fc1", "type": "Affine", "inputs": ["x"], "params": {"outmaps": 8}},
  {"id": "rs1", "type": "RepeatStart", "inputs": ["fc1"], "params": {"times": 3}},
  {"id": "ca", "type": "Affine", "inputs": ["rs1"], "params": {"outmaps": 8}},
  {"id": "r", "type": "ReLU", "inputs": ["ca"]},
  {"id": "add", "type": "Add2", "inputs": ["r", "rs1"]},
  {"id": "re1", "type": "RepeatEnd", "inputs": ["add"], "params": {"start": "rs1"}},
  {"id": "fc2", "type": "Affine", "inputs": ["re1"], "params": {"outmaps": 2}},
  {"id": "prob", "type": "Softmax", "inputs": ["fc2"]},
  {"id": "loss", "type": "CategoricalCrossEntropy", "inputs": ["prob"]}]},'
# Swap the network of make-blobs-project.sh's file for the one above.
awk -v nodes="$nodes" '/"nodes": \[/ { print " \"network\": {\"nodes\": [" nodes; skip = 1; next }
     skip && /"id": "loss"/ { skip = 0; next } !skip' "$work/blobs.tsumiki" > "$work/res.tsumiki"

"$cli" check "$work/res.tsumiki" > "$work/check" || { cat "$work/check"; fail "check"; }
cat "$work/check"
# ca: (8*8 + 8) * 3 = 216 weights, 8*8 * 3 = 192 multiply-adds.
grep -Eq '^ca +Affine +8 +216 +192  ×3$' "$work/check" || fail "ca's row should count 3 copies"
grep -q '^Trainable parameters: 258$' "$work/check" || fail "total 24 + 216 + 18"

"$cli" train "$work/res.tsumiki" --out "$work/run" > "$work/log" || { cat "$work/log"; fail "train"; }
"$cli" eval "$work/res.tsumiki" --weights "$work/run/weights.safetensors" > "$work/eval" || fail "eval"
cat "$work/eval"
acc=$(sed -n 's/^Accuracy: \([0-9.]*\)%$/\1/p' "$work/eval")
awk -v a="$acc" 'BEGIN { exit !(a >= 95) }' || fail "accuracy $acc% < 95% after an epoch"
names=$(head -c 4096 "$work/run/weights.safetensors" | grep -ao '"[a-z0-9.]*\.\(weight\|bias\)"' | sort | tr '\n' ' ')
[ "$names" = '"ca.0.bias" "ca.0.weight" "ca.1.bias" "ca.1.weight" "ca.2.bias" "ca.2.weight" "fc1.bias" "fc1.weight" "fc2.bias" "fc2.weight" ' ] \
    || fail "safetensors names: $names"
echo ok
