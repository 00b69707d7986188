#!/usr/bin/env bash
# thttpd beside the Java peers (issue 19): the thttpd example (laio-laio, nb-b) beside static-file
# servers on Netty (epoll and io_uring, DefaultFileRegion bodies; each with the file work on the
# loop and with it on a DefaultEventExecutorGroup, --blocking-executor) and on Vert.x (StaticHandler,
# caching off; its defaults, and -async: setAlwaysAsyncFS), and nginx with one worker for reference. Same trace, load generator and untimed
# warm-up replays as benchmarks/macro.sh; warm, cold, and larger than memory (a berkeley data set
# served by servers in a child memory cgroup v1 limited to BIG_LIMIT_MB). Every server runs one
# event loop (thttpd's single loop). Everything listens on 127.0.0.1 only.
# Usage: benchmarks/peers.sh [RUNS=3] [SCALE=0.03] [CLIENTS=1,16,64,256,512] [BIG_SCALE=0.1]
#   SERVERS="laio-laio netty-epoll" PHASES="warm" benchmarks/peers.sh 1 ...   (a subset)
# Results: benchmarks/results/peers/ (CSV per phase and run, loadgen.log, server logs) and
# docs/benchmarks/peers.md (medians, laio's best mode over each peer, the issue's goals).
# To be folded into macro.sh; until then it repeats macro.sh's start/stop and cgroup steps.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
SCALE=${2:-0.03}
CLIENTS=${3:-1,16,64,256,512}
BIG_SCALE=${4:-0.1}
BIG_PROFILE=${BIG_PROFILE:-berkeley}
BIG_LIMIT_MB=${BIG_LIMIT_MB:-384}
BIG_REQUESTS=${BIG_REQUESTS:-20000}
BIG_CLIENTS=${BIG_CLIENTS:-16,64,256}
PHASES=${PHASES:-warm cold big}
read -r -a SERVERS <<< "${SERVERS:-nb-b laio-laio netty-epoll netty-epoll-be netty-io_uring netty-io_uring-be vertx-epoll vertx-epoll-async nginx-1w}"
. benchmarks/common.sh
use_jdk25
if [[ " ${SERVERS[*]} " == *" nginx-"* ]] && ! command -v nginx >/dev/null && ! [ -x /usr/sbin/nginx ]; then
  echo "installing nginx from the system's packages" >&2
  (apt-get install -y nginx >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y nginx >/dev/null)) \
    || { echo "cannot install nginx" >&2; exit 1; }
fi
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q package -DskipTests
WORK=${WORK:-/tmp/laio-peers}
OUT=benchmarks/results/peers
rm -rf "$WORK"; mkdir -p "$WORK" "$OUT"
for phase in $PHASES; do rm -f "$OUT/$phase-run"*.csv "$OUT/$phase-median.csv"; done
# copies: a rebuild during the run cannot change what is measured
cp examples/target/laio-examples.jar benchmarks/target/benchmarks.jar "$WORK/"
JAVA=(env "$JAVA_HOME/bin/java")
JAR=("${JAVA[@]}" -jar "$WORK/laio-examples.jar")
PEER=("${JAVA[@]}" --enable-native-access=ALL-UNNAMED -cp "$WORK/benchmarks.jar")
"${JAR[@]}" workload --profile rice --scale "$SCALE" --seed 1 --out "$WORK/rice" > "$OUT/workload.txt"
ROOT="$WORK/rice/root"
PORT=${PORT:-18081}
CGROUP=""  # set for the big phase: servers start inside it
in_cgroup() { # becomes "$@" (in $CGROUP when set): the background job's PID is the server's own
  if [ -n "$CGROUP" ]; then
    exec sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$CGROUP" "$@"
  else
    exec "$@"
  fi
}
start() { # label -> starts the server in the background, sets PID
  local log="$OUT/$1.server.log"
  case "$1" in
    nb-b|laio-laio|nb-laio|nb-amted)
      in_cgroup "${JAR[@]}" thttpd --mode "$1" --root "$ROOT" --port "$PORT" > "$log" 2>&1 & PID=$! ;;
    netty-epoll|netty-io_uring|netty-nio)
      in_cgroup "${PEER[@]}" io.laio.bench.peers.NettyStaticServer --transport "${1#netty-}" --root "$ROOT" --port "$PORT" > "$log" 2>&1 & PID=$! ;;
    netty-*-be)
      local t=${1#netty-}; t=${t%-be}
      in_cgroup "${PEER[@]}" io.laio.bench.peers.NettyStaticServer --transport "$t" --blocking-executor --root "$ROOT" --port "$PORT" > "$log" 2>&1 & PID=$! ;;
    vertx-*-async)
      local t=${1#vertx-}; t=${t%-async}
      in_cgroup "${PEER[@]}" io.laio.bench.peers.VertxStaticServer --transport "$t" --always-async-fs --root "$ROOT" --port "$PORT" > "$log" 2>&1 & PID=$! ;;
    vertx-*)
      in_cgroup "${PEER[@]}" io.laio.bench.peers.VertxStaticServer --transport "${1#vertx-}" --root "$ROOT" --port "$PORT" > "$log" 2>&1 & PID=$! ;;
    nginx-1w) nginx_conf "$WORK/$1" 1 "$PORT" "$ROOT"; in_cgroup nginx -p "$WORK/$1" -c "$WORK/$1/nginx.conf" & PID=$! ;;
    nginx-default) nginx_conf "$WORK/$1" auto "$PORT" "$ROOT"; in_cgroup nginx -p "$WORK/$1" -c "$WORK/$1/nginx.conf" & PID=$! ;;
    *) echo "unknown server '$1'" >&2; exit 2 ;;
  esac
  wait_for_port "$PORT" || wait_for_port "$PORT" || { echo "$1 did not start (see $log)" >&2; exit 1; }
}
stop() { # the server and every process it left holding the port are gone before the next starts
  kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true
  wait_for_port "$PORT" free || { echo "port $PORT still in use after the server stopped" >&2; exit 1; }
}
for run in $(seq 1 "$RUNS"); do
  for cache in $PHASES; do
    [ "$cache" = big ] && continue
    for s in "${SERVERS[@]}"; do
      echo "run $run/$RUNS, $cache, $s" >&2
      start "$s"
      # macro.sh's warm-ups: three untimed replays (cold ones in the cold phase, so that the miss
      # path is compiled too), then --warm's three at the largest count, then the measured runs
      WARMUP_CACHE=(); [ "$cache" = cold ] && WARMUP_CACHE=(--cold)
      "${JAR[@]}" loadgen --workload "$WORK/rice" --port "$PORT" --clients 16,64,256 "${WARMUP_CACHE[@]}" --label warm-up --no-progress > /dev/null 2>&1 || true
      CACHE_FLAGS=(--warm); [ "$cache" = cold ] && CACHE_FLAGS=(--warm --cold)
      "${JAR[@]}" loadgen --workload "$WORK/rice" --port "$PORT" --clients "$CLIENTS" --label "$s" "${CACHE_FLAGS[@]}" \
        --csv "$OUT/$cache-run$run.csv" --no-progress >> "$OUT/loadgen.log" 2>&1 || echo "$s: loadgen reported errors" >&2
      stop
    done
  done
done
# the larger-than-memory phase, as macro.sh's: the servers (not the load generator) in a memory cgroup (v1)
MEMCG_PARENT=/sys/fs/cgroup/memory$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
if [[ " $PHASES " == *" big "* ]] && awk "BEGIN{exit !($BIG_SCALE > 0)}" && mkdir -p "$MEMCG_PARENT/laio-peers" 2>/dev/null \
    && echo $((BIG_LIMIT_MB * 1024 * 1024)) > "$MEMCG_PARENT/laio-peers/memory.limit_in_bytes"; then
  CGROUP="$MEMCG_PARENT/laio-peers"
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
  rmdir "$MEMCG_PARENT/laio-peers" 2>/dev/null || true
elif [[ " $PHASES " == *" big "* ]]; then
  echo "no larger-than-memory phase (BIG_SCALE=$BIG_SCALE, or no memory cgroup v1 could be made under $MEMCG_PARENT)" >&2
fi
BIG_NOTE="$BIG_PROFILE at scale $BIG_SCALE ($(sed -n 's/^footprint (bytes) *[0-9,]* *\([0-9,]*\).*/\1/p' "$OUT/workload-big.txt" 2>/dev/null) bytes), servers limited to $BIG_LIMIT_MB MB by a memory cgroup, $BIG_REQUESTS requests per run"
export BIG_NOTE
mkdir -p docs/benchmarks
python3 benchmarks/peers_summary.py "$OUT" "$(nproc)" "$(uname -r)" "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)" \
  "$SCALE" "$RUNS" > "$OUT/peers.md.tmp" && mv "$OUT/peers.md.tmp" docs/benchmarks/peers.md
echo "wrote docs/benchmarks/peers.md (results in $OUT)" >&2
