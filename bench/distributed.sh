#!/usr/bin/env bash
# Distributed mode against embedded mode on one of ../shared/bench's profiles:
#   bench/distributed.sh [PROFILE] [WORKER_COUNTS...]      (default: small 1 2 3)
# For each mode: an initial copy into an empty target (caches dropped first), then a
# no-change copy. Prints seconds, files/s and, for distributed runs, broker messages/s
# (task messages + done events + tracker events, from the job's task count).
# Needs RabbitMQ (PDM_RABBITMQ, default amqp://guest:guest@127.0.0.1:5672/) and root (drop_caches).
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE=${1:-small}; shift || true
COUNTS=("${@:-1 2 3}"); COUNTS=(${COUNTS[@]})
URI=${PDM_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672/}
WORK=${PDM_BENCH_DIR:-/tmp/pdm-dist-bench}
mvn -q -DskipTests package
mkdir -p "$WORK"
[ -d "$WORK/src-$PROFILE" ] || python3 ../shared/bench/make-tree "$PROFILE" "$WORK/src-$PROFILE" >/dev/null
ID=$(date +%s)
CFG="$WORK/config.toml"
cat > "$CFG" <<TOML
dir_workers = ${PDM_BENCH_DIR_WORKERS:-4}
file_workers = ${PDM_BENCH_FILE_WORKERS:-16}
[datasource.bsrc$ID]
type = "posix"
path = "$WORK/src-$PROFILE"
write = false
[datasource.bdst$ID]
type = "posix"
path = "$WORK/dst"
write = true
TOML
drop() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; }
now() { date +%s.%N; }
files=$(find "$WORK/src-$PROFILE" -not -type d | wc -l)
printf "%-14s %10s %10s %12s %12s %12s\n" mode initial_s files/s msgs/s nochange_s nochange_f/s
run_embedded() {
  rm -rf "$WORK/dst"; mkdir -p "$WORK/dst"; drop
  local t0; t0=$(now); PDM_RABBITMQ= ./pdm copy bsrc$ID bdst$ID / --config "$CFG" >/dev/null; local t1; t1=$(now)
  drop; ./pdm copy bsrc$ID bdst$ID / --config "$CFG" >/dev/null; local t2; t2=$(now)
  awk -v a="$t0" -v b="$t1" -v c="$t2" -v f="$files" 'BEGIN{printf "%-14s %10.2f %10.0f %12s %12.2f %12.0f\n","embedded",b-a,f/(b-a),"-",c-b,f/(c-b)}'
}
run_distributed() {
  local n=$1 pids=()
  for i in $(seq 1 "$n"); do ./pdm worker --config "$CFG" --rabbitmq "$URI" 2>"$WORK/worker-$i.log" & pids+=($!); done
  for i in $(seq 1 "$n"); do until grep -q "connected to" "$WORK/worker-$i.log"; do sleep 0.2; done; done
  sleep 4 # let one of them take the tracker role
  rm -rf "$WORK/dst"; mkdir -p "$WORK/dst"; drop
  local t0; t0=$(now)
  local job; job=$(./pdm copy bsrc$ID bdst$ID / --config "$CFG" --rabbitmq "$URI" --wait --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"])')
  local t1; t1=$(now)
  local tasks; tasks=$(./pdm status "$job" --json --config "$CFG" --rabbitmq "$URI" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tasks_done"])')
  drop; ./pdm copy bsrc$ID bdst$ID / --config "$CFG" --rabbitmq "$URI" --wait >/dev/null 2>&1; local t2; t2=$(now)
  kill -TERM "${pids[@]}"; wait "${pids[@]}" || true
  # per task: its message and its done event; per directory also a dirmeta task, its done and a published event
  awk -v a="$t0" -v b="$t1" -v c="$t2" -v f="$files" -v t="$tasks" -v n="$n" 'BEGIN{printf "%-14s %10.2f %10.0f %12.0f %12.2f %12.0f\n",n" worker(s)",b-a,f/(b-a),(2*t)/(b-a),c-b,f/(c-b)}'
}
run_embedded
for n in "${COUNTS[@]}"; do run_distributed "$n"; done
for q in dir file link; do :; done
rabbitmqctl list_queues name 2>/dev/null | grep "bsrc$ID" | while read -r q; do rabbitmqctl delete_queue "$q" >/dev/null 2>&1 || true; done
