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
print("Issue 15's two storage models (DESIGN §7, round 2), made and measured by `benchmarks/slow-storage.sh`:\n")
print("- **Latency file system**: `benchmarks/slowfs`, a read-only libfuse3 passthrough of the data set "
      "(multithreaded, 64 threads, kernel page cache kept, `allow_other`) that sleeps a fixed time in every read "
      "reaching it: a device with a latency and a parallel capacity. On it `preadv2(RWF_NOWAIT)` answers EOPNOTSUPP.")
print("- **IOPS-capped disk**: the data set on the local disk, the servers' reads capped by the cgroup's block I/O "
      "throttle (v1 `blkio.throttle.read_iops_device`, v2 `io.max riops`) on the disk holding it.\n")
print(f"Machine: {cores} cores, kernel {kernel}, {jdk}; servers and clients share the machine over loopback. "
      f"Data set: berkeley profile, {data_mb} MB (see workload.txt in the results), served by servers confined to a "
      f"memory cgroup of {limit_mb} MB, which their page cache is charged to, so most of it misses the cache. "
      "Servers: thttpd (`nb-b`, `laio-laio`, `nb-laio`, `nb-amted`), nginx with one worker and sendfile "
      "(`nginx-1w`), the same with `aio threads` (`nginx-1w-aio`). `SERVER@same` is the \"same page cache\" "
      "variant: its cgroup limit raised by its own RSS (measured halfway through its warm-up), so that every "
      f"`@same` server has {limit_mb} MB for page cache whatever its footprint (a JVM takes far more than nginx).\n")
print(f"Each server, in turn (servers alternate within a run): started in the cgroup emptied of the last one's "
      f"cache, warmed up untimed on the first half of the trace with the storage at full speed (latency off, no "
      f"throttle) for at least {warmup} s and until the cgroup is 90% full, so that its cache is at its steady state; "
      "then on with the storage slowed, at least 4 s and until the server's JIT compiler threads have used under 5% "
      "of a core over 2 s (a Java server otherwise compiles its paths of a slow miss inside the measurement, and its "
      "requests are charged for it); "
      f"then, storage slowed, {duration} s per measurement, each on its own part of the trace's second half. "
      "Clients: `loadgen` (laio's own; a connection per session of the trace) and `wrk` (independent: "
      "`benchmarks/wrk-trace.lua` replays the same trace's paths over a fixed number of persistent connections). "
      f"Every figure is the median of {len(files) or 'the'} runs (the row of the run with the median "
      "requests/s).\n")
print("Storage reads per request: the reads reaching slowfs (its counter) or the cgroup's reads on the disk "
      "(`blkio.throttle.io_serviced` / `io.stat`) during the measurement, divided by the requests answered. "
      "RSS: the largest VmRSS (all of the server's processes) sampled every 0.25 s under load; cache: the cgroup's "
      "page cache, mean over the measurement. CPU per request: the user and system time of all of the server's "
      "threads and processes over the measurement (from /proc/PID/stat), divided by the requests answered; it is the "
      "figure the machine's sharing (clients, slowfs and server on 2 cores) disturbs least.\n")
print("The bound the miss ratio sets: with the disk capped at R reads/s and m storage reads per request "
      "(misses per request × reads per miss), no server exceeds R / m requests/s. The IOPS tables give R / m for "
      "each server's own measured m and the share of it reached: a server nearer its bound wastes less of the "
      "disk; a server with a larger bound has more cache or reads less per miss.\n")
print(f"Reproduce: `{command}` (as root, on a quiet machine: the figures below came from this command).\n")
print("Running it: `benchmarks/slow-storage.sh [RUNS=3] [SCALE=0.12] [CLIENTS=64,256]` builds the examples and "
      "slowfs (installing gcc, libfuse3-dev, fuse3, nginx, wrk from the system's packages when missing), writes the "
      "data set to `SLOW_WORK` (/var/tmp/laio-slow, on the disk it throttles; kept between runs of the same scale), "
      "and with the defaults runs 3 phases (slowfs at 2 ms; 500 and 2000 reads/s) × 8 servers × 3 runs, about half "
      "a minute per server: 30–35 minutes in all. It stops early and clearly without root, /dev/fuse, the memory "
      "or blkio/io cgroup controllers, or a block device under `SLOW_WORK`, and on exit or interrupt it stops its "
      "servers and clients, unmounts slowfs and removes its cgroups. Settings (environment): `PHASES` (fuse, iops), "
      "`FUSE_LATENCY_US` (\"500 2000\" adds the 0.5 ms file system), `IOPS_RATES`, `SLOW_LIMIT_MB` (256), "
      "`SERVERS`, `TOOLS` (loadgen, wrk), `DURATION` (3 s), `WARMUP` (6 s), `WARMUP_MAX` (60 s), `PORT`. "
      "A smoke test of a minute or two: `PHASES=fuse SERVERS='nb-b laio-laio' TOOLS=wrk DURATION=2 WARMUP=2 "
      "WARMUP_MAX=6 benchmarks/slow-storage.sh 1 0.02 64`.\n")
if not files:
    print("No results yet: run the command above on a quiet machine.\n")

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
        print(f"{tool}: storage reads per request; RSS under load, MB; page cache, MB; server CPU time per request, µs "
              "(user + system, all its threads and processes)\n")
        table(labels, clients, med, lambda r: f"{fnum(r, 'reads_per_request'):.2f}; {r['rss_mb']}; {r['cache_mb']}; "
              f"{r.get('cpu_us_per_request') or '-'}")
        if phase.startswith("fuse-"):
            lat = int(phase[5:-2]) / 1e6
            print(f"{tool}: the bounds the measured reads per request m set at {lat * 1000:g} ms a read: one read at a "
                  "time (a server that blocks on each, like nb-b) 1 / (latency × m); slowfs' 64 threads at once "
                  "64 / (latency × m) (req/s)\n")

            def fbound(r, lat=lat):
                m = fnum(r, "reads_per_request")
                return "no reads" if not m > 0 else f"{1 / (lat * m):,.0f}; {64 / (lat * m):,.0f}"
            table(labels, clients, med, fbound)
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
                met = target is not None and rom >= target and (never_below is None or (within and within[0] >= never_below))
                verdict = "–" if target is None else "yes" if met else "no"
                goal_lines.append(f"| {phase} | {tool} | {c} | {name} | {rom:.2f}x | {w} | {verdict} |")

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
        if phase == "iops-500":
            goal("same page cache: laio-laio@same ≥ 1.0x nginx one worker", "laio-laio@same", "nginx-1w", 1.0)
        if phase.startswith("fuse-") or phase.startswith("iops-"):
            goal("same page cache: laio-laio@same vs nginx-1w-aio@same (no target)", "laio-laio@same",
                 "nginx-1w-aio@same", None)
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
