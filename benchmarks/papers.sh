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

# The thesis's open-stat and open-stat-read micro-benchmarks (Tables 3 and 4) over a rice-like
# trace: threads serving whole requests vs one event loop with requests in flight through LAIO
# (EAGER = liblaiogen, LAZY), 1 / 10 / 100 parallel, cold and warm; medians of RUNS runs into
# docs/benchmarks/papers.md beside the thesis's figures.
# Usage: benchmarks/papers.sh [RUNS=3] [SCALE=0.05]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
SCALE=${2:-0.05}
. benchmarks/common.sh
use_jdk25
mvn -B -q package -DskipTests
WORK=/tmp/laio-papers
rm -rf "$WORK"; mkdir -p "$WORK"
"$JAVA_HOME/bin/java" -jar examples/target/laio-examples.jar workload --profile rice --scale "$SCALE" --seed 1 --out "$WORK/rice" > /dev/null
{
  echo "# The thesis's open-stat and open-stat-read micro-benchmarks"
  echo
  echo "Machine: $(nproc) cores, kernel $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1). Rice-like trace at"
  echo "scale $SCALE. Reproduce: \`benchmarks/papers.sh $RUNS $SCALE\`. *threads*: N threads each serving whole"
  echo "requests with plain calls; *laio-eager*: one loop, N requests in flight, every call on one of N helpers"
  echo "(liblaiogen); *laio-lazy*: the same loop, calls inline unless the kernel would block."
  echo
  echo "The thesis (Linux 2.6, 245,820 requests, seconds; its \"liblaiogen\" is EAGER):"
  echo
  echo "| table | threads | no liblaiogen cold | warm | liblaiogen cold | warm |"
  echo "|---|---|---|---|---|---|"
  echo "| 3 open-stat | 1 / 10 / 100 | 6.12 / 5.54 / 5.06 | 2.09 / 1.88 / 1.92 | 12.47 / 11.66 / 11.03 | 8.41 / 6.00 / 7.94 |"
  echo "| 4 open-stat-read | 1 / 10 / 100 | 117.5 / 125.9 / 111.9 | 49.41 / 46.82 / 54.08 | 126.9 / 102.1 / 82.21 | 62.83 / 50.81 / 38.88 |"
  echo
  echo "Here:"
  echo
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
    io.laio.bench.papers.OpenStatRunner --workload "$WORK/rice" --runs "$RUNS"
} > docs/benchmarks/papers.md
echo "wrote docs/benchmarks/papers.md" >&2
