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
# shared machine: the syscall count is exact, the CPU time is the server's own. With --cold the
# unmeasured replays are cold too, so that what only a miss runs is JIT-compiled (as in macro.sh).
# Usage: benchmarks/server-cost.sh JAR MODE [CLIENTS=64] [--cold] [WORKLOAD_DIR]
#   MODE: a thttpd mode (nb-b, laio-laio, nb-laio, nb-amted, laio-uring) run from JAR, or nginx-Nw
#   (nginx, N workers, sendfile, tcp_nopush, as in macro.sh). Needs perf and root (or
#   perf_event_paranoid <= 0).
# Environment: LOOPS (thttpd --loops, default 1), THTTPD_ARGS (more thttpd arguments, e.g.
#   "--helper-spin 0"), PORT (18095), WARMUPS (the unmeasured replays, default 5), BY_THREAD=1 (also each group of threads per request: the
#   loops or nginx workers, LAIO's helpers, the JIT compilers, the rest: CPU, context switches,
#   system calls, and the time they stood runnable without a CPU, from /proc's schedstat: on a
#   machine the load generator shares, a second loop is paid for in that wait). Also printed: the
#   whole machine's CPU per request (/proc/stat, every process: the load generator's share too).
set -euo pipefail
JAR=$(realpath "$1"); MODE=$2; C=${3:-64}; CACHE=${4:-}; W=${5:-/tmp/laio-cost-rice}
[ "$CACHE" = "--cold" ] || [ -z "$CACHE" ] || { echo "4th argument: --cold or nothing" >&2; exit 2; }
. "$(dirname "$0")/common.sh"
use_jdk25
J="$JAVA_HOME/bin/java"
command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 1; }
[ -d "$W/root" ] || "$J" -jar "$JAR" workload --profile rice --scale 0.03 --seed 1 --out "$W" > /dev/null
PORT=${PORT:-18095}
LOOPS=${LOOPS:-1}
TMP=$(mktemp -d)
SAMPLER=""
trap 'kill $SAMPLER "$PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$TMP"' EXIT
if [[ $MODE =~ ^nginx-([0-9]+)w$ ]]; then
  nginx_conf "$TMP" "${BASH_REMATCH[1]}" "$PORT" "$W/root"
  nginx -p "$TMP" -c "$TMP/nginx.conf" & PID=$!
  NAME="$MODE"
else
  # shellcheck disable=SC2086 # THTTPD_ARGS is a list of words
  "$J" -jar "$JAR" thttpd --mode "$MODE" --loops "$LOOPS" ${THTTPD_ARGS:-} --root "$W/root" --port "$PORT" > "$TMP/server.log" 2>&1 & PID=$!
  NAME="$MODE loops $LOOPS${THTTPD_ARGS:+ $THTTPD_ARGS}"
fi
wait_for_port "$PORT" || { echo "$MODE did not start" >&2; exit 1; }
TARGETS=$PID
if [[ $MODE == nginx-* ]]; then # the workers
  sleep 0.2
  TARGETS=$(pgrep -d, -P "$PID")
fi
WARMUP_COUNTS=$(printf "$C,%.0s" $(seq 1 "${WARMUPS:-5}")) # WARMUPS unmeasured replays
"$J" -jar "$JAR" loadgen --workload "$W" --port "$PORT" --clients "${WARMUP_COUNTS%,}" $CACHE --no-progress > /dev/null 2>&1
STAT=(-e raw_syscalls:sys_enter,task-clock)
if [ "${BY_THREAD:-0}" = 1 ]; then
  STAT=(--per-thread -e raw_syscalls:sys_enter,task-clock,sched:sched_switch)
  # every thread's schedstat (run ns, runqueue wait ns, slices) every 0.2 s: helpers come and go
  ( while true; do
      for p in ${TARGETS//,/ }; do
        for t in /proc/"$p"/task/*; do
          echo "$(cat "$t/comm" 2>/dev/null)|${t##*/}|$(cat "$t/schedstat" 2>/dev/null)"
        done
      done
      sleep 0.2
    done ) > "$TMP/schedstat" 2>/dev/null & SAMPLER=$!
fi
read -r _ MU0 MN0 MS0 MI0 MW0 MQ0 MSQ0 _ < /proc/stat # the whole machine's, load generator included
perf stat -x, "${STAT[@]}" -p "$TARGETS" -- \
  "$J" -jar "$JAR" loadgen --workload "$W" --port "$PORT" --clients "$C,$C,$C" $CACHE --no-progress \
  > "$TMP/loadgen.out" 2> "$TMP/stat.out"
read -r _ MU1 MN1 MS1 MI1 MW1 MQ1 MSQ1 _ < /proc/stat
[ -z "$SAMPLER" ] || { kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=""; }
REQUESTS=$(awk '/ clients /{n += $4} END{print n}' "$TMP/loadgen.out")
# per thread, the thread's "name-tid" comes first: the sums are the same either way
V=1; [ "${BY_THREAD:-0}" = 1 ] && V=2
SYSCALLS=$(awk -F, -v v=$V '/raw_syscalls:sys_enter/{s += $v} END{print s}' "$TMP/stat.out")
CPU_MS=$(awk -F, -v v=$V '/task-clock/{s += $v} END{print s}' "$TMP/stat.out")
awk -v m="$NAME" -v c="$C" -v k="${CACHE:-warm}" -v n="$REQUESTS" -v s="$SYSCALLS" -v t="$CPU_MS" \
  'BEGIN{printf "%s %s clients %s: %.2f system calls and %.1f us of CPU per request (%d requests)\n", m, k, c, s/n, t*1000/n, n}'
# on a machine the load generator shares, throughput follows the machine's CPU per request, not the
# server's alone: the difference between two servers is diluted by the client's share. Not with
# BY_THREAD=1: its sampler forks two cats per thread every 0.2 s, dearer for a JVM's ~30 threads
# than for nginx's workers (measured: ~100 us a request more on the machine for laio-laio)
[ "${BY_THREAD:-0}" = 1 ] || awk -v n="$REQUESTS" -v t="$((1000000 / $(getconf CLK_TCK)))" -v u=$((MU1 - MU0 + MN1 - MN0)) -v s=$((MS1 - MS0)) -v q=$((MQ1 - MQ0 + MSQ1 - MSQ0)) -v i=$((MI1 - MI0 + MW1 - MW0)) \
  'BEGIN{printf "  machine  %6.1f us CPU per request, every process (user %.1f, system %.1f, interrupts %.1f), %.1f us idle\n", (u+s+q)*t/n, u*t/n, s*t/n, q*t/n, i*t/n}'
if [ "${BY_THREAD:-0}" = 1 ]; then
  # groups by thread name: thttpd-loop-i / nginx (the loops), laio-helper-* (helpers), C1/C2 (jit)
  awk -F, -v n="$REQUESTS" '
    function group(name) {
      sub(/-[0-9]+$/, "", name)
      if (name ~ /^thttpd-loop/ || name ~ /^nginx/) return "loops"
      if (name ~ /^laio-helper/) return "helpers"
      if (name ~ /Compiler/) return "jit"
      return "other"
    }
    FNR == NR { g = group($1); v[g, $4] += $2; groups[g] = 1; next }
    { split($0, f, "|"); if (f[3] == "") next; split(f[3], s, " "); key = f[2]
      if (!(key in first)) { first[key] = s[2]; gof[key] = group(f[1] "-" f[2]) }; last[key] = s[2] }
    END {
      for (k in last) wait[gof[k]] += last[k] - first[k]
      for (g in groups)
        printf "  %-8s %6.1f us CPU, %5.2f context switches, %5.2f system calls, %7.1f us runnable without a CPU, per request\n",
          g, v[g, "task-clock"] * 1000 / n, v[g, "sched:sched_switch"] / n, v[g, "raw_syscalls:sys_enter"] / n, wait[g] / 1000 / n
    }' "$TMP/stat.out" "$TMP/schedstat" | sort
fi
