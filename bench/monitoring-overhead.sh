#!/usr/bin/env bash
# What monitoring costs an embedded copy, measured as ratios within one run:
#   bench/monitoring-overhead.sh [PROFILE] [REPS]          (default: tiny 3)
# Variants, interleaved per repetition, each an initial copy into an empty target after
# sync + drop_caches: plain; elastic_url on a dead port (every log event is dropped);
# --metrics-port with a scraper hitting /metrics every 0.2 s. Prints each time and the
# median ratio against plain. Needs root (drop_caches).
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE=${1:-tiny}
REPS=${2:-3}
WORK=${PDM_BENCH_DIR:-/tmp/pdm-mon-bench}
mvn -q -DskipTests package
mkdir -p "$WORK"
[ -d "$WORK/src-$PROFILE" ] || python3 ../shared/bench/make-tree "$PROFILE" "$WORK/src-$PROFILE" >/dev/null
DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkcfg() { # $1 = extra top-level line
  cat > "$WORK/config.toml" <<TOML
$1
[datasource.src]
type = "posix"
path = "$WORK/src-$PROFILE"
write = false
[datasource.dst]
type = "posix"
path = "$WORK/dst"
write = true
TOML
}
run() { # $1 = variant; prints seconds
  rm -rf "$WORK/dst"; mkdir -p "$WORK/dst"; sync; echo 3 > /proc/sys/vm/drop_caches
  local extra=() scraper=
  case $1 in
    plain) mkcfg "" ;;
    elastic-dead) mkcfg "elastic_url = \"http://u:p@127.0.0.1:$DEAD\"" ;;
    metrics) mkcfg ""; extra=(--metrics-port "$PORT" --metrics-bind 127.0.0.1)
      (while true; do curl -s -o /dev/null "http://127.0.0.1:$PORT/metrics" || true; sleep 0.2; done) & scraper=$! ;;
  esac
  /usr/bin/time -o "$WORK/$1.time" -f '%e %U %S' \
    ./pdm copy src dst / --config "$WORK/config.toml" "${extra[@]}" >/dev/null 2>"$WORK/$1.err"
  [ -n "$scraper" ] && kill "$scraper" 2>/dev/null
  # wall seconds, and CPU seconds (user + sys): the CPU is steadier than the wall time here
  awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$WORK/$1.time"
}
declare -A T
for r in $(seq 1 "$REPS"); do
  for v in plain elastic-dead metrics; do
    s=$(run $v); T[$v]="${T[$v]:-} ${s/ /,}"; echo "rep $r $v: wall ${s% *} s, cpu ${s#* } s"
  done
done
python3 - "${T[plain]}" "${T[elastic-dead]}" "${T[metrics]}" <<'PY'
import statistics, sys
runs = [[tuple(map(float, x.split(","))) for x in a.split()] for a in sys.argv[1:]]
med = [(statistics.median(w for w, _ in r), statistics.median(c for _, c in r)) for r in runs]
names = ["plain", "elastic_url on a dead port", "--metrics-port scraped every 0.2 s"]
for n, (w, c) in zip(names, med):
    print(f"{n}: median wall {w:.2f} s (x{w / med[0][0]:.2f}), CPU {c:.2f} s (x{c / med[0][1]:.2f})")
PY
