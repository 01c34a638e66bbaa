#!/usr/bin/env bash
# Memory the job tracker needs per million tasks in flight (see pdm.job.FoldMemoryBench).
set -euo pipefail
cd "$(dirname "$0")/.."
mvnl -o -q -DskipTests package test-compile
# pdm is built for Java 25: PDM_JAVA, else a JDK 25 under /usr/lib/jvm, else java on PATH
java="${PDM_JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}"
"${java:-java}" -Xmx4g -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -cp target/pdm.jar:target/test-classes pdm.job.FoldMemoryBench "$@"
