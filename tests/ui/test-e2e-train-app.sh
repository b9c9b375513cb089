#!/bin/sh
# End to end in the real program, as a person would: open a small project,
# go to the Training page (Alt+3), press F5 and wait for the run directory
# to be complete; the Evaluation page then shows the run. Then a long run:
# F5, Shift+F5, and the window closes at once (no "a run is in progress"
# question, so the run had stopped).
# Usage: test-e2e-train-app.sh TSUMIKI   (under run-with-display.sh --private)
set -eu
app=$1
dir=$(mktemp -d "${TSU_TEST_SCRATCH:-${TMPDIR:-/tmp}}/e2e-train-app-XXXXXX")
shots=${MESON_BUILD_ROOT:-${TSU_BUILD_DIR:-$dir}}/tests/ui
mkdir -p "$shots"
export GDK_BACKEND=x11 GTK_A11Y=none GSK_RENDERER=cairo
fail() { echo "FAIL: $*"; exit 1; }
. "${TSU_SOURCE_DIR:?}/tests/ui/e2e-helpers.sh"

make_blobs="${TSU_SOURCE_DIR:?}/tests/data/make-blobs-project.sh"
write_project () { "$make_blobs" "$dir" "Blobs app" "$1" "$2"; }

# 1. F5 on the Training page trains to the end.
write_project 5 32
"$app" "$dir/blobs.tsumiki" &
pid=$!
win=$(wait_window "Blobs app") || fail "no window"
history=$(train_with_f5 "$dir/blobs.runs" 5)
run_dir=$(dirname "$history")
[ -f "$run_dir/weights.safetensors" ] || fail "no weights in $run_dir"
sleep 2
import -window root "$shots/e2e-train-app-training.png" 2>/dev/null || true
xdotool key alt+4
sleep 3
import -window root "$shots/e2e-train-app-evaluation.png" 2>/dev/null || true
xdotool key ctrl+q
for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && { kill $pid; fail "the window did not close after a finished run"; }

# 2. Shift+F5 stops a long run: closing then asks nothing and exits.
write_project 2000 2
"$app" "$dir/blobs.tsumiki" &
pid=$!
win=$(wait_window "Blobs app") || fail "no window (second run)"
xdotool key alt+3
sleep 0.5
xdotool key F5
sleep 2
xdotool key shift+F5
sleep 1
xdotool key ctrl+q
for _ in $(seq 30); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then
  import -window root "$shots/e2e-train-app-not-closed.png" 2>/dev/null || true
  kill $pid
  fail "the window did not close within 3 s of Shift+F5 and Ctrl+Q"
fi
echo "e2e training in the app: ok"
