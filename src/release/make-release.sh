#!/usr/bin/env bash
# Builds target/pdm-VERSION-linux-ARCH.tar.gz from the shaded jar (mvn -Prelease package runs it):
#   bin/pdm              the launcher, which prefers runtime/
#   lib/pdm.jar          the application; lib/pdm.aot its AOT cache, trained with runtime/ (a cache
#                        only serves the exact JVM build that made it)
#   runtime/             a jlink'd Java runtime: a node needs no JDK
#   share/man/man1/      pdm.1 and one page per command, generated from the picocli model
#   share/bash-completion/completions/pdm, share/zsh/pdm-completion.zsh: generated the same way
#   systemd/             pdm-worker.service, pdm-monitor.service
#   config.toml.example, README.md
# Usage: make-release.sh VERSION TARGET_DIR
set -euo pipefail
version="$1"
target="$(cd "$2" && pwd)"
project="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fail() { echo "make-release: $*" >&2; exit 1; }

# A JDK 25 or newer with jlink (the toolchain's; a JRE has no jlink).
jdk=""
for c in ${PDM_JDK:+"$PDM_JDK"} ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
  if [ -x "$c/bin/jlink" ] && [ -f "$c/release" ]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$c/release")"
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then jdk="$c"; break; fi
  fi
done
[ -n "$jdk" ] || fail "needs a JDK 25 or newer with jlink (looked at \$PDM_JDK, \$JAVA_HOME, /usr/lib/jvm/*)"
command -v asciidoctor >/dev/null 2>&1 \
  || fail "needs asciidoctor to turn the generated man pages into roff (apt-get install asciidoctor)"
codegen="$target/release-tools/picocli-codegen.jar"
[ -f "$codegen" ] || fail "$codegen is missing (maven-dependency-plugin copies it in the release profile)"
[ -f "$target/pdm.jar" ] || fail "$target/pdm.jar is missing: run through mvn -Prelease package"

case "$(uname -m)" in
  x86_64|amd64) arch=x86_64 ;;
  aarch64|arm64) arch=aarch64 ;;
  *) fail "no release for $(uname -m): pdm knows the system calls of x86_64 and aarch64 only" ;;
esac
name="pdm-$version-linux-$arch"
stage="$target/release/$name"
rm -rf "$target/release" "$target/$name.tar.gz"
mkdir -p "$stage"/{bin,lib,share/man/man1,share/bash-completion/completions,share/zsh,systemd}

install -m 0755 "$project/pdm" "$stage/bin/pdm"
install -m 0644 "$target/pdm.jar" "$stage/lib/pdm.jar"
install -m 0644 "$project/config.toml.example" "$project/README.md" "$stage/"
install -m 0644 "$project"/src/release/systemd/*.service "$stage/systemd/"

# The runtime: the modules the jar uses (jdeps), plus what it reaches only at run time: java.xml
# (a logback.xml named by -Dlogback.configurationFile), jdk.crypto.ec (TLS to amqps:// brokers), jdk.management (process metrics).
echo "make-release: jlink with $jdk"
modules="$("$jdk/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps "$stage/lib/pdm.jar")"
modules="$modules,java.xml,jdk.crypto.ec,jdk.management"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-6 --output "$stage/runtime"
java="$stage/runtime/bin/java"

# Man pages and completion from the picocli model: never written by hand, so never out of date.
adoc="$target/release-adoc"
rm -rf "$adoc"
"$java" -cp "$stage/lib/pdm.jar:$codegen" picocli.codegen.docgen.manpage.ManPageGenerator \
  --outdir="$adoc" pdm.cli.Main
asciidoctor --backend manpage --destination-dir "$stage/share/man/man1" "$adoc"/*.adoc
"$java" -cp "$stage/lib/pdm.jar" picocli.AutoComplete --force --name=pdm \
  --completionScript="$stage/share/bash-completion/completions/pdm" pdm.cli.Main
# zsh sources the same generated script (it turns on zsh's bashcompinit itself)
install -m 0644 "$stage/share/bash-completion/completions/pdm" "$stage/share/zsh/pdm-completion.zsh"

# The AOT cache, trained with the bundled runtime and the flags and jar path bin/pdm uses, by the
# build's training run (pdm.cli.AotTraining: copy, no-change copy, sync, verify, status).
if [ "${PDM_AOT_SKIP:-false}" != "true" ]; then
  rm -rf "$target/aot-training-release"
  # (classes only, no method profiles: C1 alone uses none, and replaying them costs each start CPU)
  "$java" -XX:AOTCacheOutput="$stage/lib/pdm.aot" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k \
    --enable-native-access=ALL-UNNAMED -Xlog:aot=error,cds=error -cp "$stage/lib/pdm.jar" \
    pdm.cli.AotTraining "$project/src" "$target/aot-training-release" >"$target/aot-training-release.log" 2>&1 \
    || { cat "$target/aot-training-release.log" >&2; exit 1; }
  rm -rf "$target/aot-training-release"
fi

tar -C "$target/release" --owner=0 --group=0 --numeric-owner -czf "$target/$name.tar.gz" "$name"
echo "make-release: $target/$name.tar.gz ($(du -h "$target/$name.tar.gz" | cut -f1))"
