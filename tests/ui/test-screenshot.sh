#!/bin/sh
# `tsumiki --screenshot OUT.png FILE` writes a 1400×900 PNG of the window
# with FILE loaded and exits 0 — also with no D-Bus session bus at all and
# accessibility on (the plain-Xvfb case) — and past the file size limit or
# for a FILE it cannot open exits 1 naming the file, leaving no PNG. Run
# under a display (run-with-display.sh).
set -eu
tsumiki=$1
scratch="${TSU_TEST_SCRATCH:-/tmp}"
out="$scratch/screenshot-$$.png"
project="$TSU_SOURCE_DIR/resources/examples/fashion-mnist-cnn.tsumiki"
fail() { echo "FAIL: $*"; exit 1; }

# A PNG of the window's size: the signature, then the IHDR width and height
# (big-endian) at bytes 16..23.
check_png() {
  test -s "$1" || fail "no screenshot written"
  sig=$(od -An -tx1 -N8 "$1" | tr -d ' \n')
  [ "$sig" = "89504e470d0a1a0a" ] || fail "not a PNG: $sig"
  width=$(od -An -tu1 -j16 -N4 "$1" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
  height=$(od -An -tu1 -j20 -N4 "$1" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
  echo "screenshot $1: ${width}x${height}"
  # Client-side decorations may take a few pixels; the content is 1400×900.
  [ "$width" -ge 1380 ] && [ "$width" -le 1420 ] || fail "width $width"
  [ "$height" -ge 880 ] && [ "$height" -le 920 ] || fail "height $height"
}

timeout 60 "$tsumiki" --screenshot "$out" "$project"
check_png "$out"
if [ -n "${TSU_BUILD_DIR:-}" ]; then
  cp "$out" "$TSU_BUILD_DIR/tests/ui/screenshot.png"
fi
rm -f "$out"

# No session bus: GLib cannot reach or launch one, and GTK's accessibility
# (left on here) finds none either.
status=0
timeout 60 env -u DBUS_SESSION_BUS_ADDRESS -u GTK_A11Y -u NO_AT_BRIDGE \
  "$tsumiki" --screenshot "$out" "$project" 2> "$scratch/stderr" || status=$?
[ "$status" -eq 0 ] || fail "without a session bus: exit $status: $(cat "$scratch/stderr")"
check_png "$out"
rm -f "$out"

# Past `ulimit -f` the write fails (EFBIG, not SIGXFSZ) and says where.
status=0
(ulimit -f 8 && exec timeout 60 "$tsumiki" --screenshot "$out" "$project") 2> "$scratch/stderr" || status=$?
[ "$status" -eq 1 ] || fail "past the file size limit: exit $status: $(cat "$scratch/stderr")"
grep -q "Cannot write $out" "$scratch/stderr" || fail "message: $(cat "$scratch/stderr")"
[ ! -e "$out" ] || fail "a partial screenshot was left"
[ -z "$(ls "$scratch" | grep "screenshot-$$.png.")" ] || fail "a temporary was left: $(ls "$scratch")"

# A FILE that cannot be opened: exit 1 naming it, through the main loop.
status=0
timeout 60 "$tsumiki" --screenshot "$out" "$scratch/missing.tsumiki" 2> "$scratch/stderr" || status=$?
[ "$status" -eq 1 ] || fail "a missing FILE: exit $status"
grep -q "missing.tsumiki" "$scratch/stderr" || fail "message: $(cat "$scratch/stderr")"
[ ! -e "$out" ] || fail "a screenshot of a missing file was written"
echo "screenshot passed"
