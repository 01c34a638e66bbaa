#!/usr/bin/env bash
# System calls per entry, as strace counts them: an initial copy and a no-change pass of
# ../shared/bench/make-tree's "tiny" profile (or $PROFILE), all threads (strace -f, every call counted).
#   bench/syscalls.sh                        # this build (./pdm)
#   PDM_CMD='java --add-opens ... -jar OLD.jar' bench/syscalls.sh   # another build, to compare
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
profile="${PROFILE:-tiny}"
work="${WORK:-/tmp/pdm-syscalls}"
cmd="${PDM_CMD:-$here/pdm}"
mkdir -p "$work"
src="$work/src-$profile"
if [ ! -d "$src" ]; then
    "$here/../shared/bench/make-tree" "$profile" "$src" >/dev/null
    # (a source changed within the clocks' skew, 5 s, of its copy has its xattrs and flags looked
    # at again by the next pass: a tree made just now would count those calls in the no-change pass)
    sleep 6
fi
entries=$(find "$src" -mindepth 1 | wc -l)
files=$(find "$src" -type f | wc -l)
rm -rf "$work/dst"
count() { # calls, from a full trace: strace -c leaves out calls newer than it knows (strace 6.1 and
  # listxattrat, shown as syscall_0x1d1), so each line is counted by its name; an interrupted call's
  # "<... resumed>" half starts with "<" and is not counted twice
  strace -f -qq -o "$work/trace-$1.txt" bash -c "$cmd copy $2 $3 >/dev/null" || true
  sed -n 's/^[0-9][0-9]* *\([a-z0-9_]*\)(.*/\1/p' "$work/trace-$1.txt" | sort | uniq -c | sort -rn > "$work/counts-$1.txt"
  awk '{s += $1} END {print s}' "$work/counts-$1.txt"
}
mkdir -p "$work/empty"; rm -rf "$work/e-dst"
startup=$(count startup "$work/empty" "$work/e-dst")
initial=$(count initial "$src" "$work/dst")
nochange=$(count nochange "$src" "$work/dst")
top() { head -8 "$work/counts-$1.txt" | awk '{printf "%s %s ", $1, $2}'; }
echo "initial, most frequent: $(top initial)"
echo "no-change, most frequent: $(top nochange)"
echo "profile $profile: $entries entries, $files files; syscalls: start (empty dir) $startup, initial $initial, no-change $nochange"
awk -v s="$startup" -v i="$initial" -v n="$nochange" -v e="$entries" 'BEGIN {
  printf "per entry, start subtracted: initial %.1f, no-change %.1f\n", (i - s) / e, (n - s) / e }'
# (futex calls are the JVM's threads meeting, and vary by a third from run to run: pdm's own calls without them)
own() { awk '$2 != "futex" {s += $1} END {print s}' "$work/counts-$1.txt"; }
awk -v s="$(own startup)" -v i="$(own initial)" -v n="$(own nochange)" -v e="$entries" 'BEGIN {
  printf "per entry, start subtracted, futex left out: initial %.1f, no-change %.1f\n", (i - s) / e, (n - s) / e }'
