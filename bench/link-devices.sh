#!/usr/bin/env bash
# Links N simulated devices on one node and reports time-to-connected, resume after kill -9, heap and RSS.
# Usage: bench/link-devices.sh N [max-heap] [warm-up devices, not timed: 2000]   e.g. bench/link-devices.sh 10000 2g
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:?usage: bench/link-devices.sh N [max-heap]}
heap=${2:-2g}
warmup=${3:-2000}
. bench/classpath.sh
exec "$java_bin" -Xmx1g -Dbench.durable=true ${BENCH_JAVA_OPTS:-} -cp "$bench_cp" dev.switchboard.bench.LinkBench "$n" "$heap" "$warmup" 2>&1 | grep -v DEBUG
