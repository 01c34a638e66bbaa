#!/usr/bin/env bash
# The no-change pass, timed with its CPU: each tool copies the same tree once, then REPS
# no-change passes run interleaved (A, B, C, A, B, C...), caches dropped before each, and each
# prints wall, user and sys seconds (GNU time, children included).
#   bench/nochange.sh                                  # ./pdm against rsync -aH, make-tree "small"
#   bench/nochange.sh 'old=PDM_JAR=/tmp/old.jar ./pdm copy "$SRC" "$DST"' 'new=./pdm copy "$SRC" "$DST"' \
#                     'rsync-aH=rsync -aH "$SRC/" "$DST/"'
# PROFILE (small), REPS (2), WORK (/tmp/pdm-nochange). Run it under the Maven lock.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
profile="${PROFILE:-small}"
reps="${REPS:-2}"
work="${WORK:-/tmp/pdm-nochange}"
mkdir -p "$work"
src="$work/src-$profile"
if [ ! -d "$src" ]; then
  "$here/../shared/bench/make-tree" "$profile" "$src" >/dev/null
  sleep 6 # (a copy made within pdm's 5 s ctime margin of the source's last change looks at attributes again)
fi
if [ $# -eq 0 ]; then
  set -- "pdm=$here/pdm copy \"\$SRC\" \"\$DST\"" 'rsync-aH=rsync -aH "$SRC/" "$DST/"'
fi
echo "source: $src ($(find "$src" -mindepth 1 | wc -l) entries)"
for t in "$@"; do
  name="${t%%=*}"
  rm -rf "$work/dst-$name"
  SRC="$src" DST="$work/dst-$name" bash -c "${t#*=}" >/dev/null 2>&1
done
for rep in $(seq 1 "$reps"); do
  for t in "$@"; do
    name="${t%%=*}"
    sync
    echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    SRC="$src" DST="$work/dst-$name" /usr/bin/time -f "%e %U %S" -o "$work/time.txt" bash -c "${t#*=}" >/dev/null 2>&1
    read -r wall user sys < "$work/time.txt"
    printf '%-10s rep %s: wall %6.2f s  cpu %6.2f s (user %.2f, sys %.2f)\n' "$name" "$rep" "$wall" \
      "$(echo "$user + $sys" | bc)" "$user" "$sys"
  done
done
