#!/usr/bin/env bash
# dev.sh — set up, build and run Tsumiki on Debian 12.
#
#   ./dev.sh run    install what is missing, build, open the designer with the
#                   default example (or, without a display, train it headless)
#   ./dev.sh test   install what is missing, build, run the whole test suite
#   ./dev.sh asan   the engine tests built with AddressSanitizer + UBSan
#   ./dev.sh fuzz [SECONDS] [HARNESS...]
#                   libFuzzer campaigns (tests/fuzz): the harnesses side by side
#                   for SECONDS (600) of wall time
#   ./dev.sh fuzz-regress   every fuzz corpus file once (the fuzz suite)
#   ./dev.sh build  install what is missing and build
set -euo pipefail
cd "$(dirname "$0")"

BUILD_DIR=${BUILD_DIR:-build}
EXAMPLE=resources/examples/fashion-mnist-cnn.tsumiki

# Build and run-time packages, then what the tests drive or compare against.
BUILD_PACKAGES=(meson ninja-build pkg-config gcc gettext libglib2.0-dev libgtk-4-dev libjson-c-dev
    libopenblas-dev zlib1g-dev libpng-dev libjpeg62-turbo-dev libprotobuf-c-dev protobuf-c-compiler libonnx-dev
    dataset-fashion-mnist)
TEST_PACKAGES=(xvfb xauth xdotool imagemagick dbus at-spi2-core python3 python3-numpy
    python3-torch python3-onnx python3-opencv python3-pil locales nodejs libonnx-testdata
    desktop-file-utils appstream)
# A font with Japanese glyphs: without one, the Japanese interface shows empty
# boxes (docs/i18n.md). The app's users need it as much as the screenshots do.
FONT_PACKAGES=(fonts-noto-cjk)
# Locales the tests run under: a decimal comma (files must still be written
# with '.') and Japanese.
TEST_LOCALES=(de_DE ja_JP)
# ONNX Runtime Web for the export tests (tests/export/ort-run.mjs), from npm
# (nodejs brings it) into the build directory; the tests skip without it.
ONNXRUNTIME_WEB=onnxruntime-web@1.31.1
# libFuzzer comes with clang's runtime libraries.
FUZZ_PACKAGES=(clang libclang-rt-14-dev)
FUZZ_HARNESSES=(project safetensors idx csv png onnx)

install_missing() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

ensure_locales() {
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    for l in "${TEST_LOCALES[@]}"; do
        locale -a 2>/dev/null | grep -qix "$l.utf8" || $sudo localedef -i "$l" -f UTF-8 "$l.UTF-8"
    done
}

build() {
    if [ ! -f "$BUILD_DIR/build.ninja" ]; then
        meson setup "$BUILD_DIR" "$@"
    fi
    ninja -C "$BUILD_DIR"
}

install_onnxruntime_web() {
    local dir=$BUILD_DIR/node want=${ONNXRUNTIME_WEB#*@} have=""
    have=$(node -p "require(require('path').resolve('$dir/node_modules/onnxruntime-web/package.json')).version" \
        2>/dev/null) || true
    [ "$have" = "$want" ] && return 0
    npm install --prefix "$dir" --no-audit --no-fund --ignore-scripts "$ONNXRUNTIME_WEB" ||
        echo "dev.sh: could not install $ONNXRUNTIME_WEB; the onnxruntime export tests will skip"
}

has_display() {
    [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]
}

run_main_job() {
    if has_display && [ -x "$BUILD_DIR/ui/tsumiki" ]; then
        exec "$BUILD_DIR/ui/tsumiki" "$EXAMPLE"
    fi
    "$BUILD_DIR/app/tsumiki-cli" check "$EXAMPLE"
    if "$BUILD_DIR/app/tsumiki-cli" train --help >/dev/null 2>&1; then
        echo
        exec "$BUILD_DIR/app/tsumiki-cli" train "$EXAMPLE"
    fi
}

# build-fuzz: the engine with coverage and ASan + UBSan, the harnesses linked
# with libFuzzer (tests/fuzz/meson.build).
fuzz_build() {
    install_missing "${BUILD_PACKAGES[@]}" "${FUZZ_PACKAGES[@]}"
    CC=clang BUILD_DIR=build-fuzz build -Dfuzz=true -Db_sanitize=address,undefined \
        -Db_lundef=false -Dgui=false
}

# One campaign per harness: a scratch corpus under build-fuzz/ grows from the
# committed seeds (which stay untouched); crashes, leaks, timeouts and
# out-of-memory inputs land in one directory per run and are listed at the end.
fuzz_one() {
    local name=$1 seconds=$2 out=$3
    local harness=build-fuzz/tests/fuzz/fuzz-$name
    local work=build-fuzz/fuzz-corpus/$name dict=()
    mkdir -p "$work" "$out/$name"
    [ -f "tests/fuzz/$name.dict" ] && dict=("-dict=tests/fuzz/$name.dict")
    # A crashing input leaves its scratch directory behind: keep those here,
    # one directory per harness so campaigns running side by side do not
    # remove each other's.
    local tmp=$PWD/build-fuzz/fuzz-tmp/$name
    rm -rf "$tmp"
    mkdir -p "$tmp"
    # -fork keeps going after a crash, so one bug does not end the campaign.
    TMPDIR=$tmp nice "$harness" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
        -max_total_time="$seconds" -timeout=10 -artifact_prefix="$out/$name/" \
        "${dict[@]}" "$work" "tests/fuzz/corpus/$name" 2>"$out/$name.log" || true
}

# The harnesses run side by side for SECONDS of wall time, sharing the
# machine's cores; each log's last "#N" line counts its executions.
fuzz_campaign() {
    local seconds=$1
    shift
    local harnesses=("$@")
    [ ${#harnesses[@]} -eq 0 ] && harnesses=("${FUZZ_HARNESSES[@]}")
    local out
    out=build-fuzz/fuzz-crashes/$(date +%Y%m%d-%H%M%S)
    export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    for name in "${harnesses[@]}"; do
        [ -x "build-fuzz/tests/fuzz/fuzz-$name" ] || { echo "no harness $name (${FUZZ_HARNESSES[*]})" >&2; exit 2; }
    done
    echo "== ${harnesses[*]}: ${seconds}s side by side (corpora in build-fuzz/fuzz-corpus/)"
    local pids=()
    for name in "${harnesses[@]}"; do
        fuzz_one "$name" "$seconds" "$out" &
        pids+=($!)
    done
    wait "${pids[@]}"
    for name in "${harnesses[@]}"; do
        echo "fuzz-$name: $(grep -E '^#[0-9]+' "$out/$name.log" | tail -n 1)"
    done
    local found
    found=$(find "$out" -type f ! -name '*.log' | sort)
    if [ -n "$found" ]; then
        echo
        echo "Inputs that crashed, leaked, timed out or ran out of memory ($out/*.log has the reports):"
        echo "$found" | sed 's/^/  /'
        echo "Reproduce: build-fuzz/tests/fuzz/fuzz-NAME FILE; minimise: add -minimize_crash=1 -runs=10000"
        exit 1
    fi
    echo "No crashes ($out/*.log has the campaign logs)."
}

case "${1:-}" in
    run)
        install_missing "${BUILD_PACKAGES[@]}" "${FONT_PACKAGES[@]}"
        build
        run_main_job
        ;;
    build)
        install_missing "${BUILD_PACKAGES[@]}"
        build
        ;;
    test)
        install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${FONT_PACKAGES[@]}"
        ensure_locales
        build
        install_onnxruntime_web
        # Slow cases (full training, benchmarks) live in bench/ and the 'slow' suite.
        meson test -C "$BUILD_DIR" --no-suite slow --print-errorlogs --num-processes 2
        ;;
    asan)
        install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
        ensure_locales
        # GTK's own allocations would drown the report: the engine suite is
        # where our C runs under the sanitizers.
        BUILD_DIR=build-asan build -Db_sanitize=address,undefined -Db_lundef=false -Dgui=false
        ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            meson test -C build-asan --suite engine --print-errorlogs --num-processes 2 \
            --timeout-multiplier 4
        ;;
    fuzz)
        fuzz_build
        fuzz_campaign "${2:-600}" "${@:3}"
        ;;
    fuzz-regress)
        fuzz_build
        meson test -C build-fuzz --suite fuzz --print-errorlogs --num-processes 2
        ;;
    *)
        sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
