#!/bin/sh
# tsumiki-cli check's design warnings: every example and every valid test
# project checks without one; each project in tests/data/checks warns
# naming its node, exits 0, and fails with --werror.
set -u
cli="$1"
src="${TSU_SOURCE_DIR:?}"
failures=0

# Test projects that are odd on purpose, with the reason.
odd() {
    case "$1" in
        # Fuzz seeds cover kinds and graph shapes, not good designs:
        */tests/fuzz/corpus/project/seed-mobile.tsumiki) return 0 ;; # Convolution straight into DepthwiseConvolution
        */tests/fuzz/corpus/project/seed-repeat.tsumiki) return 0 ;; # Affine into a repeat block of Affine layers
        */tests/data/checks/*) case "$1" in */clean-*) return 1 ;; *) return 0 ;; esac ;;
    esac
    return 1
}

for f in $(find "$src/resources" "$src/tests" -name '*.tsumiki' | sort); do
    odd "$f" && continue
    # Files with errors are the graph check's (tests/data/bad, fuzz crashes).
    out=$("$cli" check "$f" 2>&1) || continue
    case "$out" in
        *"warning:"*) echo "FAIL: $f should check without warnings:"; echo "$out" | grep -A2 "warning:"
                      failures=$((failures + 1)) ;;
    esac
    checked=$((${checked:-0} + 1))
done
[ "${checked:-0}" -ge 6 ] || { echo "FAIL: only ${checked:-0} projects checked"; failures=$((failures + 1)); }

expect_warning() { # file, node, check id
    f="$src/tests/data/checks/$1.tsumiki"
    if ! out=$("$cli" check "$f" 2>&1); then
        echo "FAIL: $1: warnings alone should exit 0:"; echo "$out"; failures=$((failures + 1))
    fi
    case "$out" in
        *"$f: $2: warning: "*"[$3]"*) ;;
        *) echo "FAIL: $1: expected \"$f: $2: warning: ... [$3]\" in:"; echo "$out"; failures=$((failures + 1)) ;;
    esac
    "$cli" check --werror "$f" >/dev/null 2>&1 && { echo "FAIL: $1: --werror should fail"; failures=$((failures + 1)); }
    "$cli" check --json "$f" 2>/dev/null | grep -q "\"check\": \"$3\"" || { echo "FAIL: $1: --json lacks $3"; failures=$((failures + 1)); }
}
expect_warning softmax-one-output-bce prob softmax-before-binary-loss
expect_warning affine-100-on-10-classes fc2 width-not-classes
expect_warning sigmoid-before-cce prob sigmoid-before-categorical-loss
expect_warning sigmoid-before-squared-error out squashed-regression
expect_warning softmax-before-softmax-ce prob activation-before-logits-loss
expect_warning cce-on-scores loss probabilities-expected
expect_warning softmax-one-value out softmax-one-value
expect_warning cce-one-value loss loss-one-value
expect_warning linear-after-linear fc2 linear-after-linear
expect_warning dead-branch side dead-branch
expect_warning dropout-at-end drop train-only-at-end
expect_warning normalize-twice bn2 normalize-twice
expect_warning augmentation-at-end augment train-only-at-end
expect_warning bce-on-classes loss loss-does-not-fit-target
expect_warning cce-on-real-values loss loss-does-not-fit-target
expect_warning squared-error-on-classes loss loss-does-not-fit-target

# The wording: the why follows, indented.
out=$("$cli" check "$src/tests/data/checks/softmax-one-output-bce.tsumiki" 2>&1)
echo "$out" | grep -q "^    A Softmax over one value is always 1, so the loss cannot fall.$" || { echo "FAIL: why line"; failures=$((failures + 1)); }
echo "$out" | grep -q "^    fix: Use Sigmoid$" || { echo "FAIL: fix line"; failures=$((failures + 1)); }
"$cli" check --werror "$src/resources/examples/two-class.tsumiki" >/dev/null 2>&1 || { echo "FAIL: --werror on a clean project"; failures=$((failures + 1)); }
"$cli" check --json "$src/resources/examples/two-class.tsumiki" | tr -d ' \n' | grep -q '"warnings":\[\]' || { echo "FAIL: --json warnings on a clean project"; failures=$((failures + 1)); }

[ "$failures" -eq 0 ] && echo "all design checks passed"
exit "$failures"
