#!/bin/sh
# End to end, as a person would: open a small project in the training demo
# (the Training page the main window embeds), press F5, wait for the run to
# finish and check its run directory; then press F5 and Shift+F5 in the
# middle of a long run and check it stops within a second.
# Usage: test-e2e-training.sh DEMO   (under run-with-display.sh)
set -eu
demo=$1
dir=$(mktemp -d "${TSU_TEST_SCRATCH:-${TMPDIR:-/tmp}}/e2e-training-XXXXXX")
trap 'rm -rf "$dir"' EXIT

# Two blobs in 2-D: x__0, x__1, y.
make_blobs="${TSU_SOURCE_DIR:?}/tests/data/make-blobs-project.sh"
write_project () { "$make_blobs" "$dir" "Blobs e2e" "$1" "$2"; }

wait_window () {
  for _ in $(seq 100); do
    win=$(xdotool search --name "Blobs e2e" 2>/dev/null | head -n 1 || true)
    [ -n "$win" ] && { sleep 0.5; echo "$win"; return 0; }
    sleep 0.1
  done
  echo "no window" >&2
  return 1
}

# 1. F5 trains to the end.
write_project 5 32
"$demo" "$dir/blobs.tsumiki" --page training --exit-when-done > "$dir/out1.txt" &
pid=$!
win=$(wait_window)
xdotool windowfocus --sync "$win" 2>/dev/null || xdotool windowactivate "$win" 2>/dev/null || true
xdotool key --window "$win" F5
wait $pid
cat "$dir/out1.txt"
grep -q '^state=done ' "$dir/out1.txt"
run_dir=$(sed -n 's/^state=done run_dir=//p' "$dir/out1.txt")
test -f "$run_dir/history.csv"
test -f "$run_dir/weights.safetensors"
test "$(wc -l < "$run_dir/history.csv")" -eq 6
case "$run_dir" in "$dir"/blobs.runs/*) ;; *) echo "run outside blobs.runs: $run_dir"; exit 1 ;; esac

# 2. Shift+F5 stops a long run within a second.
write_project 2000 2
"$demo" "$dir/blobs.tsumiki" --page training --exit-when-done > "$dir/out2.txt" &
pid=$!
win=$(wait_window)
xdotool windowfocus --sync "$win" 2>/dev/null || xdotool windowactivate "$win" 2>/dev/null || true
xdotool key --window "$win" F5
sleep 2
start=$(date +%s.%N)
xdotool key --window "$win" shift+F5
wait $pid
end=$(date +%s.%N)
cat "$dir/out2.txt"
grep -q '^state=stopped ' "$dir/out2.txt"
awk -v s="$start" -v e="$end" 'BEGIN { printf "stopped in %.2f s\n", e - s; exit !(e - s < 1.0) }'
echo "e2e training: ok"
