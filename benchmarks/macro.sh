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

# The macro-benchmark of the LAIO paper (§6, Figures 7-11) on this machine: the thttpd example
# in its four modes beside nginx (one worker with sendfile; one worker with aio threads; the
# default worker count) and lighttpd, replaying a rice-like trace with 1 to 512 clients, warm
# and cold, RUNS times each; medians and ratios go to docs/benchmarks/macro.md and plots to
# docs/benchmarks/macro-*.png. Everything listens on 127.0.0.1 only.
# Usage: benchmarks/macro.sh [RUNS=3] [SCALE=0.05] [CLIENTS=1,16,64,256,512] [BIG_SCALE=0.1]
# BIG_SCALE > 0 adds a larger-than-memory phase ("big"): a BIG_PROFILE (berkeley) data set of that scale served by
# servers that run in a child memory cgroup (v1) limited to BIG_LIMIT_MB (default 384), so that
# reads miss the page cache during the run, not only after a drop; BIG_REQUESTS (20000) per run,
# clients BIG_CLIENTS (16,64,256). Skipped, with a note, where no memory cgroup can be made. The slow-storage phases
# (a latency FUSE file system, an IOPS-capped disk) are benchmarks/slow-storage.sh, which shares common.sh.
# Overrides: SERVERS (labels of common.sh's start(), e.g. the Java peers netty-epoll, netty-epoll-be,
# netty-io_uring, netty-io_uring-be, vertx-epoll, vertx-epoll-async), PHASES, PAGE (macro: results in
# benchmarks/results/$PAGE, summary by benchmarks/${PAGE}_summary.py into docs/benchmarks/$PAGE.md;
# plots for macro only), PORT (18080), WORK (/tmp/laio-$PAGE), SKIP_BUILD=1, TOOLS ("loadgen"; "loadgen wrk" also
# measures the warm phase with wrk replaying the same trace over kept-alive connections, WRK_SECONDS (10) per
# client count after a 2 s untimed run, WRK_THREADS (1): an independent client, and one whose cost per request
# is a C program's, so that the server's own cost shows where loadgen's JVM takes most of the shared cores). benchmarks/peers.sh is
# this script with PAGE=peers and the Java peers for SERVERS.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
SCALE=${2:-0.05}
CLIENTS=${3:-1,16,64,256,512}
BIG_SCALE=${4:-0.1}
BIG_PROFILE=${BIG_PROFILE:-berkeley}
BIG_LIMIT_MB=${BIG_LIMIT_MB:-384}
BIG_REQUESTS=${BIG_REQUESTS:-20000}
BIG_CLIENTS=${BIG_CLIENTS:-16,64,256}
PHASES=${PHASES:-warm cold big} # e.g. PHASES=big benchmarks/macro.sh 3: redo one phase, keep the others' results
PAGE=${PAGE:-macro}
TOOLS=${TOOLS:-loadgen}
WRK_SECONDS=${WRK_SECONDS:-10}
read -r -a SERVERS <<< "${SERVERS:-nb-b laio-laio nb-laio nb-amted nginx-1w nginx-1w-aio nginx-default lighttpd}"
runs_any() { [[ " ${SERVERS[*]} " == *" $1"* ]]; } # runs_any PREFIX: a server label starts with PREFIX
. benchmarks/common.sh
use_jdk25
for pkg in nginx lighttpd wrk; do
  if { runs_any "$pkg" || [[ $pkg = wrk && " $TOOLS " == *" wrk "* ]]; } && ! command -v "$pkg" >/dev/null && ! [ -x "/usr/sbin/$pkg" ]; then
    echo "installing $pkg from the system's packages" >&2
    (apt-get install -y "$pkg" >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y "$pkg" >/dev/null)) \
      || { echo "cannot install $pkg" >&2; exit 1; }
  fi
done
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q package -DskipTests
WORK=${WORK:-/tmp/laio-$PAGE}
OUT=benchmarks/results/$PAGE
rm -rf "$WORK"; mkdir -p "$WORK" "$OUT"
for phase in $PHASES; do rm -f "$OUT/$phase-run"*.csv "$OUT/$phase-median.csv" "$OUT/$phase-wrk-run"*.csv "$OUT/$phase-wrk-median.csv"; done
# copies: a rebuild during the run cannot change what is measured
cp examples/target/laio-examples.jar "$WORK/"
JAR=(env "$JAVA_HOME/bin/java" -jar "$WORK/laio-examples.jar")
if runs_any netty- || runs_any vertx-; then # the Java peers, from the benchmarks module
  cp benchmarks/target/benchmarks.jar "$WORK/"
  PEER=(env "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$WORK/benchmarks.jar")
fi
"${JAR[@]}" workload --profile rice --scale "$SCALE" --seed 1 --out "$WORK/rice" > "$OUT/workload.txt"
ROOT="$WORK/rice/root"
PORT=${PORT:-18080}
for run in $(seq 1 "$RUNS"); do
  for cache in $PHASES; do
    [ "$cache" = big ] && continue
    for s in "${SERVERS[@]}"; do
      echo "run $run/$RUNS, $cache, $s" >&2
      start "$s"
      # every server gets the same untimed replays (16, 64 and 256 clients) and then another at the
      # largest count (--warm) before it is measured: the Java servers reach their JIT-compiled
      # steady state (measured with -XX:+PrintCompilation: thttpd still compiles ~30 methods in
      # its fourth replay, none after the seventh; before that the compiler takes 6-15% of its
      # CPU). For the cold phase those replays are cold too, so that what only a miss runs (the
      # hand-off to a helper and back) is compiled before it is measured: with warm replays only,
      # perf found the JIT compilers at 10% of laio-laio's CPU in its measured cold runs. Cold
      # then drops the data set from the page cache before each client count.
      WARMUP_CACHE=(); [ "$cache" = cold ] && WARMUP_CACHE=(--cold)
      "${JAR[@]}" loadgen --workload "$WORK/rice" --port "$PORT" --clients 16,64,256 "${WARMUP_CACHE[@]}" --label warm-up --no-progress > /dev/null 2>&1 || true
      # then replays at the largest count until one ran with the JIT compilers under 5% of a core
      # (at most JIT_REPLAYS, default 10; a server without a JIT passes at once): on two loops thttpd
      # still compiled 15 us a request after the replays above (server-cost.sh BY_THREAD=1), which
      # the measured run, under a second, charged to the server
      for _ in $(seq 1 "${JIT_REPLAYS:-10}"); do
        j0=$(jit_ticks "$PID"); t0=$(date +%s)
        "${JAR[@]}" loadgen --workload "$WORK/rice" --port "$PORT" --clients "${CLIENTS##*,}" "${WARMUP_CACHE[@]}" --label warm-up --no-progress > /dev/null 2>&1 || true
        jit_settled "$PID" "$j0" $(( $(date +%s) - t0 + 1 )) && break
      done
      CACHE_FLAGS=(--warm); [ "$cache" = cold ] && CACHE_FLAGS=(--warm --cold)
      "${JAR[@]}" loadgen --workload "$WORK/rice" --port "$PORT" --clients "$CLIENTS" --label "$s" "${CACHE_FLAGS[@]}" \
        --csv "$OUT/$cache-run$run.csv" --no-progress >> "$OUT/loadgen.log" 2>&1 || echo "$s: loadgen reported errors" >&2
      if [ "$cache" = warm ] && [[ " $TOOLS " == *" wrk "* ]]; then # cold has no wrk figures: wrk replays for a time, not once
        IFS=, read -r -a counts <<< "$CLIENTS"
        for c in "${counts[@]}"; do
          wrk_row warm-up "$c" warm 2 "$WORK/rice/trace.txt" /dev/null
          wrk_row "$s" "$c" warm "$WRK_SECONDS" "$WORK/rice/trace.txt" "$OUT/warm-wrk-run$run.csv"
        done
      fi
      stop
    done
  done
done
# the larger-than-memory phase
MEMCG_PARENT=/sys/fs/cgroup/memory$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
if [[ " $PHASES " == *" big "* ]] && awk "BEGIN{exit !($BIG_SCALE > 0)}" && mkdir -p "$MEMCG_PARENT/laio-$PAGE" 2>/dev/null \
    && echo $((BIG_LIMIT_MB * 1024 * 1024)) > "$MEMCG_PARENT/laio-$PAGE/memory.limit_in_bytes"; then
  CGROUP="$MEMCG_PARENT/laio-$PAGE"
  "${JAR[@]}" workload --profile "$BIG_PROFILE" --scale "$BIG_SCALE" --seed 2 --out "$WORK/big" > "$OUT/workload-big.txt"
  ROOT="$WORK/big/root"
  for run in $(seq 1 "$RUNS"); do
    for s in "${SERVERS[@]}"; do
      echo "run $run/$RUNS, big (${BIG_LIMIT_MB} MB for the server), $s" >&2
      start "$s"
      "${JAR[@]}" loadgen --workload "$WORK/big" --port "$PORT" --clients 16 --requests 4000 --label warm-up --no-progress > /dev/null 2>&1 || true
      "${JAR[@]}" loadgen --workload "$WORK/big" --port "$PORT" --clients "$BIG_CLIENTS" --requests "$BIG_REQUESTS" --cold --label "$s" \
        --csv "$OUT/big-run$run.csv" --no-progress >> "$OUT/loadgen.log" 2>&1 || echo "$s: loadgen reported errors" >&2
      stop
    done
  done
  CGROUP=""
  rmdir "$MEMCG_PARENT/laio-$PAGE" 2>/dev/null || true
elif [[ " $PHASES " == *" big "* ]]; then
  echo "no larger-than-memory phase (BIG_SCALE=$BIG_SCALE, or no memory cgroup v1 could be made under $MEMCG_PARENT)" >&2
fi
BIG_NOTE="$BIG_PROFILE at scale $BIG_SCALE ($(sed -n 's/^footprint (bytes) *[0-9,]* *\([0-9,]*\).*/\1/p' "$OUT/workload-big.txt" 2>/dev/null || true) bytes), servers limited to $BIG_LIMIT_MB MB by a memory cgroup, $BIG_REQUESTS requests per run"
export BIG_NOTE
mkdir -p docs/benchmarks
python3 "benchmarks/${PAGE}_summary.py" "$OUT" "$(nproc)" "$(uname -r)" "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)" \
  "$SCALE" "$RUNS" > "$OUT/$PAGE.md.tmp" && mv "$OUT/$PAGE.md.tmp" "docs/benchmarks/$PAGE.md"
for cache in warm cold big; do
  [ "$PAGE" = macro ] && [ -f "$OUT/$cache-median.csv" ] || continue
  "${JAR[@]}" loadgen --replot --csv "$OUT/$cache-median.csv" --plots "$OUT/plots-$cache" > /dev/null
  cp "$OUT/plots-$cache/throughput.png" "docs/benchmarks/macro-$cache-throughput.png"
  cp "$OUT/plots-$cache/response-time.png" "docs/benchmarks/macro-$cache-response-time.png"
done
echo "wrote docs/benchmarks/$PAGE.md$([ "$PAGE" = macro ] && echo " and docs/benchmarks/macro-*.png") (results in $OUT)" >&2
