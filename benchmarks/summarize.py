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

"""Median of each JMH score over several result files, with the ratios docs/BENCHMARKS.md quotes."""
import json
import statistics
import sys
from collections import defaultdict

scores = defaultdict(list)
alloc = defaultdict(list)
for path in sys.argv[1:]:
    for r in json.load(open(path)):
        name = r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1]
        params = r.get("params") or {}
        if params:
            name += "(" + ",".join(f"{k}={v}" for k, v in params.items()) + ")"
        scores[name].append(r["primaryMetric"]["score"])
        sec = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        if sec:
            alloc[name].append(sec["score"])

med = {k: statistics.median(v) for k, v in scores.items()}
print(f"{'benchmark':60} {'median ns/op':>12} {'runs':>5} {'B/op':>8}")
for k in sorted(med):
    a = statistics.median(alloc[k]) if alloc[k] else float("nan")
    print(f"{k:60} {med[k]:12.1f} {len(scores[k]):5d} {a:8.1f}")


def find(suffix):
    for k in med:
        if k.split("(")[0].endswith(suffix):
            return med[k]
    return None


ratios = [
    ("getpid: LAZY / plain FFM (goal <= 1.05)", "getpidLazy", "getpidPlainFfm"),
    ("getpid: LAZY / plain FFM capturing errno, as laio must", "getpidLazy", "getpidPlainFfmErrno"),
    ("cached 4 KiB pread: LAZY / plain FFM (goal <= 1.15)", "preadCachedLazy", "preadCachedPlainFfm"),
    ("cached 4 KiB pread: EAGER round trip / LAZY (goal >= 3)", "preadCachedEagerRoundTrip", "preadCachedLazy"),
    ("getpid: EAGER round trip / plain FFM (thesis: 7.6x)", "getpidEagerRoundTrip", "getpidPlainFfm"),
    ("background round trip: TPE+Selector.wakeup / laio (goal >= 2)", "threadPoolAndSelectorWakeup", "laioEagerEvents"),
    ("pipe, byte present: POSIX AIO / LAZY (paper: 3.2x)", "presentAio", "presentLazy"),
    ("pipe, byte present: LAZY / non-blocking read", "presentLazy", "presentNonblocking"),
    ("pipe, byte absent: LAZY / POSIX AIO", "absentLazy", "absentAio"),
    ("pipe, byte absent: LAZY / non-blocking read + poll", "absentLazy", "absentNonblocking"),
    ("16 cached preads: LaioBatch DEFERRED / 16 plain (goal <= 0.35)", "batch16ApiDeferred", "batch16Plain"),
    ("16 cached preads: LaioBatch LAZY (enter at submit) / 16 plain", "batch16ApiLazy", "batch16Plain"),
    ("16 cached preads: syscall() DEFERRED + 16 events / 16 plain", "batch16Deferred", "batch16Plain"),
]
print()
for label, a, b in ratios:
    x, y = find(a), find(b)
    if x and y:
        print(f"{label:70} {x / y:6.2f}x")

# the peers benchmarks (io.laio.bench.peers): laio's best variant over each of Netty's, per benchmark
# (time per operation, so a ratio above 1 means laio's is faster)
peer_groups = defaultdict(dict)
for k, v in med.items():
    if "Peers" in k and "(" in k:
        base, params = k.split("(", 1)
        variant = params.rstrip(")").split("=", 1)[1]
        peer_groups[base][variant] = v
if peer_groups:
    print()
    print(f"{'peers: laio best over the peer (time ratio, >1 = laio faster)':70}")
    for base in sorted(peer_groups):
        g = peer_groups[base]
        laio = {v: s for v, s in g.items() if v.startswith("laio")}
        if not laio:
            continue
        best = min(laio, key=laio.get)
        for v, s in sorted(g.items()):
            if not v.startswith("laio"):
                print(f"{base + ': ' + best + ' over ' + v:70} {s / laio[best]:6.2f}x")
