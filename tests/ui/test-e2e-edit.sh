#!/bin/sh
# End to end, with real input: drag "Convolution" from the palette and drop
# it under the Input box, change its outmaps in the inspector by keyboard,
# save with Ctrl+S, undo with Ctrl+Z, save again, and check the files.
# Runs on a private Xvfb (run-with-display.sh --private); screenshots of
# each step go to $TSU_BUILD_DIR/tests/ui/e2e-*.png to be looked at.
#
# The window is 1400×900 at the screen's origin (there is no window
# manager), so widget positions are fixed; each step checks the pixels it
# relies on before acting, so a layout change fails loudly, not oddly.
set -eu
tsumiki=$1
for tool in xdotool import python3; do
  command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done
work="${TSU_TEST_SCRATCH:?run through run-with-display.sh}/e2e"
shots="${TSU_BUILD_DIR:-$work}/tests/ui"
mkdir -p "$work" "$shots"
project="$work/net.tsumiki"
cp "$TSU_SOURCE_DIR/tests/ui/data/e2e-start.tsumiki" "$project"

"$tsumiki" "$project" >"$work/tsumiki.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true' EXIT

fail () {
  echo "FAIL: $*"
  cat "$work/tsumiki.log"
  exit 1
}

shot () {
  import -window root "$shots/e2e-$1.png"
}

# The colour of one screen pixel, as "R,G,B".
pixel () {
  import -window root -crop "1x1+$1+$2" -depth 8 txt:- | sed -n 's/.*(\([0-9]*\),\([0-9]*\),\([0-9]*\).*/\1,\2,\3/p' | head -n1
}

# Colours match within a few levels (blending, rounding).
near () {
  echo "$1 $2" | awk -F'[ ,]' '{d=0; for (i=1;i<=3;i++) { e=$i-$(i+3); d+= e<0?-e:e } exit (d<=12 ? 0 : 1)}'
}

json () {
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); n={x['id']: x for x in d['network']['nodes']}; print($1)" "$project"
}

window=$(xdotool search --sync --limit 1 --name "E2E start" 2>/dev/null | head -n1)
[ -n "$window" ] || fail "no window"

# Wait for the first paint: the Input box's left stripe has the IO colour
# (82,102,128). The box is centred at x 630 (the canvas column between the
# palette and the 27em inspector); it is 220 wide.
tries=0
until near "$(pixel 523 175)" "82,102,128"; do
  tries=$((tries + 1))
  [ $tries -lt 40 ] || { shot 1-start; fail "Input box not where expected (pixel $(pixel 523 175))"; }
  sleep 0.25
done
sleep 0.5
shot 1-start

# 1. Filter the palette, then drag Convolution under the Input box.
xdotool mousemove 115 104 click 1
sleep 0.3
xdotool type --delay 30 "Convolution"
sleep 0.5
shot 2-search
xdotool mousemove 80 160 sleep 0.2 mousedown 1 sleep 0.2
for p in "88 162" "100 165" "130 170" "200 190" "300 210" "400 230" "500 245" "600 252" "614 255" "626 255" "630 255"; do
  xdotool mousemove $p
  sleep 0.08
done
sleep 0.3
xdotool mouseup 1
sleep 0.8
shot 3-dropped
# The new box sits right under Input with the Basic colour (54,120,217) stripe.
stripe=$(pixel 523 255)
near "$stripe" "54,120,217" || fail "no Convolution box under Input (pixel $stripe)"

# 2. outmaps 16 → 32, typed into the inspector's spin button.
xdotool mousemove 1221 301 click 1
sleep 0.2
xdotool key ctrl+a
xdotool type --delay 40 "32"
xdotool key Return
sleep 0.5
shot 4-outmaps
xdotool key ctrl+s
sleep 0.7
[ "$(json "n['conv1']['type']")" = "Convolution" ] || fail "saved file has no conv1 Convolution"
[ "$(json "n['conv1']['inputs']")" = "['x']" ] || fail "conv1 not linked to x: $(json "n['conv1'].get('inputs')")"
[ "$(json "n['conv1']['params']['outmaps']")" = "32" ] || fail "outmaps not 32 after typing"

# 3. Ctrl+Z restores 16; Ctrl+S writes it.
xdotool key ctrl+z
sleep 0.5
shot 5-undone
xdotool key ctrl+s
sleep 0.7
[ "$(json "n['conv1']['params']['outmaps']")" = "16" ] || fail "outmaps not restored to 16 by Ctrl+Z"
[ "$(json "n['conv1']['inputs']")" = "['x']" ] || fail "link lost"
[ "$(json "len(d['network']['nodes'])")" = "2" ] || fail "expected two nodes"

# The saved project is valid for the engine too, with the shape the box shows.
if [ -n "${TSU_BUILD_DIR:-}" ] && [ -x "$TSU_BUILD_DIR/app/tsumiki-cli" ]; then
  "$TSU_BUILD_DIR/app/tsumiki-cli" check "$project" >"$work/check.txt" 2>&1 || fail "tsumiki-cli check: $(cat "$work/check.txt")"
  grep -q "16x26x26" "$work/check.txt" || fail "check does not report 16x26x26: $(cat "$work/check.txt")"
fi
echo "e2e edit: ok (screenshots in $shots)"
