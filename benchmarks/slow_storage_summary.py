#!/usr/bin/env python3
"""Medians of benchmarks/slow-storage.sh's runs: writes <dir>/median.csv and prints markdown.

Usage: slow_storage_summary.py RESULTS_DIR CORES KERNEL JDK COMMAND LIMIT_MB DATA_MB DURATION WARMUP
RESULTS_DIR holds run<N>.csv, one row per (phase, tool, server, clients) measured in run N.
Figures are the row of the median run by requests/s (macro_summary.median_row); the goals are
also given as the median (and range) of ratios taken within each run.
"""
import csv
import glob
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from macro_summary import median_row, table  # noqa: E402

out_dir, cores, kernel, jdk, command, limit_mb, data_mb, duration, warmup = sys.argv[1:10]

rows = {}  # (phase, tool) -> {(label, clients): [row, ...]}
files = sorted(glob.glob(os.path.join(out_dir, "run*.csv")))
for f in files:
    with open(f) as fh:
        for r in csv.DictReader(fh):
            rows.setdefault((r["phase"], r["tool"]), {}).setdefault((r["label"], int(r["clients"])), []).append(r)

fields = None
with open(os.path.join(out_dir, "median.csv"), "w", newline="") as fh:
    w = None
    for key in rows:
        for rs in rows[key].values():
            m = median_row(rs)
            if w is None:
                w = csv.DictWriter(fh, fieldnames=list(m.keys()))
                w.writeheader()
            w.writerow(m)


def phase_title(phase):
    if phase.startswith("fuse-"):
        us = int(phase[5:-2])
        return f"Latency file system: slowfs, {us / 1000:g} ms per read reaching it (FUSE, 64 threads, page cache on)"
    if phase.startswith("iops-"):
        return f"IOPS-capped disk: the servers' reads throttled to {phase[5:]}/s (blkio), local disk"
    return phase


def order(labels):
    want = ["nb-b", "laio-laio", "nb-laio", "nb-amted", "nginx-1w", "nginx-1w-aio"]
    return sorted(labels, key=lambda l: (want.index(l.split("@")[0]) if l.split("@")[0] in want else 99, "@" in l, l))


def fnum(r, k):
    try:
        return float(r[k])
    except (KeyError, ValueError):
        return float("nan")


print("# Slow storage: thttpd's four modes beside nginx, storage slower than the page cache\n")
print(f"Machine: {cores} cores, kernel {kernel}, {jdk}; server and clients share the machine over loopback. "
      f"Data set: berkeley profile, {data_mb} MB on disk (see workload.txt in the results), served by servers "
      f"confined to a memory cgroup of {limit_mb} MB (page cache charged to it; DESIGN §7, round 2), so most of it "
      "misses the cache. `SERVER@same` is the \"same page cache\" variant: the cgroup limit raised by the "
      "server's own RSS (measured after half the warm-up), so it gets the full limit as page cache. "
      f"Each server: {warmup} s untimed warm-up (data set dropped from the page cache first) on its own part of "
      f"the trace, then {duration} s per measurement, each on another part of the trace. Servers alternate within "
      f"a run; every figure is the median of {len(files)} runs. Clients: `loadgen` (laio's) and `wrk` replaying "
      "the same trace's paths (benchmarks/wrk-trace.lua; persistent connections, fixed count).\n")
print("Storage reads per request: reads reaching slowfs (its counter) or the cgroup's reads on the disk "
      "(blkio.throttle.io_serviced), over the measurement, divided by the requests answered. RSS: the largest "
      "VmRSS (all of the server's processes) sampled every 0.25 s under load; cache: the cgroup's page cache, mean.\n")
print(f"Reproduce: `{command}`\n")

phases = []
for (phase, _tool) in rows:
    if phase not in phases:
        phases.append(phase)
goal_lines = []
for phase in phases:
    print(f"## {phase_title(phase)}\n")
    for tool in ("loadgen", "wrk"):
        data = rows.get((phase, tool))
        if not data:
            continue
        labels = order({l for (l, _c) in data})
        clients = sorted({c for (_l, c) in data})
        med = {k: median_row(v) for k, v in data.items()}
        errors = sum(int(float(r["errors"] or 0)) for v in data.values() for r in v)
        n_runs = len({r["run"] for v in data.values() for r in v})
        print(f"### {tool}: requests/s, p50 / p99 ms (median of {n_runs} runs; errors in all runs: {errors})\n")
        table(labels, clients, med, lambda r: f"{fnum(r, 'requests_per_s'):,.0f}, {fnum(r, 'p50_ms'):.1f} / {fnum(r, 'p99_ms'):.1f}")
        print(f"{tool}: storage reads per request; RSS under load, MB; page cache, MB\n")
        table(labels, clients, med, lambda r: f"{fnum(r, 'reads_per_request'):.2f}; {r['rss_mb']}; {r['cache_mb']}")
        if phase.startswith("iops-"):
            rate = float(phase[5:])
            print(f"{tool}: the bound the measured miss ratio sets, {rate:g} reads/s ÷ reads per request "
                  "(req/s), and the share of it reached\n")

            def bound(r, rate=rate):
                rpr = fnum(r, "reads_per_request")
                if not rpr > 0:
                    return "no reads"
                b = rate / rpr
                return f"{b:,.0f} ({fnum(r, 'requests_per_s') / b:.0%})"
            table(labels, clients, med, bound)

        def ratio_cells(a, b, c, data=data, med=med, key="requests_per_s"):
            if (a, c) not in med or (b, c) not in med:
                return None
            of_medians = fnum(med[(a, c)], key) / fnum(med[(b, c)], key)
            mine = {r["run"]: fnum(r, key) for r in data[(a, c)]}
            theirs = {r["run"]: fnum(r, key) for r in data[(b, c)]}
            within = sorted(mine[k] / theirs[k] for k in mine if k in theirs and theirs[k] > 0)
            return of_medians, within

        def goal(name, a, b, target, never_below=None):
            for c in clients:
                cells = ratio_cells(a, b, c)
                if not cells:
                    continue
                rom, within = cells
                w = f"{statistics.median(within):.2f}x ({within[0]:.2f}–{within[-1]:.2f})" if within else "–"
                met = rom >= target and (never_below is None or (within and within[0] >= never_below))
                goal_lines.append(f"| {phase} | {tool} | {c} | {name} | {rom:.2f}x | {w} | {'yes' if met else 'no'} |")

        def p99_goal(a, b):
            for c in clients:
                if (a, c) in med and (b, c) in med:
                    pa, pb = fnum(med[(a, c)], "p99_ms"), fnum(med[(b, c)], "p99_ms")
                    goal_lines.append(f"| {phase} | {tool} | {c} | p99 {a} ≤ {b} | {pa:.1f} / {pb:.1f} ms | – | "
                                      f"{'yes' if pa <= pb else 'no'} |")

        if phase == "fuse-2000us":
            goal("laio-laio ≥ 1.2x nginx aio threads", "laio-laio", "nginx-1w-aio", 1.2)
            goal("laio-laio ≥ 5x nb-b", "laio-laio", "nb-b", 5.0)
            p99_goal("laio-laio", "nginx-1w-aio")
        if phase == "iops-500":
            goal("laio-laio ≥ 1.1x nb-b, never below it", "laio-laio", "nb-b", 1.1, never_below=1.0)
            p99_goal("laio-laio", "nb-b")
        if phase.startswith("fuse-") or phase.startswith("iops-"):
            goal("same page cache: laio-laio@same vs nginx-1w-aio@same (no target)", "laio-laio@same",
                 "nginx-1w-aio@same", 0.0)
if goal_lines:
    print("## Goals (issue 15)\n")
    print("Ratio of medians: the median runs' requests/s divided. Within runs: each run's figure divided by the "
          "other server's in the same run, the median of those ratios and their range. \"Never below\" needs "
          "the smallest within-run ratio ≥ 1.\n")
    print("| phase | client | clients | goal | ratio of medians | within runs | met |")
    print("|---|---|---|---|---|---|---|")
    for line in goal_lines:
        print(line)
    print()
