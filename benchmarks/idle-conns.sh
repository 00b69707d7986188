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

# What an idle keep-alive connection costs thttpd: RSS (VmRSS) of the server empty (after one
# request on one connection, so its serving code is loaded), then with N connections opened at
# once and left idle after one small GET each (io.laio.bench.conns.ManyConnections --hold),
# raw and after a full GC (jcmd GC.run). KB per idle connection: after GC, (idle after GC - empty
# after GC) / N; raw, (idle raw - empty after GC) / N, garbage included. Every mode,
# for each JVM flag set, RUNS runs; prints one line per run and a markdown table of medians.
# Usage: benchmarks/idle-conns.sh [RUNS=3] [N=10000] [MODES="nb-b laio-laio nb-laio nb-amted"]
#   JVM flag sets: JVM_FLAGS_LIST (';'-separated; default "default;-Xmx64m"; "default" = none)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
N=${2:-10000}
MODES=${3:-"nb-b laio-laio nb-laio nb-amted"}
IFS=';' read -r -a FLAG_SETS <<< "${JVM_FLAGS_LIST:-default;-Xmx64m}"
. benchmarks/common.sh
use_jdk25
ulimit -n "$(ulimit -Hn)" # the client holds N descriptors, the server N and its own
[ "$(ulimit -n)" -gt $((N + 200)) ] || { echo "ulimit -n $(ulimit -n) is too small for $N connections" >&2; exit 1; }
[ -f examples/target/laio-examples.jar ] && [ -f benchmarks/target/benchmarks.jar ] || mvn -B -q package -DskipTests
WORK=$(mktemp -d /tmp/laio-idle-conns.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
printf 'hello, world\n' > "$WORK/hello.txt"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
full_gc_rss_kb() { "$JAVA_HOME/bin/jcmd" "$1" GC.run > /dev/null; sleep 1; rss_kb "$1"; }

# one_run MODE FLAGS: prints "empty_raw empty_gc conns_raw conns_gc answered sets"
one_run() {
  local mode=$1 flags=$2 out="$WORK/server.out" port spid cpid
  [ "$flags" = default ] && flags=""
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" $flags --enable-native-access=ALL-UNNAMED -jar examples/target/laio-examples.jar thttpd \
    --mode "$mode" --loops 1 --port 0 --root "$WORK" > "$out" 2> "$WORK/server.err" &
  spid=$!
  for _ in $(seq 1 100); do grep -q '^listening on' "$out" 2>/dev/null && break; sleep 0.1; done
  port=$(awk '/^listening on/ {print $3}' "$out")
  [ -n "$port" ] || { echo "thttpd did not start: $(cat "$WORK/server.err")" >&2; kill "$spid"; return 1; }
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3
  cat <&3 > /dev/null
  exec 3<&-
  sleep 1
  local empty_raw empty_gc conns_raw conns_gc answered
  empty_raw=$(rss_kb "$spid")
  empty_gc=$(full_gc_rss_kb "$spid")
  rm -f "$WORK/hold"; mkfifo "$WORK/hold"
  "$JAVA_HOME/bin/java" -cp benchmarks/target/benchmarks.jar io.laio.bench.conns.ManyConnections \
    --port "$port" -n "$N" --path /hello.txt --timeout 60 --hold < "$WORK/hold" > "$WORK/client.out" &
  cpid=$!
  exec 4> "$WORK/hold" # the client holds its connections until this closes
  for _ in $(seq 1 1200); do grep -q '^holding' "$WORK/client.out" 2>/dev/null && break; sleep 0.1; done
  answered=$(awk '/^connected/ {print $4}' "$WORK/client.out")
  sleep 2
  conns_raw=$(rss_kb "$spid")
  conns_gc=$(full_gc_rss_kb "$spid")
  exec 4>&-
  wait "$cpid" || true
  kill "$spid"; wait "$spid" || true
  sets=$(sed -n 's/.* \([0-9]*\) request buffer sets.*/\1/p' "$WORK/server.err")
  echo "$empty_raw $empty_gc $conns_raw $conns_gc ${answered:-0} ${sets:-?}"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

RESULTS="$WORK/results"
: > "$RESULTS"
for flags in "${FLAG_SETS[@]}"; do
  for mode in $MODES; do
    for run in $(seq 1 "$RUNS"); do
      r=$(one_run "$mode" "$flags")
      echo "$flags|$mode|$r" >> "$RESULTS"
      echo "run $run $mode [$flags]: RSS KB empty raw, empty after GC, idle raw, idle after GC; answered, sets: $r" >&2
    done
  done
done

echo "Machine: $(nproc) cores, kernel $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1). $N connections, median of $RUNS runs."
echo "Reproduce: \`benchmarks/idle-conns.sh $RUNS $N\`."
echo
echo "| JVM flags | mode | answered | buffer sets | empty RSS MB (raw / after GC) | with $N idle MB (raw / after GC) | KB per idle connection (raw / after GC) |"
echo "|---|---|---|---|---|---|---|"
for flags in "${FLAG_SETS[@]}"; do
  for mode in $MODES; do
    sel() { awk -F'|' -v f="$flags" -v m="$mode" '$1 == f && $2 == m {print $3}' "$RESULTS" | awk -v c="$1" '{print $c}'; }
    er=$(sel 1 | median); eg=$(sel 2 | median); cr=$(sel 3 | median); cg=$(sel 4 | median); an=$(sel 5 | median); st=$(sel 6 | median)
    kr=$(sel 2 | paste - <(sel 3) | awk -v n="$N" '{print ($2 - $1) / n}' | median)
    kg=$(sel 2 | paste - <(sel 4) | awk -v n="$N" '{print ($2 - $1) / n}' | median)
    printf '| %s | %s | %s | %s | %.0f / %.0f | %.0f / %.0f | %.1f / %.1f |\n' "$flags" "$mode" "$an" "$st" \
      "$(echo "$er / 1024" | bc -l)" "$(echo "$eg / 1024" | bc -l)" "$(echo "$cr / 1024" | bc -l)" "$(echo "$cg / 1024" | bc -l)" "$kr" "$kg"
  done
done
