#!/bin/sh
# Your own pictures, as a user does it: generated JPEG class folders made
# into a dataset (tsumiki-cli dataset create), the own-pictures example
# trained a few epochs on it, and new JPEG files predicted (most right).
# Skips (77) without python3-opencv, which generates the pictures.
set -eu
cli="$1"
src="${TSU_SOURCE_DIR:?}"
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$py" -c "import cv2, numpy" 2>/dev/null || { echo "python3-opencv missing: skipped"; exit 77; }

gen="$src/resources/examples/own-pictures/make-pictures.py"
"$py" "$gen" "$work/pics" --count 30 --seed 5
"$py" "$gen" "$work/new" --count 4 --seed 6
printf 'x' > "$work/pics/circle/readme.txt"
printf 'not a picture' > "$work/pics/square/broken.jpg"
cp "$src/resources/examples/own-pictures/own-pictures.tsumiki" "$work/"

"$cli" dataset create "$work/pics" --size 32x32 --out "$work/data" --validation 0.2 --seed 1 \
    > "$work/create" 2> "$work/create.err" || { cat "$work/create.err"; fail "dataset create"; }
cat "$work/create"
grep -q "^class 0 circle: 30 pictures$" "$work/create" || fail "class lines"
grep -q "72 training and 18 validation samples of RGB 32x32 (crop)" "$work/create" || fail "summary"
grep -q "1 unreadable pictures skipped, 1 other entries ignored" "$work/create" || fail "skip counts"
grep -q "skipped .*broken.jpg: not a PNG, JPEG or BMP file" "$work/create.err" || fail "skipped list"
# Deterministic: a second run writes the same CSVs.
cp "$work/data/validation.csv" "$work/v1.csv"
"$cli" dataset create "$work/pics" --size 32x32 --out "$work/data" --validation 0.2 --seed 1 \
    > /dev/null 2>&1 || fail "dataset create again"
cmp -s "$work/v1.csv" "$work/data/validation.csv" || fail "the split changed between runs"

"$cli" train "$work/own-pictures.tsumiki" --epochs 12 --out "$work/run" > "$work/log" || fail "train"
tail -n 2 "$work/log"
"$cli" predict "$work/own-pictures.tsumiki" --weights "$work/run/best.safetensors" "$work/new" \
    --top 2 --output "$work/pred.csv" > /dev/null || fail "predict"
head -n 1 "$work/pred.csv" | grep -qx "path,class1,probability1,class2,probability2" || fail "predict header"
[ "$(wc -l < "$work/pred.csv")" -eq 13 ] || fail "12 predictions expected"
# The true class is the picture's folder.
right=$(awk -F, 'NR > 1 { n = split($1, p, "/"); if (p[n - 1] == $2) r++ } END { print r + 0 }' "$work/pred.csv")
echo "$right of 12 new pictures right"
[ "$right" -ge 10 ] || fail "only $right of 12 new pictures right"

# Without dataset.json the pictures are stretched to the Input shape and
# the classes are indices.
rm "$work/data/dataset.json"
"$cli" predict "$work/own-pictures.tsumiki" --weights "$work/run/best.safetensors" \
    "$work/new/square/square-00.jpg" > "$work/pred" || fail "predict without dataset.json"
grep -q "^$work/new/square/square-00.jpg,1,0\.[0-9]*$" "$work/pred" || fail "index output: $(cat "$work/pred")"

# Bad input: an empty class folder, a missing picture.
mkdir "$work/pics/zz-empty"
"$cli" dataset create "$work/pics" --size 32x32 --out "$work/d2" 2> "$work/err" && fail "empty class accepted"
grep -q "zz-empty: empty class folder" "$work/err" || fail "empty class message: $(cat "$work/err")"
"$cli" predict "$work/own-pictures.tsumiki" --weights "$work/run/best.safetensors" "$work/nope.jpg" \
    2> "$work/err" && fail "missing picture accepted"
grep -q "nope.jpg: No such file or directory" "$work/err" || fail "missing picture message: $(cat "$work/err")"
rc=0
"$cli" dataset create "$work/pics" --size 32 --out "$work/d3" 2> "$work/err" || rc=$?
[ "$rc" -eq 2 ] || fail "--size 32: status $rc, expected 2 (usage)"
grep -q -- "--size expects WxH" "$work/err" || fail "--size message"

# Ctrl+C while writing: status 1, "stopped, nothing written", and no DIR
# nor anything beside it. At 1024x1024 the pictures take long enough to
# interrupt after the first progress line (9 of 91).
rmdir "$work/pics/zz-empty"
before=$(ls "$work")
"$cli" dataset create "$work/pics" --size 1024x1024 --out "$work/big" 2> "$work/big.err" &
pid=$!
i=0
while ! grep -q "pictures" "$work/big.err" && [ "$i" -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -eq 1 ] || fail "interrupted: status $rc, expected 1: $(cat "$work/big.err")"
grep -q "big: stopped, nothing written" "$work/big.err" || fail "interrupt message: $(cat "$work/big.err")"
[ ! -e "$work/big" ] || fail "an interrupted dataset create left $work/big"
after=$(ls "$work" | grep -v '^big.err$')
[ "$before" = "$after" ] || fail "left beside it: $after"
echo ok
