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

"""Medians of the macro-benchmark's runs: writes <dir>/<cache>-median.csv and prints markdown.

Usage: macro_summary.py RESULTS_DIR CORES KERNEL JDK SCALE RUNS
(RUNS is what the reproduce command is given; each phase's figures are medians of the run files
it actually has, and the goals are also given as the median of ratios taken within each run.)
"""
import csv
import glob
import os
import statistics
import sys

out_dir = None  # RESULTS_DIR, set by main() (or by a script that imports this module)
TITLES = {  # the phases' section titles
    "warm": "## Warm cache (untimed replays of the trace before the measured runs: six, then more at the largest client count until one ran with the JIT compilers under 5% of a core, at most ten)",
    "warm-wrk": "## Warm cache, measured by wrk (`TOOLS=\"loadgen wrk\"`: the same trace replayed over kept-alive "
                "connections, one wrk thread, after the loadgen runs; an independent client in C)",
    "cold": "## Cold cache (untimed replays: three cold, then cold ones at the largest client count until one ran with the JIT compilers under 5% of a core, at most ten, then three warm; the data set dropped from the page cache before each client count)",
    "big": "## Larger than memory (" + os.environ.get("BIG_NOTE", "a data set larger than the servers' memory") + ")",
}


def run_files(cache):
    return sorted(glob.glob(os.path.join(out_dir, f"{cache}-run*.csv")))


def load(cache):
    rows = {}
    for f in run_files(cache):
        with open(f) as fh:
            for r in csv.DictReader(fh):
                r["run"] = os.path.basename(f)
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


def medians(cache):
    """The runs of one phase: (rows by (label, clients), labels in order of appearance, client counts,
    the median rows), and <cache>-median.csv written; None when the phase has no runs."""
    rows = load(cache)
    if not rows:
        return None
    labels = []
    for (label, _c) in rows:
        if label not in labels:
            labels.append(label)
    clients = sorted({c for (_l, c) in rows})
    med = {k: median_row(v) for k, v in rows.items()}
    with open(os.path.join(out_dir, f"{cache}-median.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=[k for k in next(iter(med.values())).keys() if k != "run"], extrasaction="ignore")
        w.writeheader()
        for label in labels:
            for c in clients:
                if (label, c) in med:
                    w.writerow(med[(label, c)])
    return rows, labels, clients, med


def phase_tables(title, cache, rows, labels, clients, med):
    """A phase's section: its title, then throughput and response-time tables of the medians."""
    errors = sum(int(r["errors"]) for v in rows.values() for r in v)
    print(title + "\n")
    print(f"Requests per second (Mbit/s), median of {len(run_files(cache))} runs; errors in all runs: {errors}.\n")
    table(labels, clients, med, lambda r: f"{float(r['requests_per_s']):,.0f} ({float(r['mbit_per_s']):,.0f})")
    print("Mean / p99 response time, ms:\n")
    table(labels, clients, med, lambda r: f"{float(r['mean_ms']):.2f} / {float(r['p99_ms']):.1f}")


def phases():
    """For each phase with runs, in order: writes its medians and prints its section (phase_tables),
    then yields (phase, rows, labels, clients, med) for what the caller adds to it."""
    for cache in ("warm", "warm-wrk", "cold", "big"):
        got = medians(cache)
        if got is not None:
            phase_tables(TITLES[cache], cache, *got)
            yield (cache, *got)


def peak(med, clients, label):
    """The highest median throughput of `label` over the client counts."""
    vals = [float(med[(label, c)]["requests_per_s"]) for c in clients if (label, c) in med]
    return max(vals) if vals else float("nan")


def run_peaks(rows, label):
    """Peak throughput of `label` in each run, by run file."""
    by_run = {}
    for (l, _c), rs in rows.items():
        if l == label:
            for r in rs:
                by_run[r["run"]] = max(by_run.get(r["run"], 0.0), float(r["requests_per_s"]))
    return by_run


def within_runs(rows, a, b):
    """Each run's peak of `a` over `b`'s in the same run: the markdown cell "median (range)", or "–"."""
    mine, theirs = run_peaks(rows, a), run_peaks(rows, b)
    rs = sorted(mine[r] / theirs[r] for r in mine if r in theirs and theirs[r] > 0)
    return f"{statistics.median(rs):.2f}x ({rs[0]:.2f}–{rs[-1]:.2f})" if rs else "–"


def main():
    global out_dir
    out_dir, cores, kernel, jdk, scale, runs = sys.argv[1:7]
    print("# Macro-benchmark: thttpd's four modes beside nginx and lighttpd\n")
    print(f"Machine: {cores} cores, kernel {kernel}, {jdk}. Workload: rice profile at scale {scale} "
          f"(see workload.txt in the results), every figure the median of the runs each section names; server and load "
          "generator share the machine over loopback. Reproduce: `benchmarks/macro.sh " + runs + " " + scale + "`.\n")
    goals = {}
    per_run = {}
    gains = {}
    for cache, rows, labels, clients, med in phases():
        if cache == "warm-wrk":  # no plots and no paper goals: its servers are compared in their tables
            continue
        print(f"![{cache} throughput](macro-{cache}-throughput.png) ![{cache} response time](macro-{cache}-response-time.png)\n")

        goals[cache] = (med, clients)
        per_run[cache] = rows
        gains[cache] = [float(med[("laio-laio", c)]["requests_per_s"]) / float(med[("nb-b", c)]["requests_per_s"]) - 1
                        for c in clients if ("laio-laio", c) in med and ("nb-b", c) in med]
    if "warm" in goals and "cold" in goals:
        print("## Goals (peak throughput over the client counts)\n")
        print("Ratio of medians: the medians' peaks divided. Within runs: each run's peak divided by the other "
              "server's peak in the same run (the two measured minutes apart, not hours), then the median of those "
              "ratios, with their range.\n")
        print("| goal | ratio of medians | within runs: median (range) | met |")
        print("|---|---|---|---|")
        wanted = [("cold: laio-laio ≥ 1.3x nb-b", "cold", "nb-b", 1.3),
                  ("warm: laio-laio ≥ 0.9x nginx, one worker", "warm", "nginx-1w", 0.9),
                  ("cold: laio-laio ≥ nginx default workers", "cold", "nginx-default", 1.0)]
        if "big" in goals:
            wanted += [("larger than memory: laio-laio ≥ 1.3x nb-b", "big", "nb-b", 1.3),
                       ("larger than memory: laio-laio ≥ nginx default workers", "big", "nginx-default", 1.0)]
        for name, cache, other, target in wanted:
            ratio = peak(*goals[cache], "laio-laio") / peak(*goals[cache], other)
            print(f"| {name} | {ratio:.2f}x | {within_runs(per_run[cache], 'laio-laio', other)} | {'yes' if ratio >= target else 'no'} |")
        print()

    if gains:
        def span(g):
            return f"{min(g):+.0%} to {max(g):+.0%}" if g else "–"
        print("## Beside the LAIO paper (thttpd-LAIO-LAIO over thttpd-NB-B, throughput, over the client counts)\n")
        print("The paper (§9.1.1, Figures 7 and 8) ran a 2 GB server with a disk: rice (1.1 GB) fits in memory, "
              "berkeley (6.4 GB) does not. Here a page dropped from the cache comes back from the VM host's cache.\n")
        print("| case | paper | here |")
        print("|---|---|---|")
        for cache, case, paper in (("cold", "rice, cold cache", "+9% to +36%"), ("warm", "rice, warm cache", "no gain"),
                                   ("big", "berkeley, larger than memory", "+12% to +38%")):
            if cache in gains:
                print(f"| {case} | {paper} | {span(gains[cache])} |")
        print()


if __name__ == "__main__":  # slow_storage_summary.py and peers_summary.py import from here
    main()
