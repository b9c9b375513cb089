#!/bin/sh
# Writes make-blobs-project.sh's files and DIR/res.tsumiki, the same data
# learnt through a residual block repeated three times (RepeatStart/
# RepeatEnd, docs/layers.md): fc1 -> ReLU -> [ca -> r, + skip] x3 -> fc2
# (no warnings: the ReLU keeps fc1 and ca from being one linear map).
# Usage: make-repeat-project.sh DIR NAME EPOCHS BATCH_SIZE
set -eu
dir=$1
sh "$(dirname "$0")/make-blobs-project.sh" "$@"
nodes='
  {"id": "x", "type": "Input", "params": {"shape": [2]}},
  {"id": "fc1", "type": "Affine", "inputs": ["x"], "params": {"outmaps": 8}},
  {"id": "r0", "type": "ReLU", "inputs": ["fc1"]},
  {"id": "rs1", "type": "RepeatStart", "inputs": ["r0"], "params": {"times": 3}},
  {"id": "ca", "type": "Affine", "inputs": ["rs1"], "params": {"outmaps": 8}},
  {"id": "r", "type": "ReLU", "inputs": ["ca"]},
  {"id": "add", "type": "Add2", "inputs": ["r", "rs1"]},
  {"id": "re1", "type": "RepeatEnd", "inputs": ["add"], "params": {"start": "rs1"}},
  {"id": "fc2", "type": "Affine", "inputs": ["re1"], "params": {"outmaps": 2}},
  {"id": "prob", "type": "Softmax", "inputs": ["fc2"]},
  {"id": "loss", "type": "CategoricalCrossEntropy", "inputs": ["prob"]}]},'
# Swap the network of make-blobs-project.sh's file for the one above.
awk -v nodes="$nodes" '/"nodes": \[/ { print " \"network\": {\"nodes\": [" nodes; skip = 1; next }
     skip && /"id": "loss"/ { skip = 0; next } !skip' "$dir/blobs.tsumiki" > "$dir/res.tsumiki"
