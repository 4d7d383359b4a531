-- Grace's mixed HTTP workload for wrk (grace-benchmarks/http/run.sh passes the arguments):
--   wrk ... -s mixed.lua URL -- <staff token> <manager token> <resident ids a,b,...> <device credentials a,b,...>
-- Device credential i belongs to resident i. Of every 100 requests, on average:
--   10  GET   /api/health                          (no credential; PostgreSQL and Redis probed)
--   25  GET   /api/residents                       (staff access token: list of the facility's residents)
--   25  GET   /api/residents/{id}                  (staff access token)
--   20  PATCH /api/residents/{id}  {"room": ...}   (manager access token: a write, cache entry evicted, event sent)
--   20  POST  /api/residents/{id}/interactions     (the resident's companion-device credential: a transcript stored
--                                                   and its detection job enqueued in one transaction; 202)
-- Every answer is counted by status in response(); done() prints the merged counts with p50/p95/p99 (wrk's own
-- --latency table has no p95) in lines starting "grace-wrk:" that the benchmark's main program reads.

package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../wrk/?.lua;" .. package.path
local report = require("report")

local threads = {}

function setup(thread)
   thread:set("id", #threads + 1)
   threads[#threads + 1] = thread
end

local function split(s)
   local out = {}
   for part in string.gmatch(s, "[^,]+") do
      out[#out + 1] = part
   end
   return out
end

local staff, manager, residents, devices
local transcripts = {
   "Grace: Good morning, how did you sleep? Resident: Not bad at all, I had a cup of tea and watched the birds.",
   "Resident: My daughter is coming on Sunday with the grandchildren. Grace: That sounds lovely.",
   "Resident: I enjoyed the music this afternoon, we sang the old songs. Grace: Which one was your favourite?",
   "Grace: Would you like to hear the news? Resident: Yes please, and then the crossword.",
}

function init(args)
   staff = "Bearer " .. args[1]
   manager = "Bearer " .. args[2]
   residents = split(args[3])
   devices = split(args[4])
   statuses = {}
   sent = { health = 0, list = 0, read = 0, write = 0, transcript = 0 }
   math.randomseed(os.time() + id * 7919)
end

function request()
   local r = math.random(100)
   local i = math.random(#residents)
   local resident = residents[i]
   if r <= 10 then
      sent.health = sent.health + 1
      return wrk.format("GET", "/api/health")
   elseif r <= 35 then
      sent.list = sent.list + 1
      return wrk.format("GET", "/api/residents", { Authorization = staff })
   elseif r <= 60 then
      sent.read = sent.read + 1
      return wrk.format("GET", "/api/residents/" .. resident, { Authorization = staff })
   elseif r <= 80 then
      sent.write = sent.write + 1
      return wrk.format("PATCH", "/api/residents/" .. resident,
         { Authorization = manager, ["Content-Type"] = "application/json" },
         '{"room":"W' .. math.random(100, 199) .. '"}')
   else
      sent.transcript = sent.transcript + 1
      local text = transcripts[math.random(#transcripts)]
      return wrk.format("POST", "/api/residents/" .. resident .. "/interactions",
         { Authorization = "Bearer " .. devices[i], ["Content-Type"] = "application/json" },
         '{"text":"' .. text .. '"}')
   end
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local kinds = report.merge(threads, "sent")
   local seconds = summary.duration / 1e6
   io.write(string.format("grace-wrk: requests=%d seconds=%.2f rps=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f"
         .. " max_ms=%.1f\n", summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000))
   report.errors_and_statuses(summary, report.merge(threads, "statuses"))
   io.write(string.format("grace-wrk: sent health=%d list=%d read=%d write=%d transcript=%d\n",
      kinds.health, kinds.list, kinds.read, kinds.write, kinds.transcript))
end
