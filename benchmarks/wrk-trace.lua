-- wrk script replaying the request paths of a laio trace (docs/loadgen.md: "<session> <path>"
-- lines, '#' comments), the independent client of benchmarks/slow-storage.sh.
--   wrk -t2 -c64 -d10s --timeout 30s -s benchmarks/wrk-trace.lua http://127.0.0.1:PORT/ -- TRACE THREADS
-- Connections are persistent (HTTP/1.1 keep-alive) and their count fixed (-c); thread k of
-- THREADS starts at the k-th fraction of the trace and walks it in order, wrapping around.
-- At the end one line for scripts:
--   WRK requests=N errors=N connect=N read=N write=N status=N timeout=N seconds=S bytes=N
--       mean_ms=X p50_ms=X p90_ms=X p99_ms=X max_ms=X
-- (bytes counts headers too; latency is wrk's: request written to response read.)
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  local file, threads = args[1], tonumber(args[2]) or 1
  if not file then
    error("usage: wrk ... -s wrk-trace.lua URL -- TRACE [THREADS]")
  end
  paths = {}
  for line in io.lines(file) do
    local p = line:match("^%s*%d+%s+(/%S*)")
    if p then
      paths[#paths + 1] = p
    end
  end
  if #paths == 0 then
    error("no request lines in " .. file)
  end
  n = #paths
  i = math.floor(n * (id or 0) / threads) -- index of the last path sent, 0-based
end

function request()
  i = i % n + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format(
    "WRK requests=%d errors=%d connect=%d read=%d write=%d status=%d timeout=%d seconds=%.3f bytes=%d " ..
    "mean_ms=%.3f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests, errors, e.connect, e.read, e.write, e.status, e.timeout, summary.duration / 1e6,
    summary.bytes, latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
