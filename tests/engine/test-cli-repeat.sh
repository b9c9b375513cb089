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

sh "$src/tests/data/make-repeat-project.sh" "$work" blobs 1 32

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
