#!/usr/bin/env bash
# Is a limit held? Samples what pdm has written to the target once a second:
#   1. embedded `pdm copy --bwlimit RATE` for SECONDS seconds: bytes/s against RATE (within 10%?);
#   2. embedded `pdm copy --max-files-per-second N` for 15 s: files/s against N;
#   3. distributed: one `pdm worker` with bwlimit = RATE in its config.toml for 10 s, then the config
#      says 2 x RATE and the worker gets SIGUSR1 (10 s more), then SIGUSR2 lifts the limit (5 s):
#      the same process, never restarted, at each rate. Needs RabbitMQ (PDM_RABBITMQ, default
#      amqp://guest:guest@127.0.0.1:5672).
#
#   bench/throttle.sh [RATE] [SECONDS]       defaults: 20M 30; RATE in bytes/s, K/M/G = 1024^n
#   PARTS=3 bench/throttle.sh                only part 3 (PARTS=12: only the embedded parts)
#
# Uses target/pdm.jar as built (`mvn -q -DskipTests package`), copied first so a rebuild cannot
# change what is measured. Work files go to $WORK (default /tmp/pdm-throttle, about 5 GiB).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
rate_arg="${1:-20M}"
seconds="${2:-30}"
work="${WORK:-/tmp/pdm-throttle}"
broker="${PDM_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672}"
[ -f "$repo/target/pdm.jar" ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 2; }

to_bytes() { # 20M -> 20971520
  local n="${1%[KkMmGg]}" s="${1: -1}"
  case "$s" in K|k) echo $((n << 10));; M|m) echo $((n << 20));; G|g) echo $((n << 30));; *) echo "$1";; esac
}
rate=$(to_bytes "$rate_arg")

rm -rf "$work"; mkdir -p "$work"
cp "$repo/target/pdm.jar" "$work/pdm.jar"
[ -f "$repo/target/pdm.aot" ] && cp "$repo/target/pdm.aot" "$work/pdm.aot"
pdm() { PDM_JAR="$work/pdm.jar" "$repo/pdm" "$@"; }
# for `pdm_bg ... &`: the subshell becomes the JVM, so $! is the process that gets the signals
pdm_bg() { PDM_JAR="$work/pdm.jar" exec "$repo/pdm" "$@"; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${src_name:-}" ] && command -v rabbitmqctl >/dev/null; then  # this run's queues, where the broker is local
    for q in dir file link; do
      for n in "" .0 .1 .2 .3; do rabbitmqctl -q delete_queue "$q.$src_name.$tgt_name$n" >/dev/null 2>&1 || true; done
    done
  fi
}
trap cleanup EXIT

# 32 files of 64 MiB (written data, not holes: holes are not copied), one task each, so all
# 16 file workers share one limit.
mkdir -p "$work/src"
for i in $(seq -w 1 32); do head -c 64M /dev/zero > "$work/src/f$i"; done
mkdir -p "$work/small"
(cd "$work/small" && for d in $(seq 1 10); do mkdir "d$d"; for f in $(seq 1 300); do : > "d$d/e$f"; done; done)
# filesystem names of this run only: its queues hold no task of an earlier, interrupted run
run="$(date +%s)$$"
src_name="bsrc$run"; tgt_name="btgt$run"
cat > "$work/config.toml" <<EOF
files_per_task = 1
file_workers = 16
[rabbitmq]
connect_string = "$broker"
[datasource.$src_name]
type = "posix"
path = "$work/src"
[datasource.$tgt_name]
type = "posix"
path = "$work/dst-worker"
write = true
EOF
mkdir -p "$work/dst-worker"

bytes_in() { du -sb --apparent-size "$1" 2>/dev/null | cut -f1; }
files_in() { find "$1" -type f 2>/dev/null | wc -l; }
now() { date +%s.%N; }

# sample DIR N MEASURE: N one-second samples of MEASURE (bytes_in or files_in), as "t value" lines
sample() {
  local dir="$1" n="$2" measure="$3" start i
  start=$(now)
  for ((i = 0; i <= n; i++)); do
    echo "$(echo "$(now) - $start" | bc) $($measure "$dir")"
    sleep_until=$(echo "$start + $i + 1" | bc)
    sleep "$(echo "s=$sleep_until - $(now); if (s > 0) s else 0" | bc)"
  done
}

# report LABEL LIMIT UNIT < samples: average over the window, and the slowest and fastest second
report() {
  awk -v label="$1" -v limit="$2" -v unit="$3" '
    NR == 1 { t0 = $1; v0 = $2; pt = $1; pv = $2; next }
    { r = ($2 - pv) / ($1 - pt); if (min == "" || r < min) min = r; if (r > max) max = r; pt = $1; pv = $2; t = $1; v = $2 }
    END {
      avg = (v - v0) / (t - t0); ratio = avg / limit
      printf "%-34s limit %10.1f %s  measured %10.1f %s over %4.1f s  ratio %.3f  (seconds: min %.1f, max %.1f)  %s\n",
        label, limit, unit, avg, unit, t - t0, ratio, min, max, (ratio >= 0.9 && ratio <= 1.1) ? "HELD" : "NOT HELD"
    }'
}

# waits until DIR holds more than MIN (bytes or files): the JVM has started, the walk is done,
# and (distributed) the worker has the job's file tasks
await_start() {
  local v min="${3:-0}"
  while v="$($2 "$1")"; [ "${v:-0}" -le "$min" ]; do sleep 0.05; done
}

mib=$(echo "scale=1; $rate / 1048576" | bc)
parts="${PARTS:-123}"  # PARTS=3: the distributed part only
if [[ "$parts" == *1* ]]; then
echo "== 1. embedded copy --bwlimit $rate_arg ($mib MiB/s), $seconds s"
pdm_bg copy --config "$work/config.toml" --bwlimit "$rate_arg" "$work/src" "$work/dst-embedded" >/dev/null 2>"$work/embedded.err" &
pids+=($!); p=$!
await_start "$work/dst-embedded" bytes_in
sample "$work/dst-embedded" "$seconds" bytes_in > "$work/embedded.samples"
kill -INT "$p"; wait "$p" || true
awk '{ printf "%s %.1f\n", $1, $2 / 1048576 }' "$work/embedded.samples" > "$work/embedded.mib"
report "embedded --bwlimit" "$mib" "MiB/s" < "$work/embedded.mib"
fi
if [[ "$parts" == *2* ]]; then

echo "== 2. embedded copy --max-files-per-second 100, 15 s"
pdm_bg copy --config "$work/config.toml" --max-files-per-second 100 "$work/small" "$work/dst-files" >/dev/null 2>"$work/files.err" &
pids+=($!); p=$!
await_start "$work/dst-files" files_in
sample "$work/dst-files" 15 files_in > "$work/files.samples"
kill -INT "$p"; wait "$p" || true
report "embedded --max-files-per-second" 100 "files/s" < "$work/files.samples"
fi
[[ "$parts" == *3* ]] || exit 0

echo "== 3. distributed: one worker, bwlimit = $rate_arg, then SIGUSR1 with 2x in the config, then SIGUSR2"
if ! pdm status --config "$work/config.toml" >/dev/null 2>&1; then
  echo "no RabbitMQ at $broker: part 3 skipped" >&2; exit 0
fi
sed -i "1i bwlimit = $rate" "$work/config.toml"
pdm_bg worker --config "$work/config.toml" -v > "$work/worker.log" 2>&1 &
pids+=($!); worker=$!
until grep -q "connected to" "$work/worker.log"; do sleep 0.2; done
job=$(pdm copy --config "$work/config.toml" "$src_name" "$tgt_name" / 2>/dev/null | grep -o '[0-9]\{8\}-[0-9]\{6\}-[a-z0-9]*' | head -1)
await_start "$work/dst-worker" bytes_in $((1 << 20))
sample "$work/dst-worker" 10 bytes_in > "$work/worker1.samples"
sed -i "s/^bwlimit = .*/bwlimit = $((2 * rate))/" "$work/config.toml"
kill -USR1 "$worker"
sample "$work/dst-worker" 10 bytes_in > "$work/worker2.samples"
kill -USR2 "$worker"
sample "$work/dst-worker" 5 bytes_in > "$work/worker3.samples"
for n in 1 2 3; do awk '{ printf "%s %.1f\n", $1, $2 / 1048576 }' "$work/worker$n.samples" > "$work/worker$n.mib"; done
report "worker, bwlimit in config" "$mib" "MiB/s" < "$work/worker1.mib"
report "same worker after SIGUSR1 (2x)" "$(echo "scale=1; 2 * $mib" | bc)" "MiB/s" < "$work/worker2.mib"
awk 'NR == 1 { t0 = $1; v0 = $2 } { t = $1; v = $2 } END { printf "%-34s no limit: %.1f MiB/s over %.1f s\n", "same worker after SIGUSR2", (v - v0) / (t - t0), t - t0 }' "$work/worker3.mib"
echo "worker pid $worker alive throughout: $(kill -0 "$worker" 2>/dev/null && echo yes || echo no); its log:"
grep -E "limits|SIGUSR" "$work/worker.log" | sed 's/^/  /'
while true; do  # status exits 3 while the job runs
  rc=0; pdm status --config "$work/config.toml" "$job" >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq 3 ] || break
  sleep 1
done
kill -TERM "$worker"; wait "$worker" || true
