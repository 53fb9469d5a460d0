#!/usr/bin/env bash
# Events from the simulator to a local webhook receiver through one node: events/s, and p50/p99 latency at a steady rate.
# Usage: bench/events.sh [N=20000] [rate=1000] [seconds=20] [devices=8] [warm-up events=20000]
# BENCH_INJECT=http: the simulated people send through the simulator's HTTP control API instead of its Java API.
# BENCH_WEBHOOKS=K: the client fans out to K webhooks of its own (each event delivered K times) instead of its webhookUrl.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/classpath.sh
mkdir -p bench/results
exec "$java_bin" -Xmx1g -Dbench.durable=true -Dbench.inject="${BENCH_INJECT:-direct}" -Dbench.webhooks="${BENCH_WEBHOOKS:-0}" -cp "$bench_cp" dev.switchboard.bench.EventBench "$@" 2>&1 \
  | grep -v DEBUG | tee "bench/results/events-$(date +%Y%m%d-%H%M%S).txt"
