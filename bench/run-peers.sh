#!/usr/bin/env bash
# Builds pdm and runs the shared peer benchmark with pdm next to cp, rsync and tar.
#   bench/run-peers.sh -p small -t pdm,rsync-aH,cp-a,tar-pipe -r 2
# Extra arguments go to ../shared/bench/run-peers unchanged.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
peers="${PDM_PEERS:-$repo/../shared/bench/run-peers}"
[ -x "$peers" ] || { echo "run-peers not found at $peers (set PDM_PEERS)" >&2; exit 2; }
(cd "$repo" && mvn -q -DskipTests package)
# A copy of the jar, so a rebuild during the run cannot change what is measured.
work="${TMPDIR:-/tmp}/pdm-bench-jar"
mkdir -p "$work"
cp -p "$repo/target/pdm.jar" "$work/pdm.jar"
# (and its AOT cache, which ./pdm looks for beside the jar)
if [ -f "$repo/target/pdm.aot" ]; then cp -p "$repo/target/pdm.aot" "$work/pdm.aot"; else rm -f "$work/pdm.aot"; fi
export PDM_CMD="PDM_JAR='$work/pdm.jar' '$repo/pdm' copy \"\$SRC\" \"\$DST\""
exec "$peers" "$@"
