#!/usr/bin/env bash
# Builds pdm and runs the shared peer benchmark with pdm next to cp, rsync and tar, and prints
# each run's user and sys CPU seconds beside its wall time.
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
# A copy of the shared harness whose /usr/bin/time also records user and sys CPU seconds: wall
# time alone hides a tool that spends two cores where another spends one (issue 21). Each timed
# run adds "label wall user sys" to WORK/cpu.txt; the lines of this run are printed at the end.
harness="$work/harness"
rm -rf "$harness" && cp -r "$(dirname "$peers")" "$harness"
sed -i -e "s/-f '%e %M'/-f '%e %M %U %S'/" \
  -e 's/read -r T_S T_RSS < /read -r T_S T_RSS T_USER T_SYS < /' \
  -e 's|T_RSS=$((T_RSS / 1024))|T_RSS=$((T_RSS / 1024)); echo "$PROFILE $1 $T_S $T_USER $T_SYS" >> "$WORK/cpu.txt"|' \
  "$harness/run-peers"
grep -q 'T_USER T_SYS' "$harness/run-peers" || { echo "cannot add CPU times to $peers (its time format changed)" >&2; exit 2; }
work_dir="/tmp/bench"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do [ "${args[i]}" = -w ] && work_dir="${args[i+1]}"; done
mkdir -p "$work_dir"; touch "$work_dir/cpu.txt"
before=$(wc -l < "$work_dir/cpu.txt")
rc=0; "$harness/run-peers" "$@" || rc=$?
echo
echo "| profile | run (tool.rep.pass) | wall s | user s | sys s | CPU s (user+sys) |"
echo "|---|---|---|---|---|---|"
tail -n +$((before + 1)) "$work_dir/cpu.txt" | awk '{ printf "| %s | %s | %s | %s | %s | %.2f |\n", $1, $2, $3, $4, $5, $4 + $5 }'
exit $rc
