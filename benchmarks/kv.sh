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

# The kv example beside the real memcached under memcaslap (libmemcached-tools) on loopback:
# memcaslap's default 9:1 get:set mix, 16 concurrent connections, for DURATION, RUNS times each;
# medians to docs/benchmarks/kv.md. Usage: benchmarks/kv.sh [RUNS=3] [DURATION=10s]
# Servers (SERVERS, space-separated labels; default "memcached kv-never kv-always", all on one thread
# so the published figures stay comparable): memcached-tN is memcached -t N (memcached = -t 1),
# kv-SYNC-lN is kv --sync SYNC --loops N (kv-SYNC = --loops 1); a -buffered suffix (kv-never-buffered,
# kv-always-l2-buffered) adds --io buffered (BufferEvent connections; default --io nio), a -uring suffix --io uring. KV_LOOPS=N alone picks
# "memcached-tN kv-never-lN kv-always-lN". MEMCASLAP_THREADS (default 1) is memcaslap's -T.
# Each server is warmed up under the same load until its JIT has settled and its store has begun to
# evict (KV_WARMUP=1, at most WARMUP_MAX=60 s; KV_WARMUP=0 measures from the server's start, as
# before 2026-11-30).
# E.g. the many-core goal: KV_LOOPS=2 benchmarks/kv.sh, or SERVERS="memcached-t2 kv-never-l2 kv-never".
# A label LABEL~ARG[~ARG...] passes more arguments to kv: kv-never-l2~--helper-spin~0~--loop-spin~0.
set -euo pipefail
cd "$(dirname "$0")/.."
evictions() { # the server on PORT's `stats` evictions (memcached's and kv's), 0 when it does not answer
  local n=0
  if exec 3<>"/dev/tcp/127.0.0.1/$PORT"; then
    printf 'stats\r\n' >&3
    n=$(timeout 2 sed -n 's/^STAT evictions \([0-9]*\).*/\1/p;/^END/q' <&3 || true)
    exec 3<&-
  fi
  echo "${n:-0}"
}
RUNS=${1:-3}
DURATION=${2:-10s}
KV_LOOPS=${KV_LOOPS:-1}
if [ "$KV_LOOPS" = 1 ]; then
  SERVERS=${SERVERS:-memcached kv-never kv-always}
else
  SERVERS=${SERVERS:-memcached-t$KV_LOOPS kv-never-l$KV_LOOPS kv-always-l$KV_LOOPS}
fi
MEMCASLAP_THREADS=${MEMCASLAP_THREADS:-1}
KV_WARMUP=${KV_WARMUP:-1}
WARMUP_MAX=${WARMUP_MAX:-60}
. benchmarks/common.sh
use_jdk25
for pkg in memcached libmemcached-tools; do
  dpkg -s "$pkg" >/dev/null 2>&1 || (apt-get install -y "$pkg" >/dev/null 2>&1 \
    || (apt-get update >/dev/null && apt-get install -y "$pkg" >/dev/null)) || { echo "cannot install $pkg" >&2; exit 1; }
done
mvn -B -q package -DskipTests
WORK=/tmp/laio-kv-bench
OUT=benchmarks/results/kv
rm -rf "$WORK" "$OUT"; mkdir -p "$WORK" "$OUT"
cp examples/target/laio-examples.jar "$WORK/"
PORT=18211
for run in $(seq 1 "$RUNS"); do
  for s in $SERVERS; do
    rm -rf "$WORK/data"; mkdir -p "$WORK/data"
    name=${s%%~*}; extra=()
    [ "$name" != "$s" ] && IFS='~' read -r -a extra <<< "${s#*~}" # LABEL~ARG[~ARG...]: more kv arguments
    case "$name" in
      memcached) memcached -l 127.0.0.1 -p "$PORT" -t 1 -m 64 -U 0 -u root & PID=$! ;;
      memcached-t[0-9]*) memcached -l 127.0.0.1 -p "$PORT" -t "${s#memcached-t}" -m 64 -U 0 -u root & PID=$! ;;
      kv-never|kv-always|kv-interval|kv-never-l[0-9]*|kv-always-l[0-9]*|kv-interval-l[0-9]*|kv-*-buffered|kv-*-uring)
        base=${name%-buffered}; io=nio
        [ "$base" != "$name" ] && io=buffered
        [ "${name%-uring}" != "$name" ] && { base=${name%-uring}; io=uring; }
        sync=${base#kv-}; sync=${sync%-l*}; loops=1
        [[ $base == *-l[0-9]* ]] && loops=${base##*-l}
        case "$sync" in never|always|interval) ;; *) echo "unknown server: $s" >&2; exit 1 ;; esac
        "$JAVA_HOME/bin/java" -jar "$WORK/laio-examples.jar" kv --port "$PORT" --dir "$WORK/data" \
          --sync "$sync" --loops "$loops" --io "$io" "${extra[@]}" > "$OUT/$s.log" 2>&1 & PID=$! ;;
      *) echo "unknown server: $s" >&2; exit 1 ;;
    esac
    wait_for_port "$PORT" || { echo "server did not start" >&2; exit 1; }
    # Warm-up under the same load, in 4 s rounds, until the server's JIT compilers used under 5% of a
    # core over a round (at once for memcached) and its store has evicted (`stats` evictions > 0: the
    # state a long run is in), at most WARMUP_MAX s. A 10 s run from a cold JVM measured C2 compiling
    # kv's request path (37% of the server's CPU samples under perf between 9 and 17 s after start)
    # on the two cores the client also needs; and memcaslap's items outgrow 64 MB after ~22 s, when
    # kv's first eviction sends C2 back to its store's methods (docs/kv.md), which a warm-up that
    # ended at 12-16 s left inside the measured run. KV_WARMUP=0 measures from start.
    warm=0
    while [ "$KV_WARMUP" = 1 ] && [ "$warm" -lt "$WARMUP_MAX" ]; do
      j0=$(jit_ticks "$PID")
      memcaslap -s "127.0.0.1:$PORT" -T "$MEMCASLAP_THREADS" -c 16 -t 4s > /dev/null 2>&1 || true
      warm=$((warm + 4))
      jit_settled "$PID" "$j0" 4 && [ "$(evictions)" -gt 0 ] && break
    done
    echo "$s run $run: warm-up $warm s" >&2
    echo "$warm" > "$OUT/$s-run$run.warmup"
    memcaslap -s "127.0.0.1:$PORT" -T "$MEMCASLAP_THREADS" -c 16 -t "$DURATION" > "$OUT/$s-run$run.txt" 2>&1 || true
    kill "$PID"; wait "$PID" 2>/dev/null || true
  done
done
python3 - "$OUT" "$RUNS" "$DURATION" "$(nproc)" "$(uname -r)" "$SERVERS" "$MEMCASLAP_THREADS" "$KV_WARMUP" > docs/benchmarks/kv.md <<'PY'
import glob, os, re, statistics, sys
out, runs, duration, cores, kernel, servers, client_threads, warmup = sys.argv[1:9]
servers = servers.split()
def threads(s):  # memcached's -t or kv's --loops of a label
    m = re.search(r"-[tl](\d+)$", s.removesuffix("-buffered").removesuffix("-uring"))
    return int(m.group(1)) if m else 1
def tps(f):
    m = re.findall(r"TPS:\s*(\d+)", open(f).read())
    return int(m[-1]) if m else None
print("# kv beside memcached under memcaslap\n")
print(f"Machine: {cores} cores, kernel {kernel}. memcaslap (libmemcached-tools), its default get:set mix 9:1, "
      f"{client_threads} thread(s), 16 concurrent connections, {duration} per run, median of {runs} runs; server and "
      "client share the machine over loopback. `memcached` is memcached 1.6 with one worker thread (`-t 1`), "
      "`memcached-tN` with N; `kv-SYNC` is kv on one event loop (`--loops 1`), `kv-SYNC-lN` on N loops sharing one "
      "store and one log (the log's writes and fsyncs run through LAIO); a `-buffered` suffix is kv with "
      "`--io buffered` (a `BufferEvent` per connection instead of NIO channels), a `-uring` suffix kv with `--io uring` "
      "(the same on an io_uring loop: waiting socket calls, log writes and fsyncs on the ring). Reproduce: "
      f"`SERVERS=\"{' '.join(servers)}\" benchmarks/kv.sh {runs} {duration}`"
      + (" (each run after a warm-up under the same load until the server's JIT compilers used under 5% of a core "
         "over 4 s; the warm-up's length is in the table).\n" if warmup == "1" else
         " with `KV_WARMUP=0`: measured from each server's start, JIT compilation included.\n"))
print("| server | operations/s (median) | runs | vs memcached, same threads | warm-up, s |")
print("|---|---|---|---|---|")
def warmups(s):
    return ", ".join(open(f).read().strip() for f in sorted(glob.glob(os.path.join(out, f"{s}-run*.warmup"))))
meds = {}
for s in servers:
    vals = [v for v in (tps(f) for f in sorted(glob.glob(os.path.join(out, f"{s}-run*.txt")))) if v is not None]
    if vals:
        meds[s] = (statistics.median(vals), vals)
for s in servers:
    if s not in meds:
        print(f"| {s} | no result | 0 | | |")
        continue
    med, vals = meds[s]
    ref = "memcached" if threads(s) == 1 else f"memcached-t{threads(s)}"
    vs = f"{med / meds[ref][0]:.2f}x" if ref in meds else ""
    print(f"| {s} | {med:,.0f} | {', '.join(f'{v:,}' for v in vals)} | {vs} | {warmups(s)} |")
print("\n`kv-never`: mutations written to the log before the reply, no fsync; `kv-always`: each reply waits for a "
      "group-committed fsync.")
PY
echo "wrote docs/benchmarks/kv.md" >&2
