#!/bin/sh
# A network with a repeat block (a residual block run three times, as in
# docs/layers.md) trained in the real program as a person would: open it,
# the Training page (Alt+3), F5; the run finishes its epochs, its weights
# hold each copy's tensors, and the Evaluation page (Alt+4) evaluates the
# run and saves what it showed beside the weights.
# Usage: test-qa-repeat-train-app.sh TSUMIKI   (under run-with-display.sh --private)
set -eu
app=$1
dir=$(mktemp -d "${TSU_TEST_SCRATCH:-${TMPDIR:-/tmp}}/qa-repeat-app-XXXXXX")
shots=${MESON_BUILD_ROOT:-${TSU_BUILD_DIR:-$dir}}/tests/ui
mkdir -p "$shots"
export GDK_BACKEND=x11 GTK_A11Y=none GSK_RENDERER=cairo
fail() { import -window root "$shots/qa-repeat-train-app-fail.png" 2>/dev/null || true; echo "FAIL: $*"; exit 1; }
. "${TSU_SOURCE_DIR:?}/tests/ui/e2e-helpers.sh"

sh "${TSU_SOURCE_DIR:?}/tests/data/make-repeat-project.sh" "$dir" "Repeat app" 3 32

"$app" "$dir/res.tsumiki" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
win=$(wait_window "Repeat app") || fail "no window"
import -window root "$shots/qa-repeat-train-app-edit.png" 2>/dev/null || true

history=$(train_with_f5 "$dir/res.runs" 3)
run=$(dirname "$history")
# Each of the three copies has its own tensors, named as the CLI names them.
names=$(head -c 4096 "$run/weights.safetensors" | grep -ao '"ca\.[0-9]*\.weight"' | sort | tr '\n' ' ')
[ "$names" = '"ca.0.weight" "ca.1.weight" "ca.2.weight" ' ] || fail "weights of the block's copies: $names"

xdotool key alt+4
json="$run/evaluation-validation.json"
for _ in $(seq 300); do [ -s "$json" ] && break; sleep 0.1; done
[ -s "$json" ] || fail "the Evaluation page did not evaluate the run"
sleep 1
import -window root "$shots/qa-repeat-train-app-evaluation.png" 2>/dev/null || true
grep -q '"samples": 400' "$json" || fail "evaluation samples: $(cat "$json")"
# The blobs are apart: a trained block classifies at least 95% of 400.
acc=$(sed -n 's/.*"accuracy": \([0-9.e+-]*\).*/\1/p' "$json")
awk -v a="$acc" 'BEGIN { exit !(a >= 0.95) }' || fail "accuracy $acc after 3 epochs"

xdotool key ctrl+q
for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && fail "the window did not close after a finished run"
echo "repeat block trained in the app: ok"
