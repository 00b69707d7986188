#!/usr/bin/env bash
# The macro-benchmark of the LAIO paper (§6, Figures 7-11) on this machine: the thttpd example
# in its four modes beside nginx (one worker with sendfile; one worker with aio threads; the
# default worker count) and lighttpd, replaying a rice-like trace with 1 to 512 clients, warm
# and cold, RUNS times each; medians and ratios go to docs/benchmarks/macro.md and plots to
# docs/benchmarks/macro-*.png. Everything listens on 127.0.0.1 only.
# Usage: benchmarks/macro.sh [RUNS=3] [SCALE=0.05] [CLIENTS=1,16,64,256,512]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
SCALE=${2:-0.05}
CLIENTS=${3:-1,16,64,256,512}
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
  JAVA_HOME=$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)
fi
[ -x "${JAVA_HOME:-}/bin/java" ] || { echo "no JDK 25 found: set JAVA_HOME" >&2; exit 1; }
export JAVA_HOME
for pkg in nginx lighttpd; do
  if ! command -v "$pkg" >/dev/null && ! [ -x "/usr/sbin/$pkg" ]; then
    echo "installing $pkg from the system's packages" >&2
    (apt-get install -y "$pkg" >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y "$pkg" >/dev/null)) \
      || { echo "cannot install $pkg" >&2; exit 1; }
  fi
done
mvn -B -q package -DskipTests
WORK=/tmp/laio-macro
OUT=benchmarks/results/macro
rm -rf "$WORK" "$OUT"; mkdir -p "$WORK" "$OUT"
cp examples/target/laio-examples.jar "$WORK/" # a rebuild during the run cannot change what is measured
JAR=(env "$JAVA_HOME/bin/java" -jar "$WORK/laio-examples.jar")
"${JAR[@]}" workload --profile rice --scale "$SCALE" --seed 1 --out "$WORK/rice" > "$OUT/workload.txt"
ROOT="$WORK/rice/root"
PORT=18080
USER_LINE=""; [ "$(id -u)" = 0 ] && USER_LINE="user root;"

nginx_conf() { # $1 dir, $2 workers, $3 extra http directives
  mkdir -p "$1"
  cat > "$1/nginx.conf" <<CONF
daemon off; worker_processes $2; pid $1/nginx.pid; error_log $1/error.log warn; $USER_LINE
events { worker_connections 8192; }
http { access_log off; sendfile on; tcp_nopush on; tcp_nodelay on; keepalive_requests 1000000; keepalive_timeout 65;
  default_type application/octet-stream; $3
  server { listen 127.0.0.1:$PORT; root $ROOT; } }
CONF
}
lighttpd_conf() {
  mkdir -p "$1"
  cat > "$1/lighttpd.conf" <<CONF
server.document-root = "$ROOT"
server.bind = "127.0.0.1"
server.port = $PORT
server.max-fds = 8192
server.max-connections = 4096
server.max-keep-alive-requests = 1000000
server.max-keep-alive-idle = 60
server.errorlog = "$1/error.log"
CONF
}
start() { # label -> starts the server in the background, sets PID
  case "$1" in
    nb-b|laio-laio|nb-laio|nb-amted)
      "${JAR[@]}" thttpd --mode "$1" --root "$ROOT" --port "$PORT" > "$OUT/$1.server.log" 2>&1 & PID=$! ;;
    nginx-1w) nginx_conf "$WORK/$1" 1 ""; nginx -p "$WORK/$1" -c "$WORK/$1/nginx.conf" & PID=$! ;;
    nginx-1w-aio) nginx_conf "$WORK/$1" 1 "aio threads;"; nginx -p "$WORK/$1" -c "$WORK/$1/nginx.conf" & PID=$! ;;
    nginx-default) nginx_conf "$WORK/$1" auto ""; nginx -p "$WORK/$1" -c "$WORK/$1/nginx.conf" & PID=$! ;;
    lighttpd) lighttpd_conf "$WORK/$1"; lighttpd -D -f "$WORK/$1/lighttpd.conf" & PID=$! ;;
  esac
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$1 did not start" >&2; exit 1
}
stop() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
SERVERS=(nb-b laio-laio nb-laio nb-amted nginx-1w nginx-1w-aio nginx-default lighttpd)
for run in $(seq 1 "$RUNS"); do
  for cache in warm cold; do
    for s in "${SERVERS[@]}"; do
      echo "run $run/$RUNS, $cache, $s" >&2
      start "$s"
      # every server gets the same untimed replay at 16 clients and then another at the largest
      # count (--warm) before it is measured: the Java servers reach their JIT-compiled steady state
      # (measured here: a third replay of thttpd runs ~1.5x faster than the first); cold then drops
      # the data set from the page cache before each client count
      "${JAR[@]}" loadgen --workload "$WORK/rice" --port "$PORT" --clients 16 --label warm-up --no-progress > /dev/null 2>&1 || true
      CACHE_FLAGS=(--warm); [ "$cache" = cold ] && CACHE_FLAGS=(--warm --cold)
      "${JAR[@]}" loadgen --workload "$WORK/rice" --port "$PORT" --clients "$CLIENTS" --label "$s" "${CACHE_FLAGS[@]}" \
        --csv "$OUT/$cache-run$run.csv" --no-progress >> "$OUT/loadgen.log" 2>&1 || echo "$s: loadgen reported errors" >&2
      stop
    done
  done
done
mkdir -p docs/benchmarks
python3 benchmarks/macro_summary.py "$OUT" "$(nproc)" "$(uname -r)" "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)" \
  "$SCALE" "$RUNS" > docs/benchmarks/macro.md
for cache in warm cold; do
  "${JAR[@]}" loadgen --replot --csv "$OUT/$cache-median.csv" --plots "$OUT/plots-$cache" > /dev/null
  cp "$OUT/plots-$cache/throughput.png" "docs/benchmarks/macro-$cache-throughput.png"
  cp "$OUT/plots-$cache/response-time.png" "docs/benchmarks/macro-$cache-response-time.png"
done
echo "wrote docs/benchmarks/macro.md and docs/benchmarks/macro-*.png" >&2
