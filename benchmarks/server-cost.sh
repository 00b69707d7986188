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

# What one request costs a server: system calls and CPU time (all its threads), counted by
# `perf stat` over 3 replays of a rice trace at CLIENTS clients, after 5 unmeasured replays (its
# JIT and the load generator's settle). Counting, unlike timing, is not at the mercy of this
# shared machine: the syscall count is exact, the CPU time is the server's own.
# Usage: benchmarks/server-cost.sh JAR MODE [CLIENTS=64] [--cold] [WORKLOAD_DIR]
#   MODE: a thttpd mode (nb-b, laio-laio, nb-laio, nb-amted) run from JAR, or nginx-1w
#   (nginx, one worker, sendfile, tcp_nopush, as in macro.sh). Needs perf and root (or
#   perf_event_paranoid <= 0).
set -euo pipefail
JAR=$(realpath "$1"); MODE=$2; C=${3:-64}; CACHE=${4:-}; W=${5:-/tmp/laio-cost-rice}
[ "$CACHE" = "--cold" ] || [ -z "$CACHE" ] || { echo "4th argument: --cold or nothing" >&2; exit 2; }
. "$(dirname "$0")/common.sh"
use_jdk25
J="$JAVA_HOME/bin/java"
command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 1; }
[ -d "$W/root" ] || "$J" -jar "$JAR" workload --profile rice --scale 0.03 --seed 1 --out "$W" > /dev/null
PORT=18095
TMP=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$TMP"' EXIT
if [ "$MODE" = nginx-1w ]; then
  nginx_conf "$TMP" 1 "$PORT" "$W/root"
  nginx -p "$TMP" -c "$TMP/nginx.conf" & PID=$!
else
  "$J" -jar "$JAR" thttpd --mode "$MODE" --loops 1 --root "$W/root" --port "$PORT" > "$TMP/server.log" 2>&1 & PID=$!
fi
wait_for_port "$PORT" || { echo "$MODE did not start" >&2; exit 1; }
TARGET=$PID; [ "$MODE" = nginx-1w ] && TARGET=$(pgrep -P "$PID" | head -1) # the worker
"$J" -jar "$JAR" loadgen --workload "$W" --port "$PORT" --clients "$C,$C,$C,$C,$C" --no-progress > /dev/null 2>&1
perf stat -x, -e raw_syscalls:sys_enter,task-clock -p "$TARGET" -- \
  "$J" -jar "$JAR" loadgen --workload "$W" --port "$PORT" --clients "$C,$C,$C" $CACHE --no-progress \
  > "$TMP/loadgen.out" 2> "$TMP/stat.out"
REQUESTS=$(awk '/ clients /{n += $4} END{print n}' "$TMP/loadgen.out")
SYSCALLS=$(awk -F, '/raw_syscalls:sys_enter/{print $1}' "$TMP/stat.out")
CPU_MS=$(awk -F, '/task-clock/{print $1}' "$TMP/stat.out")
awk -v m="$MODE" -v c="$C" -v k="${CACHE:-warm}" -v n="$REQUESTS" -v s="$SYSCALLS" -v t="$CPU_MS" \
  'BEGIN{printf "%s %s clients %s: %.2f system calls and %.1f us of CPU per request (%d requests)\n", m, k, c, s/n, t*1000/n, n}'
