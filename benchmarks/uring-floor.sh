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

# The floor of issue 17's two micro goals on this kernel and machine, measured in C with raw
# io_uring system calls (benchmarks/native/uring_floor.c): 16 cached 4 KiB reads as 16 preads,
# 16 preadv2(RWF_NOWAIT) and one io_uring_enter of 16 entries (by opcode, registered files and
# buffers, setup flags), and one cached read as pread, preadv2 and a one-entry ring. The file is
# 64 KiB of zeros in the directory UringLaioBenchmark's ZeroFile uses (java.io.tmpdir: /tmp),
# read once before the runs so that its pages are cached. Prints one table: ns per read (median
# over RUNS runs that interleave the variants, with the range) and the ratio to pread.
# Usage: benchmarks/uring-floor.sh [RUNS] [BATCHES]   (defaults 11 and 20000)
# Environment: CPU=N pins the run to CPU N (taskset); CLOCK=wall times the monotonic clock instead
# of the thread's CPU time; UF_ONE_THREAD=1 runs in a process of one thread (see the C source).
# Needs gcc (installed from the system's packages when missing) and a kernel with io_uring.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-11}
BATCHES=${2:-20000}
if ! command -v gcc >/dev/null; then
  echo "installing gcc from the system's packages" >&2
  (apt-get install -y gcc >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y gcc >/dev/null)) \
    || { echo "cannot install gcc (Debian: apt-get install gcc)" >&2; exit 1; }
fi
out=benchmarks/native/target
mkdir -p "$out"
gcc -O2 -Wall -Wextra -Werror -pthread -o "$out/uring_floor" benchmarks/native/uring_floor.c
file=$(mktemp "${TMPDIR:-/tmp}/laio-floor.XXXXXX.bin")
trap 'rm -f "$file"' EXIT
head -c 65536 /dev/zero > "$file"
cat "$file" > /dev/null
pin=()
if [ -n "${CPU:-}" ]; then
  pin=(taskset -c "$CPU")
fi
echo "kernel $(uname -r), $(df -T "$file" | awk 'NR == 2 { print $2 }') at $(dirname "$file"), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
"${pin[@]}" "$out/uring_floor" "$file" "$RUNS" "$BATCHES" "${CLOCK:-cpu}"
