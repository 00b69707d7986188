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

# thttpd's footprint under load with the JVM's default settings and with the lean profile the
# README gives for memory-limited hosts (where every MB of RSS is a MB less of page cache in the
# same memory cgroup): peak VmRSS sampled every 0.2 s during the measured replay, and requests/s,
# so the memory saved is weighed against the throughput it costs. Warm rice-like data set,
# loadgen with --warm. Everything listens on 127.0.0.1 only.
# Usage: benchmarks/lean-profile.sh [RUNS=3] [MODES="laio-laio nb-b"] [CLIENTS=64]
#   LEAN="..." overrides the lean flags (default: the README's).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
read -r -a MODES <<< "${2:-laio-laio nb-b}"
CLIENTS=${3:-64}
. benchmarks/common.sh
LEAN=${LEAN:-$LEAN_JVM}
# the lean runs also set LEAN_ENV, MALLOC_ARENA_MAX=2 (glibc keeps fewer malloc arenas for the JVM's threads)
use_jdk25
[ -f examples/target/laio-examples.jar ] || mvn -B -q package -DskipTests
WORK=$(mktemp -d /tmp/laio-lean.XXXXXX)
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$WORK"' EXIT
cp examples/target/laio-examples.jar "$WORK/"
J="$JAVA_HOME/bin/java"
"$J" -jar "$WORK/laio-examples.jar" workload --profile rice --scale 0.02 --seed 1 --out "$WORK/rice" > /dev/null
PORT=18090

echo "lean: \`$LEAN_ENV java $LEAN\`"
echo
echo "| run | mode | JVM flags | requests/s | p99 ms | peak RSS MB |"
echo "|---|---|---|---|---|---|"
for run in $(seq 1 "$RUNS"); do
  for mode in "${MODES[@]}"; do
    for profile in default lean; do
      flags=()
      envs=()
      [ "$profile" = lean ] && read -r -a flags <<< "$LEAN" && read -r -a envs <<< "$LEAN_ENV"
      env "${envs[@]}" "$J" "${flags[@]}" -jar "$WORK/laio-examples.jar" thttpd --mode "$mode" --loops 1 --root "$WORK/rice/root" --port "$PORT" \
        > "$WORK/server.log" 2>&1 &
      SPID=$!
      wait_for_port "$PORT" || { echo "thttpd $mode ($profile) did not start:" >&2; cat "$WORK/server.log" >&2; exit 1; }
      "$J" -jar "$WORK/laio-examples.jar" loadgen --workload "$WORK/rice" --port "$PORT" --clients 16,"$CLIENTS" \
        --label warm-up --no-progress > /dev/null 2>&1 || true
      (while kill -0 "$SPID" 2>/dev/null; do awk '/^VmRSS:/ {print $2}' "/proc/$SPID/status" 2>/dev/null; sleep 0.2; done) \
        > "$WORK/rss" &
      sampler=$!
      rm -f "$WORK/r.csv"
      "$J" -jar "$WORK/laio-examples.jar" loadgen --workload "$WORK/rice" --port "$PORT" --clients "$CLIENTS" --warm \
        --label "$mode" --csv "$WORK/r.csv" --no-progress > /dev/null 2>&1 || echo "$mode ($profile): loadgen reported errors" >&2
      kill "$sampler" 2>/dev/null || true
      wait "$sampler" 2>/dev/null || true
      kill "$SPID" 2>/dev/null || true
      wait "$SPID" 2>/dev/null || true
      SPID=""
      wait_for_port "$PORT" free || { echo "port $PORT still in use" >&2; exit 1; }
      peak=$(sort -n "$WORK/rss" | tail -1)
      # requests_per_s and p99_ms of the measured row
      read -r rps p99 < <(awk -F, 'NR > 1 {print $10, $14}' "$WORK/r.csv" | tail -1)
      label=$([ "$profile" = lean ] && echo "lean" || echo "default")
      printf '| %s | %s | %s | %.0f | %.1f | %.0f |\n' "$run" "$mode" "$label" "$rps" "$p99" "$((peak / 1024))"
    done
  done
done
