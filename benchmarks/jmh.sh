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

# Runs laio's JMH benchmarks RUNS times (default 3) and prints the median of each score with
# ratios against the baselines measured in the same runs. Usage:
#   benchmarks/jmh.sh [RUNS] [JMH regex]
# Needs JDK 25 (JAVA_HOME or /usr/lib/jvm/*25*) and python3. Results: benchmarks/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
REGEX=${2:-'io.laio.bench.(core.LoopBenchmark|laio.SyscallBenchmark|laio.RoundTripBenchmark)'}
. benchmarks/common.sh
use_jdk25
mvn -B -q package -DskipTests
mkdir -p benchmarks/results
for i in $(seq 1 "$RUNS"); do
  "$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar "$REGEX" -prof gc \
    -rf json -rff "benchmarks/results/run$i.json" > "benchmarks/results/run$i.txt" 2>&1
done
python3 benchmarks/summarize.py benchmarks/results/run*.json
