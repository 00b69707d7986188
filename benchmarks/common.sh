# Shared by the benchmark scripts, which source it: the JDK they run on, waiting for a server's
# port, and the nginx configuration macro.sh and server-cost.sh measure.

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
