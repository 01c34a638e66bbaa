#!/usr/bin/env bash
# The final-sync figure of the change journal (docs/change-journal.md): on a make-tree tree
# (default `meta`, 10^6 empty files in 1,000 dirs), after a full sync with `pdm watch` running,
# make N changes spread over the tree, then time `sync --changes` and, right after it, the full
# sync that finds nothing more to do; caches dropped before each (root), REPS rounds.
# Prints wall and CPU (user+sys) per run, the walk kind and the directories listed.
#
#   sudo bench/changes.sh                 # PROFILE=meta N=100 REPS=2 WORK=/work/bench-changes TGT=/dev/shm/...
#   sudo PROFILE=small N=50 bench/changes.sh
# Under a lock shared with builds, take it with `flock -o LOCK bench/changes.sh`: without -o the
# watcher this script starts inherits the lock's descriptor and, if the script is killed before its
# trap runs, holds the lock until someone kills the watcher.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PROFILE=${PROFILE:-meta}
N=${N:-100}
REPS=${REPS:-2}
SEED0=${SEED0:-0} # (the seeds are SEED0+1..SEED0+REPS: a tree that saw a seed before gets chmods it already has)
WORK=${WORK:-/work/bench-changes}
PDM=${PDM:-$here/../pdm}
MAKE_TREE=${MAKE_TREE:-$here/../../shared/bench/make-tree}
src=$WORK/src
# (the target on another filesystem, as in a migration: the watcher sees its whole filesystem,
# and a million creates there would overflow its queue)
tgt=${TGT:-/dev/shm/pdm-bench-changes-tgt}
export PDM_STATE_DIR=$WORK/state

drop() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; }
timed() { # label, then the command; prints "label wall user sys json"
    local label=$1; shift
    local t; t=$(mktemp)
    /usr/bin/time -f '%e %U %S' -o "$t" "$@" > "$WORK/out.json" 2> "$WORK/err.log" || { cat "$WORK/err.log" >&2; exit 1; }
    read -r wall user sys < "$t"; rm -f "$t"
    local walk dirs
    walk=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("walk","-"), d.get("dirs_listed", d.get("dirs","-")), d.get("files_copied"), d.get("meta_fixed"))' "$WORK/out.json")
    printf '%-16s %7.2f s wall %7.2f s CPU   walk/dirs listed/copied/meta: %s\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" "$walk"
}

mkdir -p "$WORK"
if [ ! -d "$src" ]; then
    echo "== make-tree $PROFILE $src" >&2
    "$MAKE_TREE" "$PROFILE" "$src" --seed 7 > /dev/null
fi
rm -rf "$tgt" "$PDM_STATE_DIR"
"$PDM" watch "$src" > "$WORK/watch.log" 2>&1 &
watcher=$!
trap 'kill $watcher 2>/dev/null; wait $watcher 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do ls "$PDM_STATE_DIR"/journal/*/watch.sock > /dev/null 2>&1 && break; sleep 0.2; done
echo "== first sync --changes (full walk, takes the marks)" >&2
"$PDM" sync --json --changes "$src" "$tgt" > /dev/null

for rep in $(seq 1 "$REPS"); do
    # N changes spread over the tree: appends, new files, chmods, in dirs picked by a seeded draw
    "$here/spread-changes.py" "$src" "$N" "$((rep + SEED0))"
    drop
    timed "changes #$rep" "$PDM" sync --json --changes "$src" "$tgt"
    drop
    timed "full #$rep" "$PDM" sync --json "$src" "$tgt"
done
echo "== check: rsync -naiH lists nothing" >&2
left=$(rsync -naiH --delete "$src/" "$tgt/" | wc -l)
echo "rsync -naiH --delete lines: $left"
