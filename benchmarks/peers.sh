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

# thttpd beside the Java peers: benchmarks/macro.sh with the thttpd example (laio-laio, nb-b) beside
# static-file servers on Netty (epoll and io_uring, DefaultFileRegion bodies; each with the file work
# on the loop and with it on a DefaultEventExecutorGroup, -be: --blocking-executor) and on Vert.x
# (StaticHandler, caching off; its defaults, and -async: setAlwaysAsyncFS), and nginx with one
# worker for reference; their start commands are in common.sh's start(). Same trace, load generator,
# untimed warm-up replays and phases as macro.sh: warm, cold, and larger than memory (a berkeley data
# set served by servers in a child memory cgroup v1 limited to BIG_LIMIT_MB). Every server runs one
# event loop. Everything listens on 127.0.0.1 only.
# Usage: benchmarks/peers.sh [RUNS=3] [SCALE=0.03] [CLIENTS=1,16,64,256,512] [BIG_SCALE=0.1]
#   SERVERS="laio-laio netty-epoll" PHASES="warm" benchmarks/peers.sh 1 ...   (a subset)
# The same as: PAGE=peers PORT=18081 SERVERS="nb-b laio-laio netty-epoll ..." benchmarks/macro.sh 3 0.03
# Results: benchmarks/results/peers/ (CSV per phase and run, loadgen.log, server logs) and
# docs/benchmarks/peers.md (by peers_summary.py: medians, laio's best mode over each peer, the issue's goals).
set -euo pipefail
cd "$(dirname "$0")/.."
PAGE=peers PORT=${PORT:-18081} \
  SERVERS=${SERVERS:-nb-b laio-laio netty-epoll netty-epoll-be netty-io_uring netty-io_uring-be vertx-epoll vertx-epoll-async nginx-1w} \
  exec benchmarks/macro.sh "${1:-3}" "${2:-0.03}" "${@:3}"
