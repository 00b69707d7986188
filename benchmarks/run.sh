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

# Every benchmark of laio, one after another, each rewriting its page under docs/benchmarks/:
#   jmh     JMH micro-benchmarks ×RUNS, medians and ratios (benchmarks/jmh.sh; figures go into
#           core.md, nio.md and laio.md by hand: the summary is printed and kept in benchmarks/results)
#   papers  the thesis's open-stat and open-stat-read, Tables 3 and 4 (papers.md)
#   macro   thttpd's four modes beside nginx and lighttpd, warm and cold (macro.md and plots)
#   kv      the kv example beside memcached under memcaslap (kv.md)
#   idle    thttpd's RSS per idle keep-alive connection at 10,000 (idle-conns.md)
#   floor   issue 17's io_uring floors in C (benchmarks/uring-floor.sh; table in
#           benchmarks/results/uring-floor.txt, quoted by docs/design/uring.md)
#   peers   beside the Java peers: the JMH timer, execute and echo benchmarks vs Netty's (summary in
#           benchmarks/results/peers-jmh-summary.txt), then benchmarks/peers.sh (macro.sh with the Java
#           peers as SERVERS and PAGE=peers): thttpd vs Netty and
#           Vert.x, warm, cold, larger than memory (peers.md); about 3 hours, not in the default set
# Usage: benchmarks/run.sh [RUNS=3] [jmh|papers|macro|kv|idle|floor|peers ...]   (default: jmh papers macro kv idle floor)
# Installs nginx, lighttpd, memcached and libmemcached-tools from the system's packages when absent.
# Servers listen on 127.0.0.1 only; about 40 minutes on 2 cores for everything.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
shift || true
PARTS=("$@")
[ ${#PARTS[@]} -eq 0 ] && PARTS=(jmh papers macro kv idle floor)
for part in "${PARTS[@]}"; do
  echo "== $part ($RUNS runs)" >&2
  case "$part" in
    jmh) benchmarks/jmh.sh "$RUNS" | tee benchmarks/jmh-summary.txt.tmp && mkdir -p benchmarks/results && mv benchmarks/jmh-summary.txt.tmp benchmarks/results/jmh-summary.txt ;;
    papers) benchmarks/papers.sh "$RUNS" 0.05 ;;
    macro) benchmarks/macro.sh "$RUNS" 0.03 ;;
    kv) benchmarks/kv.sh "$RUNS" 10s ;;
    idle) { echo "# thttpd's RSS per idle keep-alive connection"; echo; benchmarks/idle-conns.sh "$RUNS" 10000; } > docs/benchmarks/idle-conns.md.tmp && mv docs/benchmarks/idle-conns.md.tmp docs/benchmarks/idle-conns.md ;;
    floor) mkdir -p benchmarks/results && benchmarks/uring-floor.sh "$((RUNS * 4 - 1))" | tee benchmarks/results/uring-floor.txt ;;
    peers)
      benchmarks/jmh.sh "$RUNS" 'io.laio.bench.peers' | tee benchmarks/peers-jmh-summary.txt.tmp && mkdir -p benchmarks/results \
        && mv benchmarks/peers-jmh-summary.txt.tmp benchmarks/results/peers-jmh-summary.txt
      benchmarks/peers.sh "$RUNS" 0.03 ;;
    *) echo "unknown part '$part' (jmh, papers, macro, kv, idle, floor, peers)" >&2; exit 2 ;;
  esac
done
