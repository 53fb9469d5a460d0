#!/usr/bin/env bash
# Durable sends per second on one node (100 devices, pacing off), p50/p99 of the 202, delivered rate,
# beside a bare Vert.x server doing nothing (the ceiling).
# Usage: bench/sends.sh [devices=100] [seconds=30] [concurrency=32] [warm-up seconds=20] [steady rate=5000]
# BENCH_JAVA_OPTS=-Dbench.quota=100000000: the bench client has a monthly quota, so every send reserves under it.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/classpath.sh
mkdir -p bench/results
exec "$java_bin" -Xmx1g -Dbench.durable=true ${BENCH_JAVA_OPTS:-} -cp "$bench_cp" dev.switchboard.bench.SendBench "$@" 2>&1 \
  | grep -v DEBUG | tee "bench/results/sends-$(date +%Y%m%d-%H%M%S).txt"
