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
# What one memcaslap operation costs: the server's CPU (`perf stat` task-clock), memcaslap's own
# (user + system), and the whole machine's (/proc/stat, busy and idle), over one measured run of
# `memcaslap -T 2 -c 16` after five unmeasured 4 s runs (the JIT settles, the store reaches its
# first evictions). On two cores the client shares, throughput is 2 cores divided by the machine's
# time per operation, so this says where a gap between two servers comes from: the server's own
# CPU, what it makes the client spend, or time the machine stood idle.
# Usage: benchmarks/kv-cost.sh SERVER [JAR] [SECONDS=8]
#   SERVER: memcached-tN (memcached -t N -m 64, as kv.sh) or kv-lN (kv --sync never --loops N)
# Environment: PORT (18292). Needs perf, memcached and memcaslap (kv.sh installs them).
set -euo pipefail
S=$1; JAR=$(realpath "${2:-examples/target/laio-examples.jar}"); SECONDS_=${3:-8}
. "$(dirname "$0")/common.sh"
use_jdk25
PORT=${PORT:-18292}
T=$(mktemp -d)
PID=""
trap 'kill $PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$T"' EXIT
case $S in
  memcached-t[0-9]*) memcached -l 127.0.0.1 -p "$PORT" -t "${S#memcached-t}" -m 64 -U 0 -u root > "$T/server.log" 2>&1 & PID=$! ;;
  kv-l[0-9]*) "$JAVA_HOME/bin/java" -jar "$JAR" kv --port "$PORT" --dir "$T/data" --sync never --loops "${S#kv-l}" > "$T/server.log" 2>&1 & PID=$! ;;
  *) echo "SERVER: memcached-tN or kv-lN, not $S" >&2; exit 2 ;;
esac
wait_for_port "$PORT" || { echo "$S did not start" >&2; exit 1; }
for _ in 1 2 3 4 5; do memcaslap -s "127.0.0.1:$PORT" -T 2 -c 16 -t 4s > /dev/null 2>&1; done
read -r _ U0 N0 S0 I0 W0 Q0 SQ0 _ < /proc/stat
perf stat -x, -e task-clock -p "$PID" -o "$T/perf" -- sleep "$(awk -v s="$SECONDS_" 'BEGIN{print s + 0.4}')" & PP=$!
sleep 0.1
/usr/bin/time -f "%U %S" -o "$T/client-time" memcaslap -s "127.0.0.1:$PORT" -T 2 -c 16 -t "${SECONDS_}s" > "$T/memcaslap.out" 2>&1
wait "$PP"
read -r _ U1 N1 S1 I1 W1 Q1 SQ1 _ < /proc/stat
OPS=$(grep -o "Ops: *[0-9]*" "$T/memcaslap.out" | tail -1 | grep -o "[0-9]*$")
read -r CU CS < "$T/client-time"
awk -v s="$S" -v o="$OPS" -v d="$SECONDS_" -v tc="$(awk -F, '/task-clock/{print $1}' "$T/perf")" -v cu="$CU" -v cs="$CS" \
  -v t="$((1000000 / $(getconf CLK_TCK)))" -v b=$((U1 - U0 + N1 - N0 + S1 - S0 + Q1 - Q0 + SQ1 - SQ0)) -v i=$((I1 - I0 + W1 - W0)) \
  'BEGIN{printf "%-14s %8.0f operations/s; per operation: server %.2f us, memcaslap %.2f us, machine busy %.2f us, idle %.2f us\n",
    s, o / d, tc * 1000 / o, (cu + cs) * 1e6 / o, b * t / o, i * t / o}'
