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

# A/B of two builds of the thttpd example in one mode, alternating, on a warm rice trace.
# Usage: benchmarks/thttpd-ab.sh A.jar B.jar [MODE=laio-laio] [ROUNDS=3] [WORKLOAD_DIR]
# (WORKLOAD_DIR from `laio-examples.jar workload --profile rice --scale 0.05 --out DIR`; made if absent)
set -euo pipefail
A=$1; B=$2; MODE=${3:-laio-laio}; ROUNDS=${4:-3}; W=${5:-/tmp/laio-ab-rice}
. "$(dirname "$0")/common.sh"
use_jdk25
J="$JAVA_HOME/bin/java"
[ -d "$W/root" ] || "$J" -jar "$B" workload --profile rice --scale 0.05 --seed 1 --out "$W" > /dev/null
for round in $(seq 1 "$ROUNDS"); do
  for jar in "$A" "$B"; do
    loops=(); "$J" -jar "$jar" thttpd --help 2>&1 | grep -q -- --loops && loops=(--loops 1) # jars from before --loops run one loop
    "$J" -jar "$jar" thttpd --mode "$MODE" "${loops[@]}" --root "$W/root" --port 18093 > /dev/null 2>&1 & P=$!
    sleep 1.5
    "$J" -jar "$B" loadgen --workload "$W" --port 18093 --clients 16 --no-progress > /dev/null 2>&1 || true # JIT warm-up
    "$J" -jar "$B" loadgen --workload "$W" --port 18093 --warm --clients 16,64 --label "$(basename "$jar")" --no-progress 2>&1 \
      | grep -v warm-up | grep " clients "
    kill "$P"; wait "$P" 2>/dev/null || true
  done
done
