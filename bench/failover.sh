#!/usr/bin/env bash
# Failover time after kill -9 on three clustered node processes (min/median/max over rounds), and with
# BENCH_JAVA_OPTS=-Dbench.restarts=true the whole cluster stopped and killed and started again.
# Usage: bench/failover.sh [devices=30] [rounds=5] [clients=devices/2000]
# BENCH_HEAP: this JVM's heap (it runs the simulator), 1g by default; 3g for 15,000 devices or more.
# BENCH_SIM_CONNECTIONS=K: each node carries its devices over K multiplexed WebSockets to the simulator
# (--sim-connections K) instead of one socket per device, for more devices than the simulator's file limit.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/classpath.sh
exec "$java_bin" -Xmx${BENCH_HEAP:-1g} ${BENCH_JAVA_OPTS:-} -Dbench.durable=true \
  -Dbench.simConnections="${BENCH_SIM_CONNECTIONS:-0}" -cp "$bench_cp" dev.switchboard.bench.FailoverBench "$@" 2>&1 \
  | grep --line-buffered -v DEBUG
