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
# Multi-worker scaling (distributed, one file's ranges over several worker processes):
#   bench/split.sh workers [SIZE] [REPS] [COUNTS]     defaults: 2G 1 "1 2 4"
# One SIZE file copied by 1, 2, 4 `pdm worker`s on this machine, each at --bwlimit $BWLIMIT
# (default 40M: per-node bandwidth emulated per process), --split-size 1G --chunk-size 64M, the
# client with --wait. Wall time of the client (job submitted to done, workers already
# connected) and its ratio to 1 worker (goal: <= 0.55 with 2, <= 0.3 with 4); CPU user+sys of the
# workers and client from /proc/PID/stat. Needs a broker: PDM_RABBITMQ (default
# amqp://guest:guest@127.0.0.1:5672).
#
# Uses target/pdm.jar as built (`mvn -q -DskipTests package`), copied first. Work files go to
# $WORK (default /tmp/pdm-split, 3 x SIZE). Note what limits the figures: the disk (one virtual
# disk: ranges in parallel only help where the storage has more than one stream's bandwidth) and
# the cores (2 here: more threads than cores copy in turn).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${1:-}" = workers ]; then
  shift
  size="${1:-2G}"; reps="${2:-1}"; counts="${3:-1 2 4}"
  bw="${BWLIMIT:-40M}"
  uri="${PDM_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672}"
  work="${WORK:-/tmp/pdm-split-workers}"
  [ -f "$repo/target/pdm.jar" ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 2; }
  rm -rf "$work"; mkdir -p "$work/src" "$work/dst"
  cp "$repo/target/pdm.jar" "$work/pdm.jar"
  export PDM_JAR="$work/pdm.jar"
  pdm="$repo/pdm"
  head -c "$size" /dev/urandom > "$work/src/big"; sync
  id=$(date +%s); s="bs$id"; t="bt$id"
  cat > "$work/config.toml" <<TOML
dir_workers = 1
file_workers = 4
[datasource.$s]
type = "posix"
path = "$work/src"
write = false
[datasource.$t]
type = "posix"
path = "$work/dst"
write = true
TOML
  cpu() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; } # clock ticks, user+sys
  tck=$(getconf CLK_TCK)
  pids=()
  stop_workers() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
                   for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done; pids=(); }
  trap stop_workers EXIT
  echo "# $(date -u +%FT%TZ) workers: size $size, --bwlimit $bw per worker, chunk 64M, $(nproc) cores"
  base=""
  for r in $(seq 1 "$reps"); do
    for n in $counts; do
      rm -rf "$work/dst"; mkdir -p "$work/dst"
      sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
      for i in $(seq 1 "$n"); do
        "$pdm" worker --bwlimit "$bw" --config "$work/config.toml" --rabbitmq "$uri" > "$work/worker-$n-$i.log" 2>&1 &
        pids+=($!)
      done
      for i in $(seq 1 "$n"); do
        until grep -q "connected to" "$work/worker-$n-$i.log"; do sleep 0.2; done
      done
      # (the java of each worker: ./pdm execs it, so $! is the JVM)
      c0=0; for p in "${pids[@]}"; do c0=$((c0 + $(cpu "$p"))); done
      t0=$(date +%s.%N)
      /usr/bin/time -f "%U %S" -o "$work/time" "$pdm" copy "$s" "$t" / --split-size 1G --chunk-size 64M --wait \
        --config "$work/config.toml" --rabbitmq "$uri" > "$work/out" 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
      t1=$(date +%s.%N)
      c1=0; for p in "${pids[@]}"; do c1=$((c1 + $(cpu "$p"))); done
      read -r u sy < <(tail -1 "$work/time")
      stop_workers
      cmp -s "$work/src/big" "$work/dst/big" || { echo "$n workers: copy differs" >&2; exit 1; }
      wall=$(echo "$t1 - $t0" | bc)
      [ "$n" = 1 ] && base=$wall
      ratio=$( [ -n "$base" ] && echo "scale=4; $wall / $base" | bc || echo 0)
      printf '%d worker(s)   wall %7.2f s   %.2fx of 1 worker   workers cpu %6.2f s   client cpu %5.2f s\n' \
        "$n" "$wall" "$ratio" "$(echo "scale=2; ($c1 - $c0) / $tck" | bc)" "$(echo "$u + $sy" | bc)"
    done
  done
  rm -rf "$work"
  exit 0
fi
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
