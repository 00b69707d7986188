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

# One loop against two: thttpd laio-laio on one and on two loops (one SO_REUSEPORT listener per
# loop) beside nginx with one and two worker processes, same trace, load generator, warm-ups and
# phases as macro.sh (warm and cold by default; "big" adds the larger-than-memory phase). The load
# generator shares the machine, so on a 2-core machine two loops compete with it for the cores:
# the 1 -> 2 gain here is a lower bound of what a machine with cores to spare would show.
# Everything listens on 127.0.0.1 only.
# Usage: benchmarks/loops.sh [RUNS=3] [SCALE=0.03] [CLIENTS=16,64,256] [BIG_SCALE=0.1]
# The same as: PAGE=loops PORT=18082 PHASES="warm cold" SERVERS="laio-laio laio-laio~--loops~2 nginx-1w nginx-2w" benchmarks/macro.sh ...
# A/B of thttpd options: a label MODE~ARG~... runs thttpd --mode MODE ARG ... (common.sh start()), e.g.
#   SERVERS="laio-laio~--loops~2 laio-laio~--loops~2~--helper-spin~0~--loop-spin~0 nginx-2w" PHASES=cold benchmarks/loops.sh 2 0.03 64,256
# and the summary compares each such label with nginx-2w and laio-laio~--loops~2.
# Results: benchmarks/results/loops/ and docs/benchmarks/loops.md (by loops_summary.py: medians,
# 2 loops over nginx with 2 workers, and each server's gain from 1 to 2).
set -euo pipefail
cd "$(dirname "$0")/.."
PAGE=loops PORT=${PORT:-18082} PHASES=${PHASES:-warm cold} \
  SERVERS=${SERVERS:-laio-laio laio-laio~--loops~2 nginx-1w nginx-2w} \
  exec benchmarks/macro.sh "${1:-3}" "${2:-0.03}" "${3:-16,64,256}" "${@:4}"
