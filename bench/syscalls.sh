#!/usr/bin/env bash
# System calls per entry, as strace counts them: an initial copy and a no-change pass of
# ../shared/bench/make-tree's "tiny" profile (or $PROFILE), all threads (strace -f -c).
#   bench/syscalls.sh                        # this build (./pdm)
#   PDM_CMD='java --add-opens ... -jar OLD.jar' bench/syscalls.sh   # another build, to compare
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
profile="${PROFILE:-tiny}"
work="${WORK:-/tmp/pdm-syscalls}"
cmd="${PDM_CMD:-$here/pdm}"
mkdir -p "$work"
src="$work/src-$profile"
[ -d "$src" ] || "$here/../shared/bench/make-tree" "$profile" "$src" >/dev/null
entries=$(find "$src" -mindepth 1 | wc -l)
files=$(find "$src" -type f | wc -l)
rm -rf "$work/dst"
count() { # the "total" line of strace -c: calls
  strace -f -c -o "$work/strace.txt" bash -c "$cmd copy $src $work/dst >/dev/null" || true
  awk '/ total$/ {print $4}' "$work/strace.txt"
  cp "$work/strace.txt" "$work/strace-$1.txt"
}
startup=$(mkdir -p "$work/empty" && rm -rf "$work/e-dst" && strace -f -c -o "$work/strace0.txt" bash -c "$cmd copy $work/empty $work/e-dst >/dev/null" ; awk '/ total$/ {print $4}' "$work/strace0.txt")
initial=$(count initial)
nochange=$(count nochange)
top() { awk 'NR > 2 && $NF != "total" && $NF !~ /^-/ {print $4, $NF}' "$work/strace-$1.txt" | sort -rn | head -8 | tr '\n' ' '; }
echo "initial, most frequent: $(top initial)"
echo "no-change, most frequent: $(top nochange)"
echo "profile $profile: $entries entries, $files files; syscalls: start (empty dir) $startup, initial $initial, no-change $nochange"
awk -v s="$startup" -v i="$initial" -v n="$nochange" -v e="$entries" 'BEGIN {
  printf "per entry, start subtracted: initial %.1f, no-change %.1f\n", (i - s) / e, (n - s) / e }'
