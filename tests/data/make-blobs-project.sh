#!/bin/sh
# Writes a tiny two-class project for the end-to-end tests: DIR/train.csv
# (2,000 points in two blobs), DIR/valid.csv (the first 400) and
# DIR/blobs.tsumiki, a two-layer classifier named NAME.
# Usage: make-blobs-project.sh DIR NAME EPOCHS BATCH_SIZE
set -eu
dir=$1 name=$2 epochs=$3 batch=$4
awk 'BEGIN { srand(3); print "x__0,x__1,y";
  for (i = 0; i < 2000; i++) { y = i % 2; printf "%.4f,%.4f,%d\n", (y ? 1.5 : -1.5) + rand() - 0.5, (y ? 1 : -1) + rand() - 0.5, y } }' > "$dir/train.csv"
head -n 401 "$dir/train.csv" > "$dir/valid.csv"
cat > "$dir/blobs.tsumiki" <<JSON
{"format": "tsumiki-project", "version": 1, "name": "$name",
 "network": {"nodes": [
  {"id": "x", "type": "Input", "params": {"shape": [2]}},
  {"id": "fc1", "type": "Affine", "inputs": ["x"], "params": {"outmaps": 8}},
  {"id": "relu1", "type": "ReLU", "inputs": ["fc1"]},
  {"id": "fc2", "type": "Affine", "inputs": ["relu1"], "params": {"outmaps": 2}},
  {"id": "prob", "type": "Softmax", "inputs": ["fc2"]},
  {"id": "loss", "type": "CategoricalCrossEntropy", "inputs": ["prob"]}]},
 "dataset": {"training": {"source": "csv", "path": "train.csv"},
             "validation": {"source": "csv", "path": "valid.csv"}},
 "training": {"epochs": $epochs, "batch_size": $batch, "seed": 1, "threads": 1,
              "optimizer": {"type": "Adam", "learning_rate": 0.01}}}
JSON
