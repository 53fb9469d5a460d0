#!/usr/bin/env bash
# Events from the simulator to a local webhook receiver through one node: events/s, and p50/p99 latency at a steady rate.
# Usage: bench/events.sh [N=20000] [rate=1000] [seconds=20] [devices=8]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
java_bin=$(./switchboard --print-java 2>/dev/null || true)
[ -x "$java_bin" ] || java_bin=$(ls -d /usr/lib/jvm/*/bin/java | while read j; do v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'); [ "${v%%.*}" -ge 21 ] && echo "$j"; done | tail -1)
mkdir -p bench/results
exec "$java_bin" -Xmx1g -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" dev.switchboard.bench.EventBench "$@" 2>&1 \
  | grep -v DEBUG | tee "bench/results/events-$(date +%Y%m%d-%H%M%S).txt"
