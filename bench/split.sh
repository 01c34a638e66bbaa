#!/usr/bin/env bash
# One big file, embedded, no throttle: is it faster copied as ranges by several threads?
#   cp --sparse=auto  |  pdm --split-size 0 (one thread)  |  pdm split into chunk_size ranges with
#   --file-workers 1, 2, 4  |  (CHUNKS) the same at 4 threads with other chunk sizes
# Page cache dropped before every run (root); each run's wall time and the CPU (user+sys) of its
# process from /usr/bin/time; runs interleaved, REPS rounds.
#
#   bench/split.sh [SIZE] [REPS]       defaults: 4G 2 (SIZE for head -c: 2G, 4G ...)
#   CHUNKS="64M 256M" bench/split.sh   chunk sizes tried at 4 threads (default: 64M 256M)
#
# Uses target/pdm.jar as built (`mvn -q -DskipTests package`), copied first. Work files go to
# $WORK (default /tmp/pdm-split, 3 x SIZE). Note what limits the figures: the disk (one virtual
# disk: ranges in parallel only help where the storage has more than one stream's bandwidth) and
# the cores (2 here: more threads than cores copy in turn).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
size="${1:-4G}"
reps="${2:-2}"
chunks="${CHUNKS:-64M 256M}"
work="${WORK:-/tmp/pdm-split}"
[ -f "$repo/target/pdm.jar" ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 2; }
rm -rf "$work"; mkdir -p "$work/src"
cp "$repo/target/pdm.jar" "$work/pdm.jar"
export PDM_JAR="$work/pdm.jar"
pdm="$repo/pdm"
# written data, not holes (holes are not copied): random, so no layer can compress or dedupe it
head -c "$size" /dev/urandom > "$work/src/big"
sync
drop() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || echo "(caches not dropped: not root)" >&2; }

run() { # NAME COMMAND...: one timed run into an empty target, caches dropped
  local name="$1"; shift
  rm -rf "$work/dst"; mkdir -p "$work/dst"; drop
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  t1=$(date +%s.%N)
  read -r u s < <(tail -1 "$work/time")
  cmp -s "$work/src/big" "$work/dst/big" || { echo "$name: copy differs" >&2; exit 1; }
  printf '%-28s wall %6.2f s   cpu %6.2f s   %7.1f MiB/s\n' "$name" "$(echo "$t1 - $t0" | bc)" \
    "$(echo "$u + $s" | bc)" "$(echo "$(stat -c %s "$work/src/big") / 1048576 / ($t1 - $t0)" | bc -l)"
}

echo "# $(date -u +%FT%TZ) size $size, $(nproc) cores, $(findmnt -no FSTYPE,SOURCE --target "$work")"
for r in $(seq 1 "$reps"); do
  echo "## round $r"
  run "cp" cp --sparse=auto "$work/src/big" "$work/dst/big"
  run "pdm whole (split off)" "$pdm" copy --split-size 0 "$work/src" "$work/dst"
  for t in 1 2 4; do
    run "pdm split 64M x $t threads" "$pdm" copy --split-size 1G --chunk-size 64M --file-workers "$t" "$work/src" "$work/dst"
  done
  for c in $chunks; do
    [ "$c" = 64M ] && continue
    run "pdm split $c x 4 threads" "$pdm" copy --split-size 1G --chunk-size "$c" --file-workers 4 "$work/src" "$work/dst"
  done
done
rm -rf "$work"
