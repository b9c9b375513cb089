#!/bin/sh
# The deep examples (fashion-mnist-resnet, fashion-mnist-mobilenet) as a user
# runs them: check reports the ResNet's repeat block with every copy
# counted, and a short training of each (3 epochs of 512 training images,
# 256 validation images, one thread) lowers the training loss.
set -eu
cli="$1"
src="${TSU_SOURCE_DIR:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$cli" check "$src/resources/examples/fashion-mnist-resnet.tsumiki" > "$work/check" \
    || { cat "$work/check"; fail "check resnet"; }
cat "$work/check"
# One repetition's Convolution 32 -> 32, 3x3 with bias: 32*32*9 + 32 = 9,248
# weights, 32*32*9 * 14*14 = 1,806,336 multiply-adds; three copies.
grep -Eq '^conv_a +Convolution +32x14x14 +27,744 +5,419,008  ×3$' "$work/check" \
    || fail "conv_a's row should count 3 copies"
grep -Eq '^bn_b +BatchNormalization +32x14x14 +192 ' "$work/check" || fail "bn_b: 3 * 2 * 32"
# conv1 320 + bn1 64 + 3 * (2 * 9,248 + 2 * 64) + fc 330.
grep -q '^Trainable parameters: 56,586$' "$work/check" || fail "resnet total"
"$cli" check "$src/resources/examples/fashion-mnist-mobilenet.tsumiki" > "$work/check" \
    || { cat "$work/check"; fail "check mobilenet"; }
grep -q '^Trainable parameters: 21,674$' "$work/check" || fail "mobilenet total"

for name in resnet mobilenet; do
    # The test split cut to 256 images, so that validation takes no time.
    sed 's/"split": "test"}/"split": "test", "limit": 256}/' \
        "$src/resources/examples/fashion-mnist-$name.tsumiki" > "$work/$name.tsumiki"
    grep -q '"limit": 256' "$work/$name.tsumiki" || fail "$name: the validation limit was not set"
    "$cli" train "$work/$name.tsumiki" --epochs 3 --limit 512 --threads 1 --out "$work/$name" \
        > "$work/log" || { cat "$work/log"; fail "train $name"; }
    cat "$work/$name/history.csv"
    [ "$(wc -l < "$work/$name/history.csv")" -eq 4 ] || fail "$name: history.csv should have 3 epochs"
    first=$(sed -n 2p "$work/$name/history.csv" | cut -d, -f2)
    last=$(sed -n 4p "$work/$name/history.csv" | cut -d, -f2)
    awk -v a="$first" -v b="$last" 'BEGIN { exit !(b < 0.97 * a) }' \
        || fail "$name: training loss $first -> $last did not fall by 3%"
done
echo ok
