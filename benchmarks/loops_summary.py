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

"""Medians of benchmarks/loops.sh's runs (macro.sh with PAGE=loops): writes <dir>/<phase>-median.csv,
prints docs/benchmarks/loops.md. Loading, medians, tables and peaks are macro_summary.py's.

Usage: loops_summary.py RESULTS_DIR CORES KERNEL JDK SCALE RUNS
"""
import sys

import macro_summary
from macro_summary import peak, phases, within_runs

out_dir, cores, kernel, jdk, scale, runs = sys.argv[1:7]
macro_summary.out_dir = out_dir  # read by its run_files and load
ONE, TWO, NGINX_ONE, NGINX_TWO = "laio-laio", "laio-laio~--loops~2", "nginx-1w", "nginx-2w"

print("# One loop against two: thttpd laio-laio beside nginx with one and two workers\n")
print(f"Machine: {cores} cores, kernel {kernel}, {jdk}. Workload: rice profile at scale {scale}; server and "
      "load generator share the machine over loopback, so two loops (or two nginx workers) compete with the "
      "load generator for the cores: the gain from one to two is what is left of the second core, a lower "
      f"bound of what a machine with cores to spare shows. Reproduce: `benchmarks/loops.sh {runs} {scale}`. "
      "`laio-laio~--loops~2` is thttpd `--mode laio-laio --loops 2` (one SO_REUSEPORT listener and one "
      "Laio per loop); `nginx-2w` is `worker_processes 2`. Any other `MODE~ARG~...` label is thttpd "
      "`--mode MODE ARG ...` (e.g. `laio-laio~--loops~2~--helper-spin~0~--loop-spin~0`, two loops with LAIO's "
      "spins off), compared with nginx with 2 workers and with `laio-laio~--loops~2`.\n")
goals = []
for phase, rows, labels, clients, med in phases():
    def pk(label, med=med, clients=clients):
        return peak(med, clients, label)

    if TWO in labels and NGINX_TWO in labels:
        r = pk(TWO) / pk(NGINX_TWO)
        goals.append((f"{phase}: laio-laio on 2 loops ≥ 1.0x nginx with 2 workers", f"{r:.2f}x",
                      within_runs(rows, TWO, NGINX_TWO), "yes" if r >= 1.0 else "no"))
    gain = {}
    for one, two in ((ONE, TWO), (NGINX_ONE, NGINX_TWO)):
        if one in labels and two in labels:
            gain[one] = pk(two) / pk(one)
            goals.append((f"{phase}: {one.split('~')[0]} gain from 1 to 2 (peak over peak)", f"{gain[one]:.2f}x",
                          within_runs(rows, two, one), "–"))
    if phase in ("warm", "warm-wrk") and "laio-uring" in labels and NGINX_ONE in labels and ("laio-uring", 64) in med \
            and (NGINX_ONE, 64) in med:
        r = float(med[("laio-uring", 64)]["requests_per_s"]) / float(med[(NGINX_ONE, 64)]["requests_per_s"])
        client = " (wrk)" if phase == "warm-wrk" else ""
        goals.append((f"warm, 64 clients{client}: laio-uring ≥ 1.2x nginx with one worker (issue 17)", f"{r:.2f}x",
                      within_runs({k: v for k, v in rows.items() if k[1] == 64}, "laio-uring", NGINX_ONE),
                      "yes" if r >= 1.2 else "no"))
    for label in labels:  # the A/B variants: thttpd with options beyond the fixed labels'
        if label in (ONE, TWO, NGINX_ONE, NGINX_TWO) or label.startswith("nginx-") or "~" not in label:
            continue
        for other in (NGINX_TWO, TWO):
            if other in labels:
                goals.append((f"{phase}: `{label}` over `{other}` (peak over peak)", f"{pk(label) / pk(other):.2f}x",
                              within_runs(rows, label, other), "–"))
    if ONE in gain and NGINX_ONE in gain:
        goals.append((f"{phase}: laio's gain over nginx's gain", f"{gain[ONE] / gain[NGINX_ONE]:.2f}", "–", "–"))

if goals:
    print("## The issue's goals\n")
    print("| goal | ratio of medians | within runs | met |")
    print("|---|---|---|---|")
    for row in goals:
        print("| " + " | ".join(row) + " |")
    print()
