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
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
DURATION=${2:-10s}
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
  for s in memcached kv-never kv-always; do
    rm -rf "$WORK/data"; mkdir -p "$WORK/data"
    case "$s" in
      memcached) memcached -l 127.0.0.1 -p "$PORT" -t 1 -m 64 -U 0 -u root & PID=$! ;;
      kv-*) "$JAVA_HOME/bin/java" -jar "$WORK/laio-examples.jar" kv --port "$PORT" --dir "$WORK/data" \
              --sync "${s#kv-}" > "$OUT/$s.log" 2>&1 & PID=$! ;;
    esac
    wait_for_port "$PORT" || { echo "server did not start" >&2; exit 1; }
    memcaslap -s "127.0.0.1:$PORT" -T 1 -c 16 -t "$DURATION" > "$OUT/$s-run$run.txt" 2>&1 || true
    kill "$PID"; wait "$PID" 2>/dev/null || true
  done
done
python3 - "$OUT" "$RUNS" "$DURATION" "$(nproc)" "$(uname -r)" > docs/benchmarks/kv.md <<'PY'
import glob, os, re, statistics, sys
out, runs, duration, cores, kernel = sys.argv[1:6]
def tps(f):
    m = re.findall(r"TPS:\s*(\d+)", open(f).read())
    return int(m[-1]) if m else None
print("# kv beside memcached under memcaslap\n")
print(f"Machine: {cores} cores, kernel {kernel}. memcaslap (libmemcached-tools), its default get:set mix 9:1, "
      f"1 thread, 16 concurrent connections, {duration} per run, median of {runs} runs; server and client share the "
      "machine over loopback. memcached 1.6 with one worker thread (`-t 1`); kv is single-threaded (one event loop; "
      f"the log's writes and fsyncs run through LAIO). Reproduce: `benchmarks/kv.sh {runs} {duration}`.\n")
print("| server | operations/s (median) | runs | vs memcached -t 1 |")
print("|---|---|---|---|")
base = None
for s in ("memcached", "kv-never", "kv-always"):
    vals = [v for v in (tps(f) for f in sorted(glob.glob(os.path.join(out, f"{s}-run*.txt")))) if v is not None]
    if not vals:
        print(f"| {s} | no result | 0 | |")
        continue
    med = statistics.median(vals)
    base = base or med
    print(f"| {s} | {med:,.0f} | {', '.join(f'{v:,}' for v in vals)} | {med / base:.2f}x |")
print("\n`kv-never`: mutations written to the log before the reply, no fsync; `kv-always`: each reply waits for a "
      "group-committed fsync.")
PY
echo "wrote docs/benchmarks/kv.md" >&2
