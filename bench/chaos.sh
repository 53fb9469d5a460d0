#!/usr/bin/env bash
# Chaos: three nodes on one PostgreSQL and the simulator under 200 sends/s and 200 inbound messages/s
# while a fault strikes every 20-40 s; counts what was lost, doubled or held twice.
# Usage: bench/chaos.sh [minutes=5]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/classpath.sh
mkdir -p bench/results
out="bench/results/chaos-$(date +%Y%m%d-%H%M%S).txt"
"$java_bin" -Xmx1g -Dbench.durable=true -cp "$bench_cp" dev.switchboard.bench.ChaosBench "$@" 2>&1 | grep -v DEBUG | tee "$out"
