#!/usr/bin/env bash
# Distributed mode against embedded mode on one of ../shared/bench's profiles:
#   bench/distributed.sh [PROFILE] [WORKER_COUNTS...]      (default: small 1 2 3)
# Per mode: an initial copy into an empty target (caches dropped first), then a no-change copy.
# Each worker runs as a host of its own: its own network namespace (a veth pair to the broker on
# the host side) and UTS namespace (hostname pdm-node-N), so heartbeats, per-node metrics and hard
# links across nodes see distinct hosts. For the initial copy it prints wall time (and its ratio
# to embedded), CPU seconds of the broker (beam.smp, from /proc/PID/stat) per file, of the workers
# per file and of the --wait client, and RabbitMQ's own message counts (management API, overview
# deltas) per 1,000 files: publishes (stream appends included), deliveries, acks, confirms.
#
# Needs root (namespaces, drop_caches) and a RabbitMQ the namespaces can reach on the host side:
# it must accept the user from a non-loopback address (guest needs loopback_users = none) and
# listen on every interface. Set PDM_BENCH_NODE to its Erlang node name (rabbitmqctl -n) and
# PDM_BENCH_MGMT to its management API (without it the message columns are "-"). Example with a
# broker of its own, so other users of a shared broker do not count:
#   PDM_RABBITMQ=amqp://guest:guest@127.0.0.1:5680 PDM_BENCH_NODE=pdmbench@localhost \
#   PDM_BENCH_MGMT=http://guest:guest@127.0.0.1:15680 bench/distributed.sh small 1 2 3
# where that broker was started (as root; Debian's rabbitmq-server runs it as user rabbitmq) with:
#   d=/tmp/pdmbench-mq; mkdir -p $d/mnesia $d/log; echo '[rabbitmq_management].' > $d/enabled_plugins
#   printf 'listeners.tcp.default = 5680\nmanagement.tcp.port = 15680\nloopback_users = none\n' > $d/bench.conf
#   chown -R rabbitmq: $d; RABBITMQ_NODENAME=pdmbench@localhost RABBITMQ_NODE_PORT=5680 \
#   RABBITMQ_DIST_PORT=25680 RABBITMQ_MNESIA_BASE=$d/mnesia RABBITMQ_LOG_BASE=$d/log \
#   RABBITMQ_ENABLED_PLUGINS_FILE=$d/enabled_plugins RABBITMQ_CONFIG_FILE=$d/bench \
#   RABBITMQ_FEATURE_FLAGS_FILE=$d/mnesia/ff rabbitmq-server -detached
# Other env: PDM_BENCH_JAR (a jar to measure instead of a fresh build; its .aot beside it is used),
# PDM_BENCH_NO_BUILD=1, PDM_BENCH_DIR (work dir), PDM_BENCH_DIR_WORKERS, PDM_BENCH_FILE_WORKERS.
# A job no worker serves pins the tracker's checkpoint (docs/distributed-design.md): measure on
# a fresh event log (delete pdm.events, pdm.tracker.checkpoint when no job runs).
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE=${1:-small}; shift || true
COUNTS=("${@:-1 2 3}"); COUNTS=(${COUNTS[@]})
URI=${PDM_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672}
NODE=${PDM_BENCH_NODE:-rabbit@localhost}
MGMT=${PDM_BENCH_MGMT:-}
WORK=${PDM_BENCH_DIR:-/tmp/pdm-dist-bench}
mkdir -p "$WORK/jar"
if [ -z "${PDM_BENCH_NO_BUILD:-}" ]; then mvnl -o -q -DskipTests package; fi
# A copy of the jar: a build during the run must not change what is measured.
JAR=${PDM_BENCH_JAR:-target/pdm.jar}; rm -f "$WORK/jar/pdm.aot"
cp "$JAR" "$WORK/jar/pdm.jar"; [ -f "${JAR%.jar}.aot" ] && cp "${JAR%.jar}.aot" "$WORK/jar/pdm.aot"
export PDM_JAR="$WORK/jar/pdm.jar"
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
dropped=yes
drop() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || dropped=no; }
now() { date +%s.%N; }
# CPU seconds (user + system) of a process, its children that were waited for included.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15+$16+$17)/hz}' "/proc/$1/stat" 2>/dev/null || echo 0; }
broker_pid=$(rabbitmqctl -q -n "$NODE" eval 'os:getpid().' | tr -dc 0-9)
# publish, deliver_get, ack, confirm: cumulative counters of the whole broker.
msgs() {
  if [ -z "$MGMT" ]; then echo "- - - -"; return; fi
  curl -sf "$MGMT/api/overview" | python3 -c 'import json,sys; m=json.load(sys.stdin).get("message_stats",{}); print(*(m.get(k,0) for k in ("publish","deliver_get","ack","confirm")))'
}
# Per queue: publishes and deliveries, as "name pub deliv" lines (for where the messages go).
queues() {
  if [ -z "$MGMT" ]; then return; fi
  curl -sf "$MGMT/api/queues" | python3 -c 'import json,sys
for q in json.load(sys.stdin):
  m=q.get("message_stats",{}); print(q["name"], m.get("publish",0), m.get("deliver_get",0))'
}
files=$(find "$WORK/src-$PROFILE" -not -type d | wc -l)
echo "profile $PROFILE: $files non-directories; caches dropped before each pass; broker $NODE (pid $broker_pid)"
printf "%-10s %9s %7s %9s %9s %9s %8s %8s %8s %8s %8s %10s\n" mode initial_s ratio broker_us/f worker_us/f client_cpu_s \
  pub/1kf deliv/1kf ack/1kf conf/1kf tasks nochange_s
emb=0
run_embedded() {
  rm -rf "$WORK/dst"; mkdir -p "$WORK/dst"; drop
  local t0 t1 t2; t0=$(now); PDM_RABBITMQ= ./pdm copy "bsrc$ID" "bdst$ID" / --config "$CFG" >/dev/null; t1=$(now)
  drop; PDM_RABBITMQ= ./pdm copy "bsrc$ID" "bdst$ID" / --config "$CFG" >/dev/null; t2=$(now)
  emb=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')
  awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN{printf "%-10s %9.2f %7s %9s %9s %9s %8s %8s %8s %8s %8s %10.2f\n","embedded",b-a,"1.00","-","-","-","-","-","-","-","-",c-b}'
}
# Worker i: network namespace pdmb$i with a veth pair 10.77.$i.1 (host) <-> 10.77.$i.2 (namespace).
netns_up() {
  local i=$1
  ip netns del "pdmb$i" 2>/dev/null || true; ip link del "pdmbh$i" 2>/dev/null || true
  ip netns add "pdmb$i"
  ip link add "pdmbh$i" type veth peer name "pdmbn$i"
  ip link set "pdmbn$i" netns "pdmb$i"
  ip addr add "10.77.$i.1/24" dev "pdmbh$i"; ip link set "pdmbh$i" up
  ip netns exec "pdmb$i" ip addr add "10.77.$i.2/24" dev "pdmbn$i"
  ip netns exec "pdmb$i" ip link set "pdmbn$i" up
  ip netns exec "pdmb$i" ip link set lo up
}
netns_down() { ip netns del "pdmb$1" 2>/dev/null || true; ip link del "pdmbh$1" 2>/dev/null || true; }
run_distributed() {
  local n=$1 pids=() i
  for i in $(seq 1 "$n"); do
    netns_up "$i"
    local wuri; wuri=$(echo "$URI" | sed -E "s#@[^:/]+(:[0-9]+)?#@10.77.$i.1\1#")
    # (the host name must resolve for Java: the namespace's own /etc/hosts names it)
    ip netns exec "pdmb$i" unshare --uts --mount bash -c '
      hostname "$1"; printf "127.0.0.1 localhost\n10.77.%s.2 %s\n" "$2" "$1" > "$3/hosts-$2"
      mount --bind "$3/hosts-$2" /etc/hosts; shift 3; exec ./pdm "$@"' _ "pdm-node-$i" "$i" "$WORK" \
      worker --config "$CFG" --rabbitmq "$wuri" 2>"$WORK/worker-$i.log" &
    pids+=($!)
  done
  for i in $(seq 1 "$n"); do until grep -q "connected to" "$WORK/worker-$i.log"; do sleep 0.2; done; done
  until grep -q "job tracker now" "$WORK"/worker-*.log; do sleep 0.2; done
  rm -rf "$WORK/dst"; mkdir -p "$WORK/dst"; drop
  local b0 m0 w0=0 t0 t1 out
  # (the management API's counters lag by up to 5 s: let them settle before and after)
  sleep 6; m0=$(msgs); queues > "$WORK/queues-0"; b0=$(cpu "$broker_pid")
  for p in "${pids[@]}"; do w0=$(awk -v a="$w0" -v b="$(cpu "$p")" 'BEGIN{print a+b}'); done
  t0=$(now)
  out=$( { /usr/bin/time -f "%U %S" ./pdm copy "bsrc$ID" "bdst$ID" / --config "$CFG" --rabbitmq "$URI" --wait --json 2>"$WORK/client.err"; } )
  t1=$(now)
  local b1 m1 w1=0 client job tasks
  b1=$(cpu "$broker_pid")
  for p in "${pids[@]}"; do w1=$(awk -v a="$w1" -v b="$(cpu "$p")" 'BEGIN{print a+b}'); done
  sleep 6; m1=$(msgs); queues > "$WORK/queues-1"
  client=$(tail -1 "$WORK/client.err" | awk '{print $1+$2}')
  job=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"])')
  tasks=$(./pdm status "$job" --json --config "$CFG" --rabbitmq "$URI" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tasks_done"])')
  drop; local t2 t3; t2=$(now); ./pdm copy "bsrc$ID" "bdst$ID" / --config "$CFG" --rabbitmq "$URI" --wait >/dev/null 2>&1; t3=$(now)
  local hosts; hosts=$(./pdm status "$job" --config "$CFG" --rabbitmq "$URI" 2>/dev/null | grep -o "pdm-node-[0-9]*" | sort -u | tr '\n' ' ' || true)
  kill -TERM "${pids[@]}"; wait "${pids[@]}" || true
  for i in $(seq 1 "$n"); do netns_down "$i"; done
  awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v f="$files" -v e="$emb" -v b0="$b0" -v b1="$b1" -v w0="$w0" -v w1="$w1" \
      -v cl="$client" -v t="$tasks" -v n="$n" -v m0="$m0" -v m1="$m1" 'BEGIN{
    split(m0,x," "); split(m1,y," "); for(k=1;k<=4;k++) r[k]=(x[k]=="-")?"-":sprintf("%.1f",(y[k]-x[k])*1000/f);
    printf "%-10s %9.2f %7.2f %9.1f %9.1f %9.2f %8s %8s %8s %8s %8s %10.2f\n",n" worker",b-a,(b-a)/e,(b1-b0)*1e6/f,(w1-w0)*1e6/f,cl,r[1],r[2],r[3],r[4],t,d-c}'
  echo "           hosts in job $job: $hosts"
  echo "           per queue, publishes/deliveries in the initial copy: $(awk 'NR==FNR{p[$1]=$2;d[$1]=$3;next} $2-p[$1]>0||$3-d[$1]>0{sub(/\.bsrc[0-9]+\.bdst[0-9]+/,"",$1); printf "%s %d/%d  ",$1,$2-p[$1],$3-d[$1]}' "$WORK/queues-0" "$WORK/queues-1")"
}
run_embedded
for n in "${COUNTS[@]}"; do run_distributed "$n"; done
echo "caches dropped: $dropped"
rabbitmqctl -q -n "$NODE" list_queues name 2>/dev/null | grep "bsrc$ID" | while read -r q; do rabbitmqctl -q -n "$NODE" delete_queue "$q" >/dev/null 2>&1 || true; done
