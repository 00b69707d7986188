#!/usr/bin/env python3
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

"""Medians of benchmarks/peers.sh's runs (macro.sh with PAGE=peers): writes <dir>/<phase>-median.csv,
prints docs/benchmarks/peers.md. Loading, medians, tables and peaks are macro_summary.py's.

Usage: peers_summary.py RESULTS_DIR CORES KERNEL JDK SCALE RUNS
thttpd's modes are the labels that are not a peer (netty-*, vertx-*, nginx-*); "laio's best mode" is
the thttpd mode with the highest peak throughput over the client counts in that phase.
"""
import sys

import macro_summary
from macro_summary import peak, phases, within_runs

out_dir, cores, kernel, jdk, scale, runs = sys.argv[1:7]
macro_summary.out_dir = out_dir  # read by its run_files and load
PEER_PREFIXES = ("netty-", "vertx-", "nginx-")
NAMES = {
    "netty-epoll": "Netty epoll, file work on the loop",
    "netty-epoll-be": "Netty epoll, blocking executor",
    "netty-io_uring": "Netty io_uring, file work on the loop",
    "netty-io_uring-be": "Netty io_uring, blocking executor",
    "vertx-epoll": "Vert.x StaticHandler (epoll, caching off, defaults)",
    "vertx-epoll-async": "Vert.x StaticHandler (epoll, caching off, always async fs)",
    "nginx-1w": "nginx, one worker (reference)",
}


def is_peer(label):
    return label.startswith(PEER_PREFIXES)


print("# thttpd beside the Java peers: Netty (epoll, io_uring) and Vert.x\n")
print(f"Machine: {cores} cores, kernel {kernel}, {jdk}. Workload: rice profile at scale {scale} for warm and cold; "
      "server and load generator share the machine over loopback; every server runs one event loop. "
      f"Reproduce: `benchmarks/peers.sh {runs} {scale}` (benchmarks/macro.sh with `PAGE=peers` and these servers). The peers: `io.laio.bench.peers.NettyStaticServer` "
      "(`--transport epoll|io_uring`, `--blocking-executor`) and `io.laio.bench.peers.VertxStaticServer` in "
      "benchmarks/target/benchmarks.jar.\n")
print("Where each server does the file work, which the cold and larger-than-memory figures turn on:\n")
print("| server | open / stat | body |")
print("|---|---|---|")
print('| thttpd `laio-laio` | LAIO LAZY on the loop: inline when cached, a helper when it would block | `sendfile` or `pread` through LAIO: a miss goes to a helper, the loop goes on |')
print('| thttpd `nb-b` | blocking calls on the loop | blocking `sendfile` on the loop |')
print('| Netty epoll, file work on the loop (`netty-epoll`) | `open`, `fstat`, `stat` (Last-Modified) on the loop | `sendfile` of the `DefaultFileRegion` on the loop: a miss blocks it |')
print("| Netty epoll, blocking executor (`netty-epoll-be`) | on a `DefaultEventExecutorGroup` executor (16 threads, one per channel), the reply handed back to the loop | still `sendfile` on the loop (Netty writes a FileRegion from the channel's loop) |")
print("| Netty io_uring (`netty-io_uring`, `-be`) | on the loop, or the executor with `-be` | `splice` file → pipe → socket submitted to the ring: a miss waits in the kernel's io-wq workers, not on the loop |")
print('| Vert.x StaticHandler, defaults (`vertx-epoll`) | props blocking on the loop until its tuning finds the average serve over 1 ms, then on the worker pool (20) | `sendFile`: open (RandomAccessFile) on the loop, then a FileRegion `sendfile` on the loop |')
print('| Vert.x, `setAlwaysAsyncFS(true)` (`vertx-epoll-async`) | props on the worker pool; open still on the loop | as above |')
print()
summary = []  # (phase, best laio mode, peer, ratio of medians, within-runs cell)
goal_rows = []
for phase, rows, labels, clients, med in phases():
    def pk(label, med=med, clients=clients):
        return peak(med, clients, label)

    modes = [l for l in labels if not is_peer(l)]
    peers = [l for l in labels if is_peer(l)]
    if modes:
        best = max(modes, key=pk)
        for p in peers:
            summary.append((phase, best, p, pk(best) / pk(p), within_runs(rows, best, p)))
    if "laio-laio" in labels:
        if phase in ("cold", "big"):
            for p, target in (("netty-epoll", 1.3), ("netty-io_uring", 1.3), ("netty-epoll-be", 1.1),
                              ("netty-io_uring-be", 1.1), ("vertx-epoll", 1.1), ("vertx-epoll-async", 1.1)):
                if p in labels:
                    r = pk("laio-laio") / pk(p)
                    goal_rows.append((f"{phase}: laio-laio ≥ {target}x {p}", r, within_runs(rows, "laio-laio", p), r >= target))
        else:
            java_peers = [p for p in peers if not p.startswith("nginx-")]
            if java_peers:
                top = max(java_peers, key=pk)
                r = pk("laio-laio") / pk(top)
                goal_rows.append((f"warm: laio-laio ≥ 1.0x the best Java peer ({top})", r,
                                  within_runs(rows, "laio-laio", top), r >= 1.0))

if summary:
    print("## laio's best mode over each peer (peak throughput over the client counts)\n")
    print("Ratio of medians: the medians' peaks divided. Within runs: each run's peak divided by the peer's "
          "peak in the same run, median and range.\n")
    print("| phase | laio's best mode | peer | ratio of medians | within runs |")
    print("|---|---|---|---|---|")
    for phase, best, p, r, w in summary:
        print(f"| {phase} | {best} | {NAMES.get(p, p)} | {r:.2f}x | {w} |")
    print()
if goal_rows:
    print("## The issue's goals\n")
    print("| goal | ratio of medians | within runs | met |")
    print("|---|---|---|---|")
    for name, r, w, ok in goal_rows:
        print(f"| {name} | {r:.2f}x | {w} | {'yes' if ok else 'no'} |")
    print()
