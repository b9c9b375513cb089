#!/bin/sh
# tsumiki-cli check as a user runs it: examples pass, each bad file fails
# with a message that names the culprit.
set -u
cli="$1"
src="${TSU_SOURCE_DIR:?}"
failures=0

for f in "$src"/resources/examples/*.tsumiki; do
    if ! out=$("$cli" check "$f" 2>&1); then
        echo "FAIL: $f should check clean:"; echo "$out"; failures=$((failures + 1))
    fi
    case "$out" in *"note: no loss"*) echo "FAIL: $f has a loss, yet:"; echo "$out"; failures=$((failures + 1)) ;; esac
    if ! "$cli" check --json "$f" | grep -q '"valid": true'; then
        echo "FAIL: --json for $f does not say valid"; failures=$((failures + 1))
    fi
done

out=$("$cli" check "$src/resources/examples/fashion-mnist-cnn.tsumiki")
echo "$out" | grep -q "Trainable parameters: 29,034" || { echo "FAIL: seed total"; failures=$((failures + 1)); }
echo "$out" | grep -q "^Training: epochs 5, batch_size 64, seed 1, threads 0, optimizer Adam, learning_rate 0.001, beta1 0.9," || { echo "FAIL: Training line"; failures=$((failures + 1)); }
echo "$out" | grep -Eq "^conv2 +Convolution +32x14x14 +12,832" || { echo "FAIL: conv2 row"; failures=$((failures + 1)); }

expect_error() { # file, expected text in the error output
    if out=$("$cli" check "$src/tests/data/bad/$1" 2>&1); then
        echo "FAIL: $1 should fail"; failures=$((failures + 1)); return
    fi
    case "$out" in
        *"$2"*) ;;
        *) echo "FAIL: $1: expected \"$2\" in:"; echo "$out"; failures=$((failures + 1)) ;;
    esac
}
expect_error syntax.tsumiki "syntax.tsumiki:5:3: JSON syntax error"
expect_error version.tsumiki "version 7 is not supported"
expect_error unknown-type.tsumiki 'fc7: unknown layer type "Affin" (did you mean "Affine"?)'
expect_error bad-param.tsumiki "conv9.kernel: expected 2 positive integers, got [5]"
expect_error duplicate-id.tsumiki "duplicate id"
expect_error missing-input.tsumiki 'r: input "pool9" names no node'
expect_error input-count.tsumiki "sum7: Add2 takes 2 inputs, got 1"
expect_error cycle.tsumiki "the graph has a cycle: a -> b -> a"
expect_error shape-mismatch.tsumiki "sum7: Add2 inputs x [3] and y [5] differ at axis 0"
expect_error kernel-too-large.tsumiki "conv3.kernel"
expect_error does-not-exist.tsumiki "cannot open"
expect_error long-variable.tsumiki "x.dataset: expected a non-empty string of at most 63 characters"
expect_error reshape-wrap.tsumiki "big.shape: expected a list of 1 to 6 positive integers whose product is at most 2147483647"
expect_error training-range.tsumiki "training.epochs: expected an integer from 1 to 100000, got 0"
expect_error training-range.tsumiki "training.optimizer.beta2: expected a number from 0 to 1, got 1.5"
expect_error training-range.tsumiki "Training: epochs (error), batch_size 64,"

# A valid network without a loss (an imported model) checks clean, with a
# note that it cannot train; --werror does not turn the note into a failure.
if ! out=$("$cli" check --werror "$src/tests/data/no-loss.tsumiki" 2>&1 >/dev/null); then
    echo "FAIL: no-loss.tsumiki should pass check --werror"; failures=$((failures + 1))
fi
case "$out" in
    *"no-loss.tsumiki: note: no loss layer: this network can predict, evaluate and be exported, but not train"*) ;;
    *) echo "FAIL: no note about the missing loss in:"; echo "$out"; failures=$((failures + 1)) ;;
esac

"$cli" check 2>/dev/null && { echo "FAIL: check without a file should fail"; failures=$((failures + 1)); }
"$cli" check "$src/resources/examples/fashion-mnist-cnn.tsumiki" --batch-size x 2>/dev/null && { echo "FAIL: bad --batch-size accepted"; failures=$((failures + 1)); }

[ "$failures" -eq 0 ] && echo "all cli checks passed"
exit "$failures"
