#!/usr/bin/env bash
# Links N simulated devices on one node and reports time-to-connected, resume after kill -9, heap and RSS.
# Usage: bench/link-devices.sh N [max-heap]      e.g. bench/link-devices.sh 10000 2g
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:?usage: bench/link-devices.sh N [max-heap]}
heap=${2:-2g}
mvn -B -q -DskipTests test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
java_bin=$(./switchboard --print-java 2>/dev/null || true)
[ -x "$java_bin" ] || java_bin=$(ls -d /usr/lib/jvm/*/bin/java | while read j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | tail -1)
exec "$java_bin" -Xmx1g -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" dev.switchboard.bench.LinkBench "$n" "$heap" 2>&1 | grep -v DEBUG
