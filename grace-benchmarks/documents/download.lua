-- One document downloaded over and over, for wrk (DocumentsBenchmark passes the arguments):
--   wrk ... -s download.lua URL -- <access token> <content path> <size in bytes>
-- Every request is the same authorised GET of the document's bytes (no If-None-Match, so always the whole file).
-- An answer counts as good only if it is a 200 carrying exactly <size> bytes. done() prints lines starting
-- "grace-wrk:" (requests, MB/s, p50/p95/p99/max; socket errors; statuses; answers of the wrong length) that the
-- benchmark reads.

package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../wrk/?.lua;" .. package.path
local report = require("report")

local threads = {}

function setup(thread)
   threads[#threads + 1] = thread
end

local request_text, size

function init(args)
   request_text = wrk.format("GET", args[2], { Authorization = "Bearer " .. args[1] })
   size = tonumber(args[3])
   statuses = {}
   wrong_length = 0
end

function request()
   return request_text
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if status == 200 and #body ~= size then
      wrong_length = wrong_length + 1
   end
end

function done(summary, latency, requests)
   local wrong = 0
   for _, thread in ipairs(threads) do
      wrong = wrong + thread:get("wrong_length")
   end
   local seconds = summary.duration / 1e6
   io.write(string.format("grace-wrk: requests=%d seconds=%.2f rps=%.1f mbps=%.1f p50_ms=%.1f p95_ms=%.1f"
         .. " p99_ms=%.1f max_ms=%.1f\n", summary.requests, seconds, summary.requests / seconds,
      summary.bytes / seconds / 1048576, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000))
   report.errors_and_statuses(summary, report.merge(threads, "statuses"))
   io.write(string.format("grace-wrk: wrong_length=%d\n", wrong))
end
