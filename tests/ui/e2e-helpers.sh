# e2e-helpers.sh — what the end-to-end scripts do alike; sourced (". FILE")
# after they define fail().

# The window titled $1, focused by a click on its header bar's title (keys
# go to the focused window); prints its id, or returns 1 after 15 s.
wait_window () {
  for _ in $(seq 150); do
    win=$(xdotool search --name "$1" 2>/dev/null | head -n 1 || true)
    [ -n "$win" ] && { sleep 1; xdotool mousemove 700 14 click 1; sleep 0.3; echo "$win"; return 0; }
    sleep 0.1
  done
  return 1
}

# F5 on the Training page (Alt+3), then the run's history.csv under
# $1 (a PROJECT.runs folder) with $2 epochs written; prints its path. Run
# as history=$(train_with_f5 ...): a failure's message goes to stderr and
# the failed substitution stops the caller (set -e).
train_with_f5 () {
  xdotool key alt+3
  sleep 0.5
  xdotool key F5
  history=""
  for _ in $(seq 600); do
    history=$(ls "$1"/*/history.csv 2>/dev/null | head -n 1 || true)
    [ -n "$history" ] && [ "$(wc -l < "$history")" -eq $(($2 + 1)) ] && break
    sleep 0.1
  done
  [ -n "$history" ] || fail "no run directory after F5" >&2
  [ "$(wc -l < "$history")" -eq $(($2 + 1)) ] ||
    fail "the run did not finish its $2 epochs: $(cat "$history")" >&2
  echo "$history"
}
