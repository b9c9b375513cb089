#!/bin/sh
# test-cli-faults.sh TSUMIKI_CLI — nothing tsumiki-cli writes is left half
# written: past the file size limit (ulimit -f) or on a full filesystem
# every write fails with exit 1 and a message naming the file, the target
# keeps its old content, and no temporary stays behind; a new run removes
# the stale temporaries a killed one left, and only those.
set -u
cli="$1"
src="${TSU_SOURCE_DIR:?}"
work=$(mktemp -d)
full=""
holder=""
cleanup() {
    [ -n "$holder" ] && kill "$holder" 2>/dev/null
    [ -n "$full" ] && umount "$full" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; exit 1; }
# No name matching Tsumiki's temporaries anywhere under the directory.
no_temps() {
    left=$(find "$1" -name '*.tmp-??????' | head -n 5)
    [ -z "$left" ] || fail "temporaries left: $left"
}
# Runs a command under a 1-block file size limit (512 B in dash, 1 KiB in bash).
limited() { (ulimit -f 1 && exec "$@"); }

sh "$src/tests/data/make-blobs-project.sh" "$work" blobs 2 64
cd "$work" || exit 1
"$cli" train blobs.tsumiki > log 2>&1 || fail "train: $(cat log)"
run=$(ls -d blobs.runs/*/)
weights="$run/weights.safetensors"

# ---- stale temporaries: what kill -9 mid-write leaves, planted an hour old
old() { for f in "$@"; do printf 'half' > "$f" && touch -d '1 hour ago' "$f"; done; }
old "$run/weights.safetensors.tmp-Ab12Cd" "$run/history.csv.tmp-x9Y8z7" blobs.tsumiki.tmp-Qw12Er
mkdir torch.tmp-Zx34Cv && old torch.tmp-Zx34Cv/model.py && touch -d '1 hour ago' torch.tmp-Zx34Cv
# Not stale or not ours: written right now, locked by a live writer, other
# names (a different base beside the project, five letters, not .tmp-).
printf 'new' > "$run/best.safetensors.tmp-Fresh1"
old "$run/project.tsumiki.tmp-Locked" other.tsumiki.tmp-Qw12Er "$run/history.csv.tmp-abcde" \
    "$run/history.csv.tmp_Ab12Cd"
# The writer's lock, held by a process that is exactly the sleep (killable by pid).
(exec 9< "$run/project.tsumiki.tmp-Locked" && flock 9 && exec sleep 120) > /dev/null 2>&1 &
holder=$!
while flock -n "$run/project.tsumiki.tmp-Locked" true; do sleep 0.1; done

"$cli" train blobs.tsumiki --epochs 1 > log 2>&1 || fail "second train: $(cat log)"
for f in "$run/weights.safetensors.tmp-Ab12Cd" "$run/history.csv.tmp-x9Y8z7" blobs.tsumiki.tmp-Qw12Er; do
    [ ! -e "$f" ] || fail "stale $f was not removed"
done
for f in "$run/best.safetensors.tmp-Fresh1" "$run/project.tsumiki.tmp-Locked" \
    other.tsumiki.tmp-Qw12Er "$run/history.csv.tmp-abcde" "$run/history.csv.tmp_Ab12Cd"; do
    [ -e "$f" ] || fail "$f was removed, but it is live or not Tsumiki's"
done
kill "$holder"
holder=""
rm -f "$run/best.safetensors.tmp-Fresh1" "$run/project.tsumiki.tmp-Locked" \
    "$run/history.csv.tmp-abcde" other.tsumiki.tmp-Qw12Er

# ---- exports past the file size limit: nothing half written
"$cli" export blobs.tsumiki --format pytorch --out torch --weights "$weights" > log 2>&1 ||
    fail "pytorch export: $(cat log)"
[ ! -e torch.tmp-Zx34Cv ] || fail "the stale staging folder of a killed export was not removed"
rm -rf torch
for format in pytorch c onnx card; do
    out=new-$format
    limited "$cli" export blobs.tsumiki --format $format --out $out --weights "$weights" > log 2>&1
    [ $? -eq 1 ] || fail "$format export past the size limit: exit $? ($(cat log))"
    grep -q "$out.*File too large" log || fail "$format: the message should name the file: $(cat log)"
    grep -q "tmp-" log && fail "$format: the message names a temporary: $(cat log)"
    [ ! -e $out ] || fail "$format export left $out"
done
no_temps .

# An existing export folder keeps its files, and the user's, when the new one fails.
"$cli" export blobs.tsumiki --format pytorch --out torch --weights "$weights" > log 2>&1 ||
    fail "pytorch export: $(cat log)"
mkdir torch/run && echo mine > torch/run/notes.txt
cp -r torch before
limited "$cli" export blobs.tsumiki --format pytorch --out torch/ --weights "$weights" > log 2>&1
[ $? -eq 1 ] || fail "export over an existing folder past the size limit: $(cat log)"
grep -q "torch/.*File too large" log || fail "message: $(cat log)"
diff -r before torch > /dev/null || fail "the old export folder changed"
# The next export replaces ours and keeps the user's file.
printf 'old' > torch/model.py
"$cli" export blobs.tsumiki --format pytorch --out torch --weights "$weights" > log 2>&1 ||
    fail "pytorch export over a folder: $(cat log)"
cmp -s before/model.py torch/model.py || fail "model.py was not replaced"
[ "$(cat torch/run/notes.txt)" = mine ] || fail "the user's file in the export folder is gone"
"$cli" export blobs.tsumiki --format c --out blobs.tsumiki --weights "$weights" > log 2>&1 &&
    fail "exported a C folder over a file"
grep -q "blobs.tsumiki: exists and is not a folder" log || fail "message: $(cat log)"
no_temps .

# ---- eval --outputs and training past the size limit
echo previous > out.csv
limited "$cli" eval blobs.tsumiki --weights "$weights" --outputs out.csv > log 2>&1
[ $? -eq 1 ] || fail "eval past the size limit: $(cat log)"
grep -q "out.csv: cannot write: File too large" log || fail "eval message: $(cat log)"
[ "$(cat out.csv)" = previous ] || fail "out.csv was changed by a failed eval"
limited "$cli" train blobs.tsumiki --out limited-run > log 2>&1
[ $? -eq 1 ] || fail "train past the size limit: $(cat log)"
grep -q "limited-run/.*File too large" log || fail "train message: $(cat log)"
no_temps .

# ---- a full filesystem (a 16 KiB tmpfs; needs root and mount)
mkdir disk
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=16k tmpfs disk 2>/dev/null; then
    full="$work/disk"
    "$cli" export blobs.tsumiki --format pytorch --out disk/torch --weights "$weights" > log 2>&1
    [ $? -eq 1 ] || fail "export to a full disk: $(cat log)"
    grep -q "disk/torch/.*No space left on device" log || fail "full disk message: $(cat log)"
    [ -z "$(ls -A disk)" ] || fail "a full disk kept: $(ls -A disk)"
    umount disk
    full=""
else
    echo "(no tmpfs: the full-disk case is covered by the size limit alone)"
fi
echo "faults passed"
