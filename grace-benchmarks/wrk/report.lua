-- What every Grace wrk script prints at the end, shared through require("report") (each script puts this folder on
-- package.path): the statuses counted by the threads' response() merged into one table, and the lines
-- "grace-wrk: socket_errors ..." and "grace-wrk: statuses 200=... 202=..." that the benchmarks' programs read.

local report = {}

-- Sums the per-thread table named `name` (status or kind -> count) of every thread.
function report.merge(threads, name)
   local merged = {}
   for _, thread in ipairs(threads) do
      for key, n in pairs(thread:get(name)) do
         merged[key] = (merged[key] or 0) + n
      end
   end
   return merged
end

-- Prints wrk's socket errors and the merged statuses in ascending order.
function report.errors_and_statuses(summary, statuses)
   local e = summary.errors
   io.write(string.format("grace-wrk: socket_errors connect=%d read=%d write=%d timeout=%d\n",
      e.connect, e.read, e.write, e.timeout))
   local codes, line = {}, {}
   for status in pairs(statuses) do
      codes[#codes + 1] = status
   end
   table.sort(codes)
   for _, status in ipairs(codes) do
      line[#line + 1] = status .. "=" .. statuses[status]
   end
   io.write("grace-wrk: statuses " .. table.concat(line, " ") .. "\n")
end

return report
