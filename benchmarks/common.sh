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

# Shared by the benchmark scripts, which source it: the JDK they run on, waiting for a server's
# port, the nginx configuration macro.sh and server-cost.sh measure, and starting and stopping the
# servers macro.sh (peers.sh) and slow-storage.sh compare (in cgroups or not).

# Exports JAVA_HOME of a JDK 25 or later (the one given, else /usr/lib/jvm/*25*), or exits.
use_jdk25() {
  if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
    JAVA_HOME=$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)
  fi
  [ -x "${JAVA_HOME:-}/bin/java" ] || { echo "no JDK 25 found: set JAVA_HOME" >&2; exit 1; }
  export JAVA_HOME
}

# wait_for_port PORT [accept|free]: until 127.0.0.1:PORT accepts connections (or, with free,
# refuses them), 10 s at most; returns 1 when it did not.
wait_for_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      [ "${2:-accept}" = accept ] && return 0
    else
      [ "${2:-accept}" = free ] && return 0
    fi
    sleep 0.1
  done
  return 1
}

# nginx_conf DIR WORKERS PORT ROOT [EXTRA]: DIR/nginx.conf for nginx serving ROOT on
# 127.0.0.1:PORT with WORKERS workers, sendfile and tcp_nopush, no access log, unbounded
# keep-alive; EXTRA goes into the http block (e.g. "aio threads;").
nginx_conf() {
  local user_line=""
  [ "$(id -u)" = 0 ] && user_line="user root;"
  mkdir -p "$1"
  cat > "$1/nginx.conf" <<CONF
daemon off; worker_processes $2; pid $1/nginx.pid; error_log $1/error.log warn; $user_line
events { worker_connections 8192; }
http { access_log off; sendfile on; tcp_nopush on; tcp_nodelay on; keepalive_requests 1000000; keepalive_timeout 65;
  default_type application/octet-stream; ${5:-}
  server { listen 127.0.0.1:$3; root $4; } }
CONF
}

# The servers the benchmarks compare, on 127.0.0.1:$PORT serving $ROOT; the caller sets JAR (the
# java command running the examples jar), PEER for the Java peers (the java command with
# benchmarks.jar on its class path), ROOT, PORT, WORK (configuration directories) and OUT
# (server logs), and CGROUP for servers confined to cgroups. thttpd runs THTTPD_LOOPS loops (default
# 1: the pages compare it with one nginx worker and single-loop peers; its own default is one loop
# per processor since --loops came).
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
jit_ticks() { # PID -> CPU time of that JVM's JIT compiler threads (0 for a process without), in clock ticks
  local t=0 f
  for f in /proc/"$1"/task/*; do
    case "$(cat "$f/comm" 2>/dev/null)" in
      C1\ CompilerThre*|C2\ CompilerThre*) t=$((t + $(awk '{print $14 + $15}' "$f/stat" 2>/dev/null || echo 0))) ;;
    esac
  done
  echo "$t"
}
jit_settled() { # PID TICKS0 SECONDS -> true when the JIT used under 5% of a core since TICKS0 was read SECONDS ago
  local hz; hz=$(getconf CLK_TCK)
  [ $(( ($(jit_ticks "$1") - $2) * 100 )) -lt $(( 5 * hz * $3 )) ]
}
# The README's lean profile for memory-limited hosts (docs/benchmarks/lean-profile.md), the one
# place that defines it: the JVM flags, the environment, thttpd's arguments. lean-profile.sh
# checks that the README's command holds every word of it.
LEAN_JVM="-Xms8m -Xmx8m -XX:+UseSerialGC -XX:+UseCompactObjectHeaders -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=32m -Xss256k -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000 -Xshare:off"
LEAN_ENV="MALLOC_ARENA_MAX=1"
LEAN_THTTPD="--max-request-buffers 64 --max-helpers 16"
CGROUP=""  # cgroup directories (v1, space-separated: memory, blkio) the servers start in; none when empty
in_cgroup() { # becomes "$@" (in every cgroup of $CGROUP): the background job's PID is the server's own
  if [ -n "$CGROUP" ]; then
    exec sh -c 'for g in $0; do echo $$ > "$g/cgroup.procs" || exit 1; done && exec "$@"' "$CGROUP" "$@"
  else
    exec "$@"
  fi
}
start() { # label -> starts the server in the background, sets PID
  case "$1" in
    nb-b|laio-laio|laio-uring|nb-laio|nb-amted)
      in_cgroup "${JAR[@]}" thttpd --mode "$1" --loops "${THTTPD_LOOPS:-1}" --root "$ROOT" --port "$PORT" > "$OUT/$1.server.log" 2>&1 & PID=$! ;;
    nb-b~*|laio-laio~*|laio-uring~*|nb-laio~*|nb-amted~*)
      # MODE~ARG[~ARG...]: thttpd with these arguments; -D and -X ones go to the JVM, NAME=VALUE ones
      # to its environment, and "lean" stands for the README's lean profile (LEAN_ENV, LEAN_JVM, LEAN_THTTPD)
      local mode=${1%%~*} a; local -a jvm=() envs=() args=()
      IFS='~' read -r -a a <<< "${1#*~}"
      for x in "${a[@]}"; do
        if [ "$x" = lean ]; then
          read -r -a jvm <<< "${jvm[*]} $LEAN_JVM"; read -r -a envs <<< "${envs[*]} $LEAN_ENV"; read -r -a args <<< "${args[*]} $LEAN_THTTPD"
        elif [[ $x == -D* || $x == -X* ]]; then jvm+=("$x")
        elif [[ $x =~ ^[A-Z_]+= ]]; then envs+=("$x")
        else args+=("$x"); fi
      done
      [[ " ${args[*]} " == *" --loops"* ]] || args+=(--loops "${THTTPD_LOOPS:-1}")
      in_cgroup "${JAR[0]}" "${envs[@]}" "${JAR[1]}" "${jvm[@]}" "${JAR[@]:2}" thttpd --mode "$mode" "${args[@]}" --root "$ROOT" --port "$PORT" > "$OUT/$1.server.log" 2>&1 & PID=$! ;;
    netty-epoll|netty-io_uring|netty-nio) # Netty, file work on the loop
      in_cgroup "${PEER[@]}" io.laio.bench.peers.NettyStaticServer --transport "${1#netty-}" --root "$ROOT" --port "$PORT" > "$OUT/$1.server.log" 2>&1 & PID=$! ;;
    netty-*-be) # Netty, file work on a blocking executor
      local t=${1#netty-}; t=${t%-be}
      in_cgroup "${PEER[@]}" io.laio.bench.peers.NettyStaticServer --transport "$t" --blocking-executor --root "$ROOT" --port "$PORT" > "$OUT/$1.server.log" 2>&1 & PID=$! ;;
    vertx-*-async) # Vert.x StaticHandler with setAlwaysAsyncFS
      local t=${1#vertx-}; t=${t%-async}
      in_cgroup "${PEER[@]}" io.laio.bench.peers.VertxStaticServer --transport "$t" --always-async-fs --root "$ROOT" --port "$PORT" > "$OUT/$1.server.log" 2>&1 & PID=$! ;;
    vertx-*) # Vert.x StaticHandler, its defaults
      in_cgroup "${PEER[@]}" io.laio.bench.peers.VertxStaticServer --transport "${1#vertx-}" --root "$ROOT" --port "$PORT" > "$OUT/$1.server.log" 2>&1 & PID=$! ;;
    nginx-[1-9]w|nginx-[1-9][0-9]w|nginx-[1-9]w-*|nginx-[1-9][0-9]w-*)
      # nginx-Nw[-aio][-ofc]: N worker processes; -aio: file reads on nginx's thread pool (aio threads);
      # -ofc: open_file_cache, descriptors kept per worker as thttpd's --file-cache keeps them per loop
      # (nginx revalidates an entry every open_file_cache_valid, 60 s by default; thttpd on every request)
      local n=${1#nginx-} extra=""; n=${n%%w*}
      local rest=${1#nginx-"$n"w}
      [[ $rest == -aio* ]] && { extra+="aio threads; "; rest=${rest#-aio}; }
      [[ $rest == -ofc ]] && { extra+="open_file_cache max=256 inactive=60s; "; rest=""; }
      [ -z "$rest" ] || { echo "unknown nginx variant: $1 (nginx-Nw, nginx-Nw-aio, nginx-Nw-ofc, nginx-Nw-aio-ofc)" >&2; exit 1; }
      nginx_conf "$WORK/$1" "$n" "$PORT" "$ROOT" "$extra"; in_cgroup nginx -p "$WORK/$1" -c "$WORK/$1/nginx.conf" & PID=$! ;;
    nginx-default) nginx_conf "$WORK/$1" auto "$PORT" "$ROOT"; in_cgroup nginx -p "$WORK/$1" -c "$WORK/$1/nginx.conf" & PID=$! ;;
    lighttpd) lighttpd_conf "$WORK/$1"; in_cgroup lighttpd -D -f "$WORK/$1/lighttpd.conf" & PID=$! ;;
    *) echo "unknown server: $1" >&2; exit 1 ;;
  esac
  # twice 10 s: the Java servers (Netty, Vert.x) can take longer to start on a loaded machine
  wait_for_port "$PORT" || wait_for_port "$PORT" || { echo "$1 did not start (see $OUT/$1.server.log or $WORK/$1)" >&2; exit 1; }
}
stop() { # the server and every process it left holding the port (nginx workers) are gone before the next starts
  kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true
  wait_for_port "$PORT" free || { echo "port $PORT still in use after the server stopped" >&2; exit 1; }
}
wrk_row() { # LABEL CLIENTS CACHE SECONDS TRACE CSV: wrk (WRK_THREADS threads, default 1) replays TRACE on PORT for
  # SECONDS over CLIENTS kept-alive connections and appends its figures to CSV as a loadgen row (loadgen's columns:
  # the summaries read both alike; wrk's whole output goes to WRK_LOG when set). wrk keeps each connection for the
  # whole run, where loadgen opens one per session.
  local t=${WRK_THREADS:-1} w
  w=$(wrk -t"$t" -c"$2" -d"$4s" --timeout 30s -s benchmarks/wrk-trace.lua "http://127.0.0.1:$PORT/" -- "$5" "$t" 2>&1 \
      | tee -a "${WRK_LOG:-/dev/null}" | grep '^WRK ') \
    || { echo "$1: no result from wrk" >&2; return 0; }
  kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$w"; }
  [ "$(kv errors)" = 0 ] || echo "$1: wrk counted $(kv errors) errors ($w)" >&2
  [ -s "$6" ] || echo "label,clients,keepalive,cache,requests,errors,bytes,seconds,mbit_per_s,requests_per_s,mean_ms,p50_ms,p90_ms,p99_ms,max_ms" > "$6"
  awk -v l="$1" -v c="$2" -v cache="$3" -v r="$(kv requests)" -v e="$(kv errors)" -v b="$(kv bytes)" -v s="$(kv seconds)" \
      -v m="$(kv mean_ms)" -v p50="$(kv p50_ms)" -v p90="$(kv p90_ms)" -v p99="$(kv p99_ms)" -v x="$(kv max_ms)" \
    'BEGIN{printf "%s,%s,true,%s,%d,%d,%.0f,%.3f,%.3f,%.1f,%s,%s,%s,%s,%s\n", l, c, cache, r, e, b, s, b*8/s/1e6, r/s, m, p50, p90, p99, x}' >> "$6"
}
