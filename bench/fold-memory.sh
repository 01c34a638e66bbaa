#!/usr/bin/env bash
# Memory the job tracker needs per million tasks in flight (see pdm.job.FoldMemoryBench).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -DskipTests package test-compile
"${PDM_JAVA:-java}" -Xmx4g -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -cp target/pdm.jar:target/test-classes pdm.job.FoldMemoryBench "$@"
