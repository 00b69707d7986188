#!/usr/bin/env python3
"""Medians of benchmarks/peers.sh's runs: writes <dir>/<phase>-median.csv, prints docs/benchmarks/peers.md.

Usage: peers_summary.py RESULTS_DIR CORES KERNEL JDK SCALE RUNS
thttpd's modes are the labels that are not a peer (netty-*, vertx-*, nginx-*); "laio's best mode" is
the thttpd mode with the highest peak throughput over the client counts in that phase.
"""
import csv
import glob
import os
import statistics
import sys

out_dir, cores, kernel, jdk, scale, runs = sys.argv[1:7]
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
TITLES = {
    "warm": "Warm cache (six untimed replays of the trace before the measured runs)",
    "cold": "Cold cache (six untimed replays, the first three cold; the data set dropped from the page cache before each client count)",
    "big": "Larger than memory (" + os.environ.get("BIG_NOTE", "a data set larger than the servers' memory") + ")",
}


def is_peer(label):
    return label.startswith(PEER_PREFIXES)


def run_files(phase):
    return sorted(glob.glob(os.path.join(out_dir, f"{phase}-run*.csv")))


def load(phase):
    rows = {}
    for f in run_files(phase):
        with open(f) as fh:
            for r in csv.DictReader(fh):
                r["run"] = os.path.basename(f)
                rows.setdefault((r["label"], int(r["clients"])), []).append(r)
    return rows


def median_row(rs):
    rs = sorted(rs, key=lambda r: float(r["requests_per_s"]))
    return rs[(len(rs) - 1) // 2]


def table(labels, clients, med, cell):
    print("| server | " + " | ".join(f"{c} clients" for c in clients) + " |")
    print("|---|" + "---|" * len(clients))
    for label in labels:
        print(f"| {label} | " + " | ".join(cell(med[(label, c)]) if (label, c) in med else "–" for c in clients) + " |")
    print()


print("# thttpd beside the Java peers: Netty (epoll, io_uring) and Vert.x\n")
print(f"Machine: {cores} cores, kernel {kernel}, {jdk}. Workload: rice profile at scale {scale} for warm and cold; "
      "server and load generator share the machine over loopback; every server runs one event loop. "
      f"Reproduce: `benchmarks/peers.sh {runs} {scale}`. The peers: `io.laio.bench.peers.NettyStaticServer` "
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
for phase in ("warm", "cold", "big"):
    rows = load(phase)
    if not rows:
        continue
    labels = []
    for (label, _c) in rows:
        if label not in labels:
            labels.append(label)
    clients = sorted({c for (_l, c) in rows})
    med = {k: median_row(v) for k, v in rows.items()}
    with open(os.path.join(out_dir, f"{phase}-median.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=[k for k in next(iter(med.values())).keys() if k != "run"], extrasaction="ignore")
        w.writeheader()
        for label in labels:
            for c in clients:
                if (label, c) in med:
                    w.writerow(med[(label, c)])
    errors = sum(int(r["errors"]) for v in rows.values() for r in v)
    print(f"## {TITLES[phase]}\n")
    print(f"Requests per second (Mbit/s), median of {len(run_files(phase))} runs; errors in all runs: {errors}.\n")
    table(labels, clients, med, lambda r: f"{float(r['requests_per_s']):,.0f} ({float(r['mbit_per_s']):,.0f})")
    print("Mean / p99 response time, ms:\n")
    table(labels, clients, med, lambda r: f"{float(r['mean_ms']):.2f} / {float(r['p99_ms']):.1f}")

    def peak(label):
        vals = [float(med[(label, c)]["requests_per_s"]) for c in clients if (label, c) in med]
        return max(vals) if vals else float("nan")

    def run_peaks(label):
        by_run = {}
        for (l, _c), rs in rows.items():
            if l == label:
                for r in rs:
                    by_run[r["run"]] = max(by_run.get(r["run"], 0.0), float(r["requests_per_s"]))
        return by_run

    def within(a, b):
        mine, theirs = run_peaks(a), run_peaks(b)
        rs = sorted(mine[r] / theirs[r] for r in mine if r in theirs and theirs[r] > 0)
        return (statistics.median(rs), rs[0], rs[-1]) if rs else None

    def cell(w):
        return f"{w[0]:.2f}x ({w[1]:.2f}–{w[2]:.2f})" if w else "–"

    modes = [l for l in labels if not is_peer(l)]
    peers = [l for l in labels if is_peer(l)]
    if modes:
        best = max(modes, key=peak)
        for p in peers:
            summary.append((phase, best, p, peak(best) / peak(p), cell(within(best, p))))
    if "laio-laio" in labels:
        if phase in ("cold", "big"):
            for p, target in (("netty-epoll", 1.3), ("netty-io_uring", 1.3), ("netty-epoll-be", 1.1),
                              ("netty-io_uring-be", 1.1), ("vertx-epoll", 1.1), ("vertx-epoll-async", 1.1)):
                if p in labels:
                    r = peak("laio-laio") / peak(p)
                    goal_rows.append((f"{phase}: laio-laio ≥ {target}x {p}", r, cell(within("laio-laio", p)), r >= target))
        else:
            java_peers = [p for p in peers if not p.startswith("nginx-")]
            if java_peers:
                top = max(java_peers, key=peak)
                r = peak("laio-laio") / peak(top)
                goal_rows.append((f"warm: laio-laio ≥ 1.0x the best Java peer ({top})", r,
                                  cell(within("laio-laio", top)), r >= 1.0))

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
