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
# Usage: benchmarks/proxy.sh [RUNS=3] [CONNECTIONS=64] [MESSAGE=16384] [SECONDS=10]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
CONNS=${2:-64}
MESSAGE=${3:-16384}
SECONDS_EACH=${4:-10}
. benchmarks/common.sh
use_jdk25
mvn -B -q package -DskipTests
ECHO_PORT=18311
PROXY_PORT=18312
JAVA="$JAVA_HOME/bin/java"
"$JAVA" -jar examples/target/laio-examples.jar echo --port "$ECHO_PORT" --loops 1 >/dev/null 2>&1 & ECHO_PID=$!
"$JAVA" -jar examples/target/laio-examples.jar proxy --listen "$PROXY_PORT" --to "127.0.0.1:$ECHO_PORT" --loops 1 \
  >/dev/null 2>&1 & PROXY_PID=$!
trap 'kill $ECHO_PID $PROXY_PID 2>/dev/null || true' EXIT
wait_for_port "$ECHO_PORT" || { echo "the echo server did not start" >&2; exit 1; }
wait_for_port "$PROXY_PORT" || { echo "the proxy did not start" >&2; exit 1; }
load() {
  "$JAVA" -cp benchmarks/target/benchmarks.jar io.laio.bench.buffer.StreamLoad 127.0.0.1 "$1" "$CONNS" "$MESSAGE" 3 \
    "$SECONDS_EACH" | awk '/^MBps/ {print $2}'
}
direct=(); proxied=()
for run in $(seq 1 "$RUNS"); do
  direct+=("$(load "$ECHO_PORT")")
  proxied+=("$(load "$PROXY_PORT")")
  echo "run $run: direct ${direct[-1]} MB/s, through the proxy ${proxied[-1]} MB/s"
done
python3 - "${direct[*]}" "${proxied[*]}" <<'PY'
import statistics, sys
d = statistics.median(float(x) for x in sys.argv[1].split())
p = statistics.median(float(x) for x in sys.argv[2].split())
print(f"median: direct {d:.1f} MB/s, through the proxy {p:.1f} MB/s, proxy/direct {p / d:.2f}x (goal >= 0.9x)")
PY
