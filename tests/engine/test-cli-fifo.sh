#!/bin/sh
# test-cli-fifo.sh TSUMIKI_CLI — a FIFO where a file is expected (a project,
# a CSV, IDX files, weights) is an error naming it, never a wait: open()
# on a FIFO without a writer blocks until one appears.
set -u
cli="$1"
src="${TSU_SOURCE_DIR:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; exit 1; }
cd "$work" || exit 1
sh "$src/tests/data/make-blobs-project.sh" "$work" blobs 1 64

# expect_error NAME CMD...: exit 1 within 20 s, the message naming NAME.
expect_error() {
    name=$1
    shift
    timeout 20 "$@" > out 2>&1
    status=$?
    [ "$status" -ne 124 ] || fail "$*: still waiting after 20 s"
    [ "$status" -eq 1 ] || fail "$*: exit $status, expected 1: $(cat out)"
    grep -q "$name" out || fail "$*: the message does not name $name: $(cat out)"
    echo "ok: $* -> $(head -n 1 out)"
}

mkfifo project.tsumiki
expect_error project.tsumiki "$cli" check project.tsumiki
expect_error project.tsumiki "$cli" train project.tsumiki

# The CSV as a FIFO.
mv train.csv real.csv && mkfifo train.csv
expect_error train.csv "$cli" train blobs.tsumiki
rm train.csv && mv real.csv train.csv

# IDX images and labels as FIFOs.
mkfifo images.idx labels.idx
sed 's#"training": {"source": "csv", "path": "train.csv"}#"training": {"source": "idx", "images": "images.idx", "labels": "labels.idx"}#' \
    blobs.tsumiki > idx.tsumiki
grep -q images.idx idx.tsumiki || fail "idx project not written"
expect_error images.idx "$cli" train idx.tsumiki

# Weights as a FIFO.
mkfifo weights.safetensors
expect_error weights.safetensors "$cli" eval blobs.tsumiki --weights weights.safetensors
echo "all FIFOs refused without waiting"
