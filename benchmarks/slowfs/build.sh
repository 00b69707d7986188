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

# Builds benchmarks/slowfs/slowfs (the latency FUSE passthrough) with gcc and libfuse3, installing
# gcc, pkg-config, libfuse3-dev and fuse3 from the system's packages when they are missing.
# Usage: benchmarks/slowfs/build.sh [OUTPUT]   (default: benchmarks/slowfs/slowfs)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/slowfs}
need=()
command -v gcc >/dev/null || need+=(gcc)
command -v pkg-config >/dev/null || need+=(pkg-config)
[ -f /usr/include/fuse3/fuse.h ] || need+=(libfuse3-dev)
command -v fusermount3 >/dev/null || need+=(fuse3)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} from the system's packages" >&2
  (apt-get install -y "${need[@]}" >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y "${need[@]}" >/dev/null)) \
    || { echo "cannot install ${need[*]}: install them (Debian: apt-get install ${need[*]})" >&2; exit 1; }
fi
if [ ! -x "$out" ] || [ "$here/slowfs.c" -nt "$out" ]; then
  gcc -O2 -Wall -Wextra -Wno-unused-parameter -o "$out" "$here/slowfs.c" $(pkg-config --cflags --libs fuse3)
fi
echo "$out"
