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
# same memory cgroup): peak VmRSS (and thread count) sampled every 0.2 s during the measured
# replay, and requests/s and the server's CPU time per request, so the memory saved is weighed
# against the throughput it costs (CPU per request moves less than requests/s on a shared machine).
# Rice-like data set at scale 0.02, loadgen with --warm. Everything listens on 127.0.0.1 only.
#
# Usage: benchmarks/lean-profile.sh [RUNS=3] [MODES="laio-laio nb-b"] [CLIENTS=64]
# Environment:
#   MISS=""    the data set stays in the page cache (the warm path, no helper work)
#   MISS=disk  loadgen --cold, and the data set dropped from the page cache (posix_fadvise
#              DONTNEED) every 0.1 s during the measured replay: reads miss, LAIO helpers run
#   MISS=fuse  as disk, the data set served through benchmarks/slowfs sleeping FUSE_LATENCY_US
#              (default 2000) per read, as slow-storage.sh's fuse phase (needs root, /dev/fuse)
#   LEAN, LEAN_ENV, LEAN_ARGS  override the lean profile's JVM flags, environment and thttpd
#              arguments (default: benchmarks/common.sh's, which the README's command must match)
#   ALT, ALT_ENV, ALT_ARGS  a third profile, "alt" (ALT_NAME renames it), e.g. an older lean
#              profile: its JVM flags, environment and thttpd arguments; run when ALT is set
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
read -r -a MODES <<< "${2:-laio-laio nb-b}"
CLIENTS=${3:-64}
MISS=${MISS:-}
# the overrides, read before common.sh defines the profile ("@": none given)
lean_jvm=${LEAN-@}; lean_env=${LEAN_ENV-@}; lean_args=${LEAN_ARGS-@}
. benchmarks/common.sh
PROFILES=(default lean)
[ -n "${ALT:-}" ] && PROFILES+=("${ALT_NAME:-alt}")
case "$MISS" in "" | disk | fuse) ;; *) echo "MISS must be empty, disk or fuse, not '$MISS'" >&2; exit 2 ;; esac

# The README's lean command must be common.sh's profile: every flag, variable and argument in it.
lean_in_readme() {
  local block; block=$(awk '/^## Memory-limited hosts/ {s=1} s && /^```sh/ {c=1; next} c && /^```/ {exit} c' README.md | tr -d '\\\n')
  for w in $LEAN_ENV $LEAN_JVM $LEAN_THTTPD; do
    [[ " $block " == *" $w "* ]] || { echo "README.md's lean command lacks '$w' (benchmarks/common.sh): bring them in line" >&2; return 1; }
  done
}
lean_in_readme
[ "$lean_jvm" = @ ] && LEAN=$LEAN_JVM || LEAN=$lean_jvm
[ "$lean_env" = @ ] || LEAN_ENV=$lean_env
[ "$lean_args" = @ ] && LEAN_ARGS=$LEAN_THTTPD || LEAN_ARGS=$lean_args

use_jdk25
[ -f examples/target/laio-examples.jar ] || mvn -B -q package -DskipTests
WORK=$(mktemp -d /tmp/laio-lean.XXXXXX)
SPID=""; EVICTOR=""; FUSE_PID=""; MNT="$WORK/mnt"
cleanup() {
  set +e
  [ -n "$EVICTOR" ] && kill "$EVICTOR" 2>/dev/null
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
  if [ -n "$FUSE_PID" ]; then
    fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null
    wait "$FUSE_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp examples/target/laio-examples.jar "$WORK/"
J="$JAVA_HOME/bin/java"
"$J" -jar "$WORK/laio-examples.jar" workload --profile rice --scale 0.02 --seed 1 --out "$WORK/rice" > /dev/null
ROOT="$WORK/rice/root"
if [ "$MISS" = fuse ]; then
  [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] || { echo "MISS=fuse needs root and /dev/fuse" >&2; exit 1; }
  SLOWFS=$(benchmarks/slowfs/build.sh)
  mkdir -p "$MNT"
  "$SLOWFS" "$ROOT" "$MNT" -f -o "latency_us=${FUSE_LATENCY_US:-2000},allow_other,fsname=slowfs" > "$WORK/slowfs.log" 2>&1 &
  FUSE_PID=$!
  for _ in $(seq 1 50); do grep -q " $MNT fuse" /proc/mounts && break; sleep 0.1; done
  grep -q " $MNT fuse" /proc/mounts || { echo "slowfs did not mount $MNT:" >&2; cat "$WORK/slowfs.log" >&2; exit 1; }
  ROOT=$MNT
fi
evict() { # drops every file of $ROOT from the page cache every 0.1 s, until killed
  exec python3 - "$ROOT" <<'PY'
import os, sys, time
files = [os.path.join(d, f) for d, _, fs in os.walk(sys.argv[1]) for f in fs]
while True:
    for p in files:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    time.sleep(0.1)
PY
}
PORT=18090
# server CPU per request over the measured loadgen call: its three --warm replays and the measured one
REQUESTS=$(grep -vc '^#' "$WORK/rice/trace.txt")
HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

echo "lean: \`$LEAN_ENV java $LEAN -jar laio-examples.jar thttpd $LEAN_ARGS\`"
[ -n "${ALT:-}" ] && echo "${ALT_NAME:-alt}: \`${ALT_ENV:-} java $ALT -jar laio-examples.jar thttpd ${ALT_ARGS:-}\`"
echo "clients $CLIENTS, miss path: ${MISS:-none (warm)}"
echo
echo "| run | mode | JVM flags | requests/s | p99 ms | peak RSS MB | peak threads | server CPU µs/request |"
echo "|---|---|---|---|---|---|---|---|"
cold=(); [ -n "$MISS" ] && cold=(--cold)
for run in $(seq 1 "$RUNS"); do
  for mode in "${MODES[@]}"; do
    for profile in "${PROFILES[@]}"; do
      flags=(); envs=(); args=()
      case "$profile" in
        default) ;;
        lean) read -r -a flags <<< "$LEAN"; read -r -a envs <<< "$LEAN_ENV"; read -r -a args <<< "$LEAN_ARGS" ;;
        *) read -r -a flags <<< "$ALT"; read -r -a envs <<< "${ALT_ENV:-}"; read -r -a args <<< "${ALT_ARGS:-}" ;;
      esac
      env "${envs[@]}" "$J" "${flags[@]}" -jar "$WORK/laio-examples.jar" thttpd --mode "$mode" --loops 1 "${args[@]}" \
        --root "$ROOT" --port "$PORT" > "$WORK/server.log" 2>&1 &
      SPID=$!
      wait_for_port "$PORT" || { echo "thttpd $mode ($profile) did not start:" >&2; cat "$WORK/server.log" >&2; exit 1; }
      "$J" -jar "$WORK/laio-examples.jar" loadgen --workload "$WORK/rice" --root "$ROOT" --port "$PORT" --clients 16,"$CLIENTS" \
        --label warm-up --no-progress > /dev/null 2>&1 || true
      (while kill -0 "$SPID" 2>/dev/null; do
         echo "$(awk '/^VmRSS:/ {print $2}' "/proc/$SPID/status" 2>/dev/null) $(ls "/proc/$SPID/task" 2>/dev/null | wc -l)"
         sleep 0.2
       done) > "$WORK/rss" &
      sampler=$!
      [ -n "$MISS" ] && { evict & EVICTOR=$!; }
      cpu0=$(cpu_ticks "$SPID")
      rm -f "$WORK/r.csv"
      "$J" -jar "$WORK/laio-examples.jar" loadgen --workload "$WORK/rice" --root "$ROOT" --port "$PORT" --clients "$CLIENTS" \
        --warm "${cold[@]}" --label "$mode" --csv "$WORK/r.csv" --no-progress > /dev/null 2>&1 \
        || echo "$mode ($profile): loadgen reported errors" >&2
      cpu=$(( $(cpu_ticks "$SPID") - cpu0 ))
      [ -n "$EVICTOR" ] && { kill "$EVICTOR" 2>/dev/null || true; wait "$EVICTOR" 2>/dev/null || true; EVICTOR=""; }
      kill "$sampler" 2>/dev/null || true
      wait "$sampler" 2>/dev/null || true
      kill "$SPID" 2>/dev/null || true
      wait "$SPID" 2>/dev/null || true
      SPID=""
      wait_for_port "$PORT" free || { echo "port $PORT still in use" >&2; exit 1; }
      peak=$(awk '{print $1}' "$WORK/rss" | sort -n | tail -1)
      threads=$(awk '{print $2}' "$WORK/rss" | sort -n | tail -1)
      # requests_per_s and p99_ms of the measured row
      read -r rps p99 < <(awk -F, 'NR > 1 {print $10, $14}' "$WORK/r.csv" | tail -1)
      printf '| %s | %s | %s | %.0f | %.1f | %.0f | %s | %s |\n' "$run" "$mode" "$profile" "$rps" "$p99" "$((peak / 1024))" "$threads" \
        "$((cpu * 1000000 / HZ / (4 * REQUESTS)))"
    done
  done
done
