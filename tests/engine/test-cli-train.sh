#!/bin/sh
# tsumiki-cli train and eval as a user runs them, on the small examples:
# the run directory is complete, and the examples reach their targets
# (two-class >= 95% validation accuracy, regression MSE < 1% of the
# target variance).
set -eu
cli="$1"
src="${TSU_SOURCE_DIR:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$cli" train "$src/resources/examples/two-class.tsumiki" --out "$work/two" > "$work/log" || fail "train two-class"
for f in weights.safetensors best.safetensors history.csv project.tsumiki; do
    [ -s "$work/two/$f" ] || fail "run directory lacks $f"
done
head -n 1 "$work/two/history.csv" | grep -qx \
    "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds,images_per_second" \
    || fail "history.csv header"
[ "$(wc -l < "$work/two/history.csv")" -eq 31 ] || fail "history.csv should have 30 epochs"
"$cli" check "$work/two/project.tsumiki" > /dev/null || fail "the run's project copy does not check"

"$cli" eval "$src/resources/examples/two-class.tsumiki" --weights "$work/two/best.safetensors" \
    --outputs "$work/out.csv" > "$work/eval" || fail "eval two-class"
cat "$work/eval"
acc=$(sed -n 's/^Accuracy: \([0-9.]*\)%$/\1/p' "$work/eval")
awk -v a="$acc" 'BEGIN { exit !(a >= 95) }' || fail "two-class accuracy $acc% < 95%"
[ "$(wc -l < "$work/out.csv")" -eq 501 ] || fail "outputs table should have 500 rows"
head -n 1 "$work/out.csv" | grep -qx "index,label,prediction,p_0" || fail "outputs header"

"$cli" train "$src/resources/examples/regression.tsumiki" --out "$work/reg" > "$work/log" || fail "train regression"
"$cli" eval "$src/resources/examples/regression.tsumiki" --weights "$work/reg/best.safetensors" > "$work/eval" \
    || fail "eval regression"
cat "$work/eval"
mse=$(sed -n 's/^Mean squared error: //p' "$work/eval")
# The validation targets' variance is 0.378 (resources/examples/data/make-data.py).
awk -v m="$mse" 'BEGIN { exit !(m < 0.01 * 0.378) }' || fail "regression MSE $mse is not below 1% of the variance"

"$cli" eval "$src/resources/examples/two-class.tsumiki" --weights "$work/missing.safetensors" 2> "$work/err" \
    && fail "eval with missing weights should fail"
grep -q "missing.safetensors" "$work/err" || fail "the error should name the weights file"
echo "train and eval passed"

# An override outside the setting's bounds would be recorded in the run's
# project.tsumiki, which could then not be read back: refused before training.
"$cli" train "$src/resources/examples/two-class.tsumiki" --epochs 200000 --out "$work/big" 2> "$work/err" \
    && fail "train --epochs 200000 should fail"
grep -q "training.epochs: the run asks for 200000, outside 1 to 100000" "$work/err" || fail "override message: $(cat "$work/err")"
[ ! -e "$work/big" ] || fail "a refused run wrote its directory"
