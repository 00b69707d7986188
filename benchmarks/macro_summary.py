#!/usr/bin/env python3
"""Medians of the macro-benchmark's runs: writes <dir>/<cache>-median.csv and prints markdown.

Usage: macro_summary.py RESULTS_DIR CORES KERNEL JDK SCALE RUNS
"""
import csv
import glob
import os
import statistics
import sys

out_dir, cores, kernel, jdk, scale, runs = sys.argv[1:7]


def load(cache):
    rows = {}
    for f in sorted(glob.glob(os.path.join(out_dir, f"{cache}-run*.csv"))):
        with open(f) as fh:
            for r in csv.DictReader(fh):
                rows.setdefault((r["label"], int(r["clients"])), []).append(r)
    return rows


def median_row(rs):
    """The run whose throughput is the median one (its other figures come with it)."""
    rs = sorted(rs, key=lambda r: float(r["requests_per_s"]))
    return rs[(len(rs) - 1) // 2] if len(rs) % 2 == 0 else rs[len(rs) // 2]


def table(labels, clients, med, cell):
    """One markdown row per server, one column per client count."""
    print("| server | " + " | ".join(f"{c} clients" for c in clients) + " |")
    print("|---|" + "---|" * len(clients))
    for label in labels:
        print(f"| {label} | " + " | ".join(cell(med[(label, c)]) if (label, c) in med else "–" for c in clients) + " |")
    print()


print("# Macro-benchmark: thttpd's four modes beside nginx and lighttpd\n")
print(f"Machine: {cores} cores, kernel {kernel}, {jdk}. Workload: rice profile at scale {scale} "
      f"(see workload.txt in the results), every figure the median of {runs} runs; server and load "
      "generator share the machine over loopback. Reproduce: `benchmarks/macro.sh " + runs + " " + scale + "`.\n")
goals = {}
for cache in ("warm", "cold", "big"):
    rows = load(cache)
    if not rows:
        continue
    labels = []
    for (label, _c) in rows:
        if label not in labels:
            labels.append(label)
    clients = sorted({c for (_l, c) in rows})
    med = {k: median_row(v) for k, v in rows.items()}
    with open(os.path.join(out_dir, f"{cache}-median.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(next(iter(med.values())).keys()))
        w.writeheader()
        for label in labels:
            for c in clients:
                if (label, c) in med:
                    w.writerow(med[(label, c)])
    errors = sum(int(r["errors"]) for v in rows.values() for r in v)
    titles = {
        "warm": "## Warm cache (the trace replayed once before the measured runs)",
        "cold": "## Cold cache (the trace replayed once, then the data set dropped from the page cache before each client count)",
        "big": "## Larger than memory (" + os.environ.get("BIG_NOTE", "a data set larger than the servers' memory") + ")",
    }
    print(titles[cache] + "\n")
    print(f"Requests per second (Mbit/s), median of {runs}; errors in all runs: {errors}.\n")
    table(labels, clients, med, lambda r: f"{float(r['requests_per_s']):,.0f} ({float(r['mbit_per_s']):,.0f})")
    print("Mean / p99 response time, ms:\n")
    table(labels, clients, med, lambda r: f"{float(r['mean_ms']):.2f} / {float(r['p99_ms']):.1f}")
    print(f"![{cache} throughput](macro-{cache}-throughput.png) ![{cache} response time](macro-{cache}-response-time.png)\n")

    def peak(label, med=med, clients=clients):  # bound now: the loop goes on to the other cache
        vals = [float(med[(label, c)]["requests_per_s"]) for c in clients if (label, c) in med]
        return max(vals) if vals else float("nan")

    goals[cache] = peak
if "warm" in goals and "cold" in goals:
    w, c = goals["warm"], goals["cold"]
    print("## Goals (peak throughput over the client counts, ratios of medians)\n")
    print("| goal | measured | met |")
    print("|---|---|---|")
    for name, num, den, target in (
            ("cold: laio-laio ≥ 1.3x nb-b", c("laio-laio"), c("nb-b"), 1.3),
            ("warm: laio-laio ≥ 0.9x nginx, one worker", w("laio-laio"), w("nginx-1w"), 0.9),
            ("cold: laio-laio ≥ nginx default workers", c("laio-laio"), c("nginx-default"), 1.0)) + ((
            ("larger than memory: laio-laio ≥ 1.3x nb-b", goals["big"]("laio-laio"), goals["big"]("nb-b"), 1.3),
            ("larger than memory: laio-laio ≥ nginx default workers", goals["big"]("laio-laio"), goals["big"]("nginx-default"), 1.0))
            if "big" in goals else ()):
        ratio = num / den
        print(f"| {name} | {ratio:.2f}x | {'yes' if ratio >= target else 'no'} |")
    print()
