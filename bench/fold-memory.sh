#!/usr/bin/env bash
# Memory the job tracker needs per million tasks in flight (see pdm.job.FoldMemoryBench).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -DskipTests package test-compile
java -Xmx4g -XX:+UseSerialGC --add-opens java.base/sun.nio.fs=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED -cp target/pdm.jar:target/test-classes pdm.job.FoldMemoryBench "$@"
