#!/usr/bin/env bash
# Failover time after kill -9 on three clustered node processes (min/median/max over rounds).
# Usage: [BENCH_HEAP=1g] [BENCH_JAVA_OPTS=-Dbench.restarts=true ...] bench/failover.sh [devices=30] [rounds=5] [clients]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/classpath.sh
exec "$java_bin" -Xmx${BENCH_HEAP:-1g} ${BENCH_JAVA_OPTS:-} -Dbench.durable=true -cp "$bench_cp" dev.switchboard.bench.FailoverBench "$@" 2>&1 | grep -v DEBUG
