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

# Slow storage, both models of DESIGN §7 (round 2), beside macro.sh's warm/cold/larger-than-memory
# phases: thttpd in its four modes and nginx (one worker; one worker with aio threads) serve a
# berkeley data set several times the size of the memory cgroup they run in, from
#   fuse  a FUSE passthrough sleeping FUSE_LATENCY_US per read (benchmarks/slowfs, built here),
#   iops  the local disk, the servers' reads capped by the blkio throttle at IOPS_RATES reads/s,
# at 64 and 256 clients, measured by loadgen and by an independent client (wrk replaying the same
# trace, benchmarks/wrk-trace.lua); servers alternate within each run, RUNS runs per phase.
# Per server and client count: requests/s, p50/p99, storage reads per request (reads reaching
# slowfs; the cgroup's blkio reads), the server's RSS under load (VmRSS of its processes, sampled)
# and its page cache. A label SERVER@same is the "same page cache" variant: after the first half
# of its warm-up its cgroup limit is raised by its own RSS, so every @same server gets
# SLOW_LIMIT_MB of page cache whatever its footprint.
# Medians to benchmarks/results/slow-storage/ and docs/benchmarks/slow-storage.md.
# Needs root, /dev/fuse, cgroup v1 memory and blkio controllers (or v2 memory and io), nginx and
# wrk (installed from the system's packages when missing). Everything listens on 127.0.0.1 only.
#
# Usage: benchmarks/slow-storage.sh [RUNS=3] [SCALE=0.12] [CLIENTS=64,256]
# Environment (defaults): PHASES="fuse iops"  FUSE_LATENCY_US="2000" (e.g. "500 2000")
#   IOPS_RATES="500 2000"  SLOW_LIMIT_MB=256  DURATION=3 (s per measurement)  WARMUP=6 (s, at least)
#   WARMUP_MAX=60 (s: the warm-up goes on until the cgroup is 90% full and the JIT has settled, or this long)
#   TOOLS="loadgen wrk"  SERVERS="nb-b laio-laio nb-laio nb-amted nginx-1w nginx-1w-aio
#   laio-laio@same nginx-1w-aio@same"  SLOW_WORK=/var/tmp/laio-slow (on the disk to throttle)
#   PORT=18380
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
SCALE=${2:-0.12}
CLIENTS=${3:-64,256}
PHASES=${PHASES:-fuse iops}
FUSE_LATENCY_US=${FUSE_LATENCY_US:-2000}
IOPS_RATES=${IOPS_RATES:-500 2000}
LIMIT_MB=${SLOW_LIMIT_MB:-256}
DURATION=${DURATION:-3}
WARMUP=${WARMUP:-6}
WARMUP_MAX=${WARMUP_MAX:-60}
TOOLS=${TOOLS:-loadgen wrk}
read -r -a SERVERS <<< "${SERVERS:-nb-b laio-laio nb-laio nb-amted nginx-1w nginx-1w-aio laio-laio@same nginx-1w-aio@same}"
WORK=${SLOW_WORK:-/var/tmp/laio-slow}
PORT=${PORT:-18380}
OUT=benchmarks/results/slow-storage
. benchmarks/common.sh
use_jdk25
fail() { echo "slow-storage: $*" >&2; exit 1; }

# ---- what the phases need, checked before anything runs
[ "$(id -u)" = 0 ] || fail "must run as root (mounts FUSE, makes cgroups)"
for p in $PHASES; do [[ $p == fuse || $p == iops ]] || fail "unknown phase '$p' (PHASES: fuse, iops)"; done
install_pkg() { # command package
  command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ] && return 0
  echo "installing $2 from the system's packages" >&2
  (apt-get install -y "$2" >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y "$2" >/dev/null)) \
    || fail "cannot install $2"
}
install_pkg nginx nginx
install_pkg ss iproute2
[[ " $TOOLS " == *" wrk "* ]] && install_pkg wrk wrk
if [[ " $PHASES " == *" fuse "* ]]; then
  [ -c /dev/fuse ] || fail "no /dev/fuse: the fuse phase needs the fuse kernel module (modprobe fuse) or PHASES=iops"
  SLOWFS=$(benchmarks/slowfs/build.sh) || fail "cannot build benchmarks/slowfs"
fi
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then # cgroup v2 (unified): one directory, memory and io
  CGV=2
  for c in memory io; do grep -qw "$c" /sys/fs/cgroup/cgroup.controllers || fail "cgroup v2 without the $c controller"; done
  CG_PARENT=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
  MEMCG=$CG_PARENT/laio-slow-$$; BLKCG=$MEMCG
else
  CGV=1
  [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ] || fail "no cgroup v1 memory controller at /sys/fs/cgroup/memory (nor cgroup v2)"
  MEMCG=/sys/fs/cgroup/memory$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)/laio-slow-$$
  BLKCG=/sys/fs/cgroup/blkio$(sed -n 's/^[0-9]*:blkio://p' /proc/self/cgroup)/laio-slow-$$
  BLKCG=${BLKCG/\/\//\/}
  if [[ " $PHASES " == *" iops "* ]]; then
    [ -f /sys/fs/cgroup/blkio/blkio.throttle.read_iops_device ] || fail "no cgroup v1 blkio throttle at /sys/fs/cgroup/blkio"
  fi
fi
MEMCG=${MEMCG/\/\//\/}

# ---- clean-up, whatever happens: the server, the sampler, slowfs, the cgroups
# clients run in the background, so that a signal is taken at once
PID=""; SAMPLER=""; WARM_PID=""; CLIENT_PID=""; FUSE_PID=""; MNT="$WORK/mnt"
cleanup() {
  set +e
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
  [ -n "$WARM_PID" ] && kill "$WARM_PID" 2>/dev/null
  [ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  unmount_fuse
  for g in "$MEMCG" "$BLKCG"; do
    if [ -d "$g" ]; then
      while read -r p; do kill "$p" 2>/dev/null; done < "$g/cgroup.procs"; sleep 0.2
      rmdir "$g" 2>/dev/null || echo "slow-storage: could not remove cgroup $g" >&2
    fi
  done
}
unmount_fuse() {
  if [ -n "$FUSE_PID" ]; then
    fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null
    wait "$FUSE_PID" 2>/dev/null; FUSE_PID=""
  fi
  if grep -q " $MNT fuse" /proc/mounts; then umount -l "$MNT"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- cgroups: memory (limit) and block I/O (throttle, read counters)
mkdir -p "$MEMCG" 2>/dev/null || fail "cannot create memory cgroup $MEMCG"
[ "$BLKCG" = "$MEMCG" ] || mkdir -p "$BLKCG" 2>/dev/null || fail "cannot create blkio cgroup $BLKCG"
if [ $CGV = 1 ]; then CGROUP="$MEMCG $BLKCG"; else CGROUP="$MEMCG"; fi
set_limit_mb() { # MB
  if [ $CGV = 1 ]; then echo $(($1 * 1024 * 1024)) > "$MEMCG/memory.limit_in_bytes"
  else echo $(($1 * 1024 * 1024)) > "$MEMCG/memory.max"; fi
}
set_limit_mb "$LIMIT_MB" || fail "cannot set the memory limit of $MEMCG"
empty_memcg() { # the page cache a stopped server left charged to the cgroup
  if [ $CGV = 1 ]; then echo 0 > "$MEMCG/memory.force_empty" 2>/dev/null || true
  else echo 0 > "$MEMCG/memory.reclaim" 2>/dev/null || true; fi
}
usage_mb() {
  if [ $CGV = 1 ]; then echo $(( $(cat "$MEMCG/memory.usage_in_bytes") / 1048576 ))
  else echo $(( $(cat "$MEMCG/memory.current") / 1048576 )); fi
}
limit_mb() {
  if [ $CGV = 1 ]; then echo $(( $(cat "$MEMCG/memory.limit_in_bytes") / 1048576 ))
  else echo $(( $(cat "$MEMCG/memory.max") / 1048576 )); fi
}
cgroup_full() { [ $(( $(usage_mb) * 10 )) -ge $(( $(limit_mb) * 9 )) ]; }
cache_mb() {
  if [ $CGV = 1 ]; then awk '$1=="cache"{printf "%.0f", $2/1048576}' "$MEMCG/memory.stat"
  else awk '$1=="file"{printf "%.0f", $2/1048576}' "$MEMCG/memory.stat"; fi
}
set_iops() { # RATE (0: no throttle)
  if [ $CGV = 1 ]; then
    echo "$MAJMIN $1" > "$BLKCG/blkio.throttle.read_iops_device"
  elif [ "$1" = 0 ]; then echo "$MAJMIN riops=max" > "$BLKCG/io.max"
  else echo "$MAJMIN riops=$1" > "$BLKCG/io.max"; fi
}
blk_reads() { # "reads bytes" of the cgroup on the data's disk
  if [ $CGV = 1 ]; then
    echo "$(awk -v d="$MAJMIN" '$1==d && $2=="Read"{print $3}' "$BLKCG/blkio.throttle.io_serviced") $(awk -v d="$MAJMIN" '$1==d && $2=="Read"{print $3}' "$BLKCG/blkio.throttle.io_service_bytes")" \
      | awk '{print ($1==""?0:$1), ($2==""?0:$2)}'
  else
    awk -v d="$MAJMIN" '$1==d{for(i=2;i<=NF;i++){split($i,kv,"="); v[kv[1]]=kv[2]}} END{print v["rios"]+0, v["rbytes"]+0}' "$BLKCG/io.stat"
  fi
}

# ---- the data set, the trace cut into segments (warm-up, then one per measurement)
mkdir -p "$WORK" "$OUT" "$MNT"
DEV=$(findmnt -no SOURCE -T "$WORK" | tail -1)
if [[ " $PHASES " == *" iops "* ]]; then
  [ -b "$DEV" ] || fail "$WORK is on $DEV, not a block device: set SLOW_WORK to a directory on a disk"
  PK=$(lsblk -no PKNAME "$DEV" 2>/dev/null | head -1); [ -n "$PK" ] && DEV=/dev/$PK # throttle the whole disk
  MAJMIN=$(lsblk -dno MAJ:MIN "$DEV" | tr -d ' ')
  echo "data on $DEV ($MAJMIN); servers' memory cgroup $LIMIT_MB MB" >&2
fi

rm -f "$OUT"/run*.csv "$OUT"/median.csv "$OUT"/*.log
mvn -B -q package -DskipTests
cp examples/target/laio-examples.jar "$WORK/"
JAR=(env "$JAVA_HOME/bin/java" -jar "$WORK/laio-examples.jar")
if ! [ -f "$WORK/data/.scale-$SCALE" ]; then
  rm -rf "$WORK/data"
  "${JAR[@]}" workload --profile berkeley --scale "$SCALE" --seed 3 --out "$WORK/data" > "$OUT/workload.txt"
  touch "$WORK/data/.scale-$SCALE"
fi
DATA_MB=$(du -sm "$WORK/data/root" | cut -f1)
awk "BEGIN{exit !($DATA_MB >= 2 * $LIMIT_MB)}" || echo "slow-storage: warning: data set ($DATA_MB MB) not several times the cgroup ($LIMIT_MB MB): raise SCALE" >&2
IFS=, read -r -a CLIENT_LIST <<< "$CLIENTS"
read -r -a TOOL_LIST <<< "$TOOLS"
NSEG=$((${#TOOL_LIST[@]} * ${#CLIENT_LIST[@]}))
# seg0.txt, the warm-ups': the first half of the trace; seg1.txt ... one per measurement: the
# second half cut into NSEG parts (at session boundaries), so no measurement replays what the
# warm-up or another measurement just read
awk -v k="$NSEG" -v dir="$WORK" '!/^#/ && NF>=2 {s[++n]=$1; p[n]=$2}
  END { half=int(n/2); per=(n-half)/k; seg=0; f=dir "/seg0.txt"; printf "" > f
        for (i=1; i<=n; i++) {
          if (i > half && s[i] != s[i-1] && (seg == 0 || (seg < k && i > half + seg*per))) { close(f); seg++; f=dir "/seg" seg ".txt"; printf "" > f }
          print s[i], p[i] > f } }' "$WORK/data/trace.txt"
# ---- measuring
drop_data() { # the data set out of the page cache, whoever's cgroup it is charged to
  sync
  python3 - "$WORK/data/root" <<'PY'
import os, sys
for d, _, fs in os.walk(sys.argv[1]):
    for f in fs:
        fd = os.open(os.path.join(d, f), os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
PY
}
rss_kb() { # VmRSS of the server and its children (nginx's workers)
  local t=0 p
  for p in "$PID" $(pgrep -P "$PID" 2>/dev/null); do
    t=$((t + $(awk '/^VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  echo "$t"
}
cpu_ticks() { # user + system CPU time of the server and its children (nginx's workers), in clock ticks
  local t=0 p
  for p in "$PID" $(pgrep -P "$PID" 2>/dev/null); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}
sample() { # every 0.25 s: "rss_kb cache_mb" lines
  while :; do echo "$(rss_kb) $(cache_mb)"; sleep 0.25; done
}
fuse_dump() { # SIGNAL: slowfs dumps its counters (and, on USR2, switches its latency), waited for
  local seq0; seq0=$(awk '{print $2}' "$WORK/slowfs.stats" 2>/dev/null || echo 0)
  kill -"$1" "$FUSE_PID" || fail "slowfs is gone (see $OUT/slowfs.log)"
  for _ in $(seq 1 100); do
    [ "$(awk '{print $2}' "$WORK/slowfs.stats" 2>/dev/null || echo 0)" != "$seq0" ] && return 0; sleep 0.02
  done
  fail "slowfs did not answer SIG$1"
}
storage_fast() { # on|off: the storage model at full speed (warm-up) or slowed (measurement)
  if [ "$MODEL" = fuse ]; then
    fuse_dump USR1
    local lat; lat=$(awk '{print $10}' "$WORK/slowfs.stats")
    if { [ "$1" = on ] && [ "$lat" != 0 ]; } || { [ "$1" = off ] && [ "$lat" = 0 ]; }; then fuse_dump USR2; fi
  elif [ "$1" = on ]; then set_iops 0
  else set_iops "$RATE"; fi
}
storage_reads() { # "reads bytes" so far, of the storage model in use
  if [ "$MODEL" = fuse ]; then
    fuse_dump USR1
    awk '{print $4, $6}' "$WORK/slowfs.stats"
  else
    blk_reads
  fi
}
field() { # CSV-FILE COLUMN -> the column's value in the last row
  awk -F, -v c="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==c) k=i; next} {v=$k} END{print v}' "$1" 2>/dev/null || echo 0
}
HEADER="phase,run,tool,label,clients,requests,errors,seconds,requests_per_s,mbit_per_s,mean_ms,p50_ms,p99_ms,max_ms,storage_reads,storage_read_mb,reads_per_request,rss_mb,cache_mb,cpu_us_per_request"
measure() { # phase run tool label clients segment
  local phase=$1 run=$2 tool=$3 label=$4 c=$5 seg=$6 r0 r1 req err sec rps mbit mean p50 p99 max
  r0=$(storage_reads); local cpu0; cpu0=$(cpu_ticks)
  sample > "$WORK/samples" & SAMPLER=$!
  rm -f "$WORK/m.csv"
  if [ "$tool" = loadgen ]; then
    "${JAR[@]}" loadgen --trace "$seg" --root "$SERVED" --port "$PORT" --clients "$c" --duration "$DURATION" \
      --label "$label" --csv "$WORK/m.csv" --no-progress >> "$OUT/loadgen.log" 2>&1 & CLIENT_PID=$!
    wait "$CLIENT_PID" || echo "$label: loadgen reported errors" >&2; CLIENT_PID=""
  else
    WRK_THREADS=2 WRK_LOG="$OUT/wrk.log" wrk_row "$label" "$c" "$phase" "$DURATION" "$seg" "$WORK/m.csv"
  fi
  [ -s "$WORK/m.csv" ] || echo "$label: no result from $tool (see $OUT/$tool.log)" >&2
  req=$(field "$WORK/m.csv" requests); err=$(field "$WORK/m.csv" errors); sec=$(field "$WORK/m.csv" seconds)
  rps=$(field "$WORK/m.csv" requests_per_s); mbit=$(field "$WORK/m.csv" mbit_per_s); mean=$(field "$WORK/m.csv" mean_ms)
  p50=$(field "$WORK/m.csv" p50_ms); p99=$(field "$WORK/m.csv" p99_ms); max=$(field "$WORK/m.csv" max_ms)
  kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=""
  r1=$(storage_reads)
  local rd rb rss cache cpu
  cpu=$(awk -v t="$(( $(cpu_ticks) - cpu0 ))" -v hz="$(getconf CLK_TCK)" -v r="$req" 'BEGIN{printf "%.0f", r ? t * 1e6 / hz / r : 0}')
  rd=$(( ${r1% *} - ${r0% *} )); rb=$(( ${r1#* } - ${r0#* } ))
  rss=$(sort -n "$WORK/samples" | awk '{v[NR]=$1} END{printf "%.0f", (NR ? v[NR] : 0)/1024}')   # max
  cache=$(awk '{c+=$2} END{printf "%.0f", NR ? c/NR : 0}' "$WORK/samples")                    # mean
  echo "$phase,$run,$tool,$label,$c,$req,$err,$sec,$rps,$mbit,$mean,$p50,$p99,$max,$rd,$(awk -v b="$rb" 'BEGIN{printf "%.1f", b/1048576}'),$(awk -v d="$rd" -v r="$req" 'BEGIN{printf "%.3f", r ? d/r : 0}'),$rss,$cache,$cpu" \
    >> "$OUT/run$run.csv"
  printf '  %-8s %-20s %4s clients: %8s req/s  p50 %7s ms  p99 %8s ms  %s reads/req  RSS %s MB  cache %s MB  CPU %s µs/req  errors %s\n' \
    "$tool" "$label" "$c" "$rps" "$p50" "$p99" "$(awk -v d="$rd" -v r="$req" 'BEGIN{printf "%.2f", r ? d/r : 0}')" "$rss" "$cache" "$cpu" "$err" >&2
}

run_server() { # phase run label
  local phase=$1 run=$2 label=$3 kind=${3%@same}
  [ -f "$OUT/run$run.csv" ] || echo "$HEADER" > "$OUT/run$run.csv"
  set_limit_mb "$LIMIT_MB"; empty_memcg
  [ "$(cache_mb)" -le 1 ] || echo "  warning: $(cache_mb) MB still cached in the cgroup before $label starts" >&2
  ROOT=$SERVED start "$kind"
  # untimed warm-up on the first half of the trace, from an empty cache (what the last server left
  # charged to the cgroup went with it, by empty_memcg), with the storage at full speed (slowfs'
  # latency off, no throttle): WARMUP seconds and then on until the cgroup is full (90% of its
  # limit; WARMUP_MAX seconds at most), so the cache reaches its steady state whatever the server
  # (at 500 reads/s filling it would take minutes), and the JIT compiles the server, the paths of
  # a miss included
  storage_fast on
  # Then, the cache full, with the storage slowed for at least 4 s and until the JIT has settled:
  # its compiler threads used under 5% of a core over the last 2 s. Without this a Java server
  # compiled its paths of a slow miss in the measurement: C1 and C2 took 30-45% of laio-laio's CPU
  # time in it on this machine, charged to its requests, which nginx's never are.
  warmed_up() { # (reads run_server's locals)
    [ "$el" -ge "$WARMUP_MAX" ] || { [ -n "$slow_at" ] && [ $((SECONDS - slow_at)) -ge 4 ] && [ $jit_quiet = 1 ]; }
  }
  local t0="" el=0 raised=0 jit_at=$SECONDS jit0 jit_quiet=0 slow_at=""; jit0=$(jit_ticks "$PID")
  while [ "$el" -lt "$WARMUP_MAX" ]; do
    "${JAR[@]}" loadgen --trace "$WORK/seg0.txt" --root "$SERVED" --port "$PORT" --clients 64 --duration "$WARMUP_MAX" \
      --label warm-up --no-progress >> "$OUT/warm-up.log" 2>&1 & WARM_PID=$!
    while kill -0 "$WARM_PID" 2>/dev/null; do
      sleep 0.5
      if [ -z "$t0" ]; then # the clock starts with the load, not with loadgen's JVM
        [ "$(ss -Htn state established "( dport = :$PORT )" | wc -l)" -gt 0 ] && t0=$SECONDS
        continue
      fi
      el=$((SECONDS - t0))
      if [ $((SECONDS - jit_at)) -ge 2 ]; then
        if jit_settled "$PID" "$jit0" $((SECONDS - jit_at)); then jit_quiet=1; else jit_quiet=0; fi
        jit0=$(jit_ticks "$PID"); jit_at=$SECONDS
      fi
      if [ "$label" != "$kind" ] && [ $raised = 0 ] && [ $((2 * el)) -ge "$WARMUP" ]; then
        # @same: the limit raised by the server's own RSS
        local rss; rss=$(( $(rss_kb) / 1024 )); raised=1
        set_limit_mb $((LIMIT_MB + rss))
        echo "  $label: RSS $rss MB, memory limit raised to $((LIMIT_MB + rss)) MB" >&2
      fi
      if [ -z "$slow_at" ] && [ "$el" -ge "$WARMUP" ] && cgroup_full; then
        storage_fast off; slow_at=$SECONDS; jit_quiet=0; jit0=$(jit_ticks "$PID"); jit_at=$SECONDS
      fi
      if warmed_up; then kill "$WARM_PID" 2>/dev/null || true; break; fi
    done
    wait "$WARM_PID" 2>/dev/null || true; WARM_PID=""
    [ -n "$t0" ] || fail "the warm-up's loadgen never connected to $label (see $OUT/warm-up.log)"
    el=$((SECONDS - t0))
    if warmed_up; then break; fi # (an && list last would end the loop, and set -e the script)
  done
  storage_fast off
  echo "  warm-up $el s under load ($([ -n "$slow_at" ] && echo "the last $((SECONDS - slow_at)) s" || echo "none") with the storage slowed): cgroup $(usage_mb) MB of $(limit_mb) MB, page cache $(cache_mb) MB, JIT $([ $jit_quiet = 1 ] && echo settled || echo 'still compiling')" >&2
  local s=1 tool c
  for tool in "${TOOL_LIST[@]}"; do
    for c in "${CLIENT_LIST[@]}"; do
      measure "$phase" "$run" "$tool" "$label" "$c" "$WORK/seg$s.txt"; s=$((s + 1))
    done
  done
  stop; PID=""
}

wait_for_port "$PORT" free || fail "port $PORT is in use: set PORT"
for phase in $PHASES; do
  if [ "$phase" = fuse ]; then
    for lat in $FUSE_LATENCY_US; do
      MODEL=fuse; SERVED=$MNT
      rm -f "$WORK/slowfs.stats"
      "$SLOWFS" "$WORK/data/root" "$MNT" -f -o "latency_us=$lat,allow_other,stats=$WORK/slowfs.stats,fsname=slowfs" \
        > "$OUT/slowfs.log" 2>&1 & FUSE_PID=$!
      for _ in $(seq 1 50); do grep -q " $MNT fuse" /proc/mounts && break; sleep 0.1; done
      grep -q " $MNT fuse" /proc/mounts || fail "slowfs did not mount $MNT (see $OUT/slowfs.log)"
      for run in $(seq 1 "$RUNS"); do
        for s in "${SERVERS[@]}"; do
          echo "fuse ${lat} us, run $run/$RUNS, $s" >&2
          run_server "fuse-${lat}us" "$run" "$s"
        done
      done
      unmount_fuse
    done
  else
    for rate in $IOPS_RATES; do
      MODEL=iops; SERVED=$WORK/data/root; RATE=$rate
      set_iops "$rate" || fail "cannot set the read IOPS limit of $BLKCG on $MAJMIN"
      drop_data # the pages slowfs or the workload writer left cached, charged to other cgroups
      for run in $(seq 1 "$RUNS"); do
        for s in "${SERVERS[@]}"; do
          echo "iops ${rate}/s, run $run/$RUNS, $s" >&2
          run_server "iops-$rate" "$run" "$s"
        done
      done
      set_iops 0 2>/dev/null || true
    done
  fi
done
mkdir -p docs/benchmarks
COMMAND="benchmarks/slow-storage.sh $RUNS $SCALE $CLIENTS" # with the settings that are not the defaults
for v in "PHASES=$PHASES=fuse iops" "FUSE_LATENCY_US=$FUSE_LATENCY_US=2000" "IOPS_RATES=$IOPS_RATES=500 2000" \
    "SLOW_LIMIT_MB=$LIMIT_MB=256" "DURATION=$DURATION=3" "WARMUP=$WARMUP=6" "WARMUP_MAX=$WARMUP_MAX=60" "TOOLS=$TOOLS=loadgen wrk" \
    "SERVERS=${SERVERS[*]}=nb-b laio-laio nb-laio nb-amted nginx-1w nginx-1w-aio laio-laio@same nginx-1w-aio@same"; do
  name=${v%%=*}; rest=${v#*=}; val=${rest%=*}; def=${rest##*=}
  [ "$val" = "$def" ] || COMMAND="$name='$val' $COMMAND"
done
python3 benchmarks/slow_storage_summary.py "$OUT" "$(nproc)" "$(uname -r)" "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)" \
  "$COMMAND" "$LIMIT_MB" "$DATA_MB" "$DURATION" "$WARMUP" > docs/benchmarks/slow-storage.md
echo "wrote docs/benchmarks/slow-storage.md" >&2
