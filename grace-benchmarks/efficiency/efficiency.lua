-- wrk script of the efficiency benchmark (issue #15); grace-benchmarks/efficiency/run.sh passes the arguments:
--   wrk ... -s efficiency.lua URL -- <credential kind> <path> [<file of credentials, one a line>]
-- kind "cookie": each request carries the next credential as the grace_access cookie (a browser's session);
-- kind "bearer": as Authorization: Bearer; kind "none": no credential (the hello, and the 401 without a token).
-- (A file, because 300 access tokens in one argument exceed Linux's 128 KiB limit for one.)
-- Requests go round the credentials, one user after another, so that no user's own rate limit is reached. Every
-- request is formatted once in init(): wrk shares the two cores with the server, and its cost must be the same
-- for Grace and the hello. done() prints lines starting "efficiency-wrk:" that the benchmark program reads.

local threads = {}

function setup(thread)
   thread:set("id", #threads + 1)
   threads[#threads + 1] = thread
end

local prepared, next_index

function init(args)
   local kind, path = args[1], args[2]
   prepared = {}
   if kind == "none" then
      prepared[1] = wrk.format("GET", path)
   else
      for credential in io.lines(args[3]) do
         local headers
         if kind == "cookie" then
            headers = { Cookie = "grace_access=" .. credential }
         else
            headers = { Authorization = "Bearer " .. credential }
         end
         prepared[#prepared + 1] = wrk.format("GET", path, headers)
      end
   end
   -- Threads start at different users.
   next_index = (id * 7919) % #prepared
   statuses = {}
end

function request()
   next_index = next_index % #prepared + 1
   return prepared[next_index]
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   io.write(string.format("efficiency-wrk: requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
      summary.requests, summary.requests / seconds, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000))
   local e = summary.errors
   io.write(string.format("efficiency-wrk: socket connect=%d read=%d write=%d timeout=%d\n",
      e.connect, e.read, e.write, e.timeout))
   local merged, codes = {}, {}
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do
         if merged[status] == nil then
            codes[#codes + 1] = status
         end
         merged[status] = (merged[status] or 0) + n
      end
   end
   table.sort(codes)
   local parts = {}
   for _, status in ipairs(codes) do
      parts[#parts + 1] = status .. "=" .. merged[status]
   end
   io.write("efficiency-wrk: statuses " .. table.concat(parts, " ") .. "\n")
end
