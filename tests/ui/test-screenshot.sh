#!/bin/sh
# `tsumiki --screenshot OUT.png FILE` writes a 1400×900 PNG of the window
# with FILE loaded and exits 0. Run under a display (run-with-display.sh).
set -eu
tsumiki=$1
out="${TSU_TEST_SCRATCH:-/tmp}/screenshot-$$.png"
project="$TSU_SOURCE_DIR/resources/examples/fashion-mnist-cnn.tsumiki"

timeout 60 "$tsumiki" --screenshot "$out" "$project"
test -s "$out" || { echo "no screenshot written"; exit 1; }
# PNG signature, then the IHDR width and height (big-endian) at bytes 16..23.
sig=$(od -An -tx1 -N8 "$out" | tr -d ' \n')
[ "$sig" = "89504e470d0a1a0a" ] || { echo "not a PNG: $sig"; exit 1; }
width=$(od -An -tu1 -j16 -N4 "$out" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
height=$(od -An -tu1 -j20 -N4 "$out" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
echo "screenshot $out: ${width}x${height}"
# Client-side decorations may take a few pixels; the content is 1400×900.
[ "$width" -ge 1380 ] && [ "$width" -le 1420 ] || { echo "width $width"; exit 1; }
[ "$height" -ge 880 ] && [ "$height" -le 920 ] || { echo "height $height"; exit 1; }
if [ -n "${TSU_BUILD_DIR:-}" ]; then
  cp "$out" "$TSU_BUILD_DIR/tests/ui/screenshot.png"
fi
rm -f "$out"
