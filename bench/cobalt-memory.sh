#!/usr/bin/env bash
# Heap after GC per Cobalt session at rest (resumed from stored credentials, WhatsApp unreachable),
# with an empty and with a typical store; one JVM per run and store, `runs` runs each.
# Usage: bench/cobalt-memory.sh [sessions=100] [runs=3] [stores="empty typical"]
set -euo pipefail
cd "$(dirname "$0")/.."
sessions=${1:-100}
runs=${2:-3}
stores=${3:-empty typical}
. bench/classpath.sh
mkdir -p bench/results
out="bench/results/cobalt-memory-$(date +%Y%m%d-%H%M%S).txt"
for run in $(seq 1 "$runs"); do
  for store in $stores; do
    echo "== run $run, store $store, $sessions sessions" | tee -a "$out"
    "$java_bin" -Xms3g -Xmx3g -XX:+UseG1GC -XX:+AlwaysPreTouch ${BENCH_JAVA_OPTS:-} -cp "$bench_cp" \
      dev.switchboard.bench.CobaltMemoryBench "$sessions" "$store" 2>&1 | grep -v DEBUG | tee -a "$out"
  done
done
echo "== summary over $runs runs (min-max)" | tee -a "$out"
grep '^RESULT' "$out" | grep heap_per_session | awk '{
  store=$2; for (i=3; i<=NF; i++) { split($i, kv, "="); k=store" "kv[1]; v=kv[2]+0;
    if (!(k in min) || v<min[k]) min[k]=v; if (!(k in max) || v>max[k]) max[k]=v; keys[k]=1 } }
  END { for (k in keys) printf "%-45s %s - %s\n", k, min[k], max[k] }' | sort | tee -a "$out"
