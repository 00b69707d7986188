#!/usr/bin/env bash
# Copyright 2026 the laio authors
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     https://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

# The proxy example's throughput against a direct connection to the same echo server (issue 20's
# goal: through the proxy at least 0.9x direct at 64 connections). The echo server (laio's echo,
# buffered, one loop) and the proxy (one loop) each run in their own JVM; the load
# (io.laio.bench.buffer.StreamLoad: CONNECTIONS threads, each echoing MESSAGE bytes in a loop)
# runs in a third, direct and through the proxy in turn, RUNS times; medians and their ratio.
# PROXY_IO lists the proxy's --io modes to measure (buffered: two BufferEvents per client;
# splice: splice(2) through a pipe per direction), one proxy JVM each on its own port, each a
# row of the table; default "buffered splice". The proxies' output goes to a temporary log,
# shown when one fails to start.
# Usage: [PROXY_IO="buffered splice"] benchmarks/proxy.sh [RUNS=3] [CONNECTIONS=64] [MESSAGE=16384] [SECONDS=10]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
CONNS=${2:-64}
MESSAGE=${3:-16384}
SECONDS_EACH=${4:-10}
. benchmarks/common.sh
use_jdk25
PROXY_IO=${PROXY_IO:-buffered splice}
for io in $PROXY_IO; do
  case "$io" in
    buffered|splice) ;;
    *) echo "PROXY_IO: unknown mode '$io' (buffered or splice)" >&2; exit 2 ;;
  esac
done
[ -n "${PROXY_IO// /}" ] || { echo "PROXY_IO: no mode given (buffered, splice or both)" >&2; exit 2; }
mvn -B -q package -DskipTests
LOGS=$(mktemp -d)
ECHO_PORT=18311
JAVA="$JAVA_HOME/bin/java"
"$JAVA" -jar examples/target/laio-examples.jar echo --port "$ECHO_PORT" --loops 1 >/dev/null 2>&1 & ECHO_PID=$!
PIDS=("$ECHO_PID")
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$LOGS"' EXIT
wait_for_port "$ECHO_PORT" || { echo "the echo server did not start" >&2; exit 1; }
declare -A PROXY_PORT
port=18312
for io in $PROXY_IO; do
  PROXY_PORT[$io]=$port
  "$JAVA" -jar examples/target/laio-examples.jar proxy --listen "$port" --to "127.0.0.1:$ECHO_PORT" --loops 1 \
    --io "$io" >"$LOGS/proxy-$io.log" 2>&1 & PIDS+=($!)
  wait_for_port "$port" || { echo "the proxy (--io $io) did not start:" >&2; cat "$LOGS/proxy-$io.log" >&2; exit 1; }
  port=$((port + 1))
done
load() {
  "$JAVA" -cp benchmarks/target/benchmarks.jar io.laio.bench.buffer.StreamLoad 127.0.0.1 "$1" "$CONNS" "$MESSAGE" 3 \
    "$SECONDS_EACH" | awk '/^MBps/ {print $2}'
}
direct=()
declare -A proxied
for run in $(seq 1 "$RUNS"); do
  direct+=("$(load "$ECHO_PORT")")
  line="run $run: direct ${direct[-1]} MB/s"
  for io in $PROXY_IO; do
    r=$(load "${PROXY_PORT[$io]}")
    proxied[$io]="${proxied[$io]:-} $r"
    line="$line, proxy --io $io $r MB/s"
  done
  echo "$line"
done
args=()
for io in $PROXY_IO; do
  args+=("$io:${proxied[$io]}")
done
python3 - "${direct[*]}" "${args[@]}" <<'PY'
import statistics, sys
d = statistics.median(float(x) for x in sys.argv[1].split())
print(f"{'path':<20} {'MB/s (median)':>14} {'x direct':>9}")
print(f"{'direct':<20} {d:>14.1f} {1.0:>9.2f}")
for arg in sys.argv[2:]:
    io, runs = arg.split(":", 1)
    p = statistics.median(float(x) for x in runs.split())
    print(f"{'proxy --io ' + io:<20} {p:>14.1f} {p / d:>9.2f}")
print("goal: proxy >= 0.9x direct")
PY
