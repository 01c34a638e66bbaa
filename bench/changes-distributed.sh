#!/usr/bin/env bash
# The change journal in distributed mode (docs/change-journal.md, "Distributed mode"): on a
# make-tree tree (default `small`), with `pdm watch NAME` publishing to its stream and W workers
# (default 2) on this host, after a first `sync --changes` (full walk, takes the marks), make N
# changes spread over the tree, then time a distributed `sync --changes` and, right after it, the
# full distributed sync that finds nothing more to do; caches dropped before each (root), REPS rounds.
# Prints wall of the --wait client, CPU (user+sys) of the client and of the workers, the walk kind
# and the directories listed. HISTORY=K first puts K records of an earlier watcher session on the
# stream (bench/StreamHistory.java), as a long-lived watcher leaves them: a pass should read only
# what came after the last complete pass, whatever the stream holds before it.
#
#   sudo PDM_RABBITMQ=amqp://guest:guest@127.0.0.1:5672 bench/changes-distributed.sh
#   sudo PROFILE=meta N=100 W=2 bench/changes-distributed.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PROFILE=${PROFILE:-small}
N=${N:-100}
REPS=${REPS:-2}
W=${W:-2}
URI=${PDM_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672}
WORK=${WORK:-/tmp/pdm-bench-changes-dist}
JAR=${PDM_JAR:-$here/../target/pdm.jar}
MAKE_TREE=${MAKE_TREE:-$here/../../shared/bench/make-tree}
ID=$(date +%s)
SRC=bsrc$ID
TGT=bdst$ID
mkdir -p "$WORK"
[ -d "$WORK/src-$PROFILE" ] || python3 "$MAKE_TREE" "$PROFILE" "$WORK/src-$PROFILE" --seed 7 > /dev/null
# (the target on another filesystem, as in a migration: the watcher sees its whole filesystem, and
# the first copy's 10^5 creates there would overflow its queue: the next pass would walk everything)
DST=${TGT_DIR:-/dev/shm/pdm-bench-changes-dist-tgt}
rm -rf "$DST" "$WORK/state"; mkdir -p "$DST"
export PDM_STATE_DIR=$WORK/state
cat > "$WORK/config.toml" <<TOML
[datasource.$SRC]
type = "posix"
path = "$WORK/src-$PROFILE"
write = false
[datasource.$TGT]
type = "posix"
path = "$DST"
write = true
TOML
JAVA=${PDM_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
# (a script, not a function: /usr/bin/time runs it)
cat > "$WORK/pdm" <<SH
#!/bin/sh
exec "$JAVA" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$JAR" "\$@" --config "$WORK/config.toml" --rabbitmq "$URI"
SH
chmod +x "$WORK/pdm"
pdm() { "$WORK/pdm" "$@"; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
"$WORK/pdm" watch "$SRC" > "$WORK/watch.log" 2>&1 & pids+=($!)
for i in $(seq 1 "$W"); do "$WORK/pdm" worker > "$WORK/worker-$i.log" 2>&1 & pids+=($!); done
for _ in $(seq 1 150); do grep -q "watching " "$WORK/watch.log" && break; sleep 0.2; done
for i in $(seq 1 "$W"); do for _ in $(seq 1 150); do grep -q "connected to" "$WORK/worker-$i.log" && break; sleep 0.2; done; done
if [ "${HISTORY:-0}" -gt 0 ]; then
    echo "== $HISTORY records of an earlier session on pdm.journal.$SRC" >&2
    "$JAVA" -cp "$JAR" "$here/StreamHistory.java" "$URI" "$SRC" "$HISTORY"
fi
# the workers' CPU seconds (user+sys), from /proc: the java processes under the worker shells
wcpu() {
    local t=0 p
    for p in $(pgrep -f "pdm.jar worker --config $WORK/config.toml"); do
        t=$(awk -v t="$t" '{print t + ($14 + $15) / 100}' "/proc/$p/stat")
    done
    echo "$t"
}
drop() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; }
timed() {
    local label=$1; shift
    local t w0 w1; t=$(mktemp); w0=$(wcpu)
    local out="$WORK/out-${label//[^a-z0-9]/}.json"
    /usr/bin/time -f '%e %U %S' -o "$t" "$@" > "$out" 2> "$WORK/err.log" || { cat "$WORK/err.log" >&2; exit 1; }
    cp "$out" "$WORK/out.json"
    w1=$(wcpu)
    read -r wall user sys < "$t"; rm -f "$t"
    local walk
    walk=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("walk","-"), d.get("dirs_listed", d.get("dirs","-")), d.get("files_copied"), d.get("meta_fixed"), d.get("walk_reason", ""))' "$out")
    printf '%-12s %7.2f s wall  client CPU %6.2f s  workers CPU %7.2f s   walk/dirs listed/copied/meta: %s\n' \
        "$label" "$wall" "$(echo "$user + $sys" | bc)" "$(echo "$w1 - $w0" | bc)" "$walk"
}
echo "== first sync --changes (full walk, takes the marks)" >&2
pdm sync "$SRC" "$TGT" / --json --changes > /dev/null 2> "$WORK/first.err"
for rep in $(seq 1 "$REPS"); do
    "$here/spread-changes.py" "$WORK/src-$PROFILE" "$N" "$rep"
    drop
    timed "changes #$rep" "$WORK/pdm" sync "$SRC" "$TGT" / --json --changes
    drop
    timed "full #$rep" "$WORK/pdm" sync "$SRC" "$TGT" / --json
done
left=$(rsync -naiH --delete "$WORK/src-$PROFILE/" "$DST/" | wc -l)
echo "rsync -naiH --delete lines: $left"
# its own queues go: the journal stream, the mark queue and the pair's task queues (names with its ID)
if command -v rabbitmqctl > /dev/null; then
    for q in $(rabbitmqctl list_queues name 2>/dev/null | grep -E "$ID"); do rabbitmqctl delete_queue "$q" > /dev/null 2>&1 || true; done
else
    echo "(delete the bench's queues, every name with $ID in it: pdm.journal.$SRC, its .marks, the pair's task queues)"
fi
