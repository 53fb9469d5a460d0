#!/usr/bin/env bash
# Links N simulated devices on one node and reports time-to-connected, resume after kill -9, heap and RSS.
# Usage: bench/link-devices.sh N [max-heap]      e.g. bench/link-devices.sh 10000 2g
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:?usage: bench/link-devices.sh N [max-heap]}
heap=${2:-2g}
. bench/classpath.sh
exec "$java_bin" -Xmx1g -Dbench.durable=true -cp "$bench_cp" dev.switchboard.bench.LinkBench "$n" "$heap" 2>&1 | grep -v DEBUG
