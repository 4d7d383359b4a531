-- Mixed traffic for wrk through the test fleet's load balancer, as one signed-in API client (GRACE_FLEET_TOKEN):
-- reads of the caller's profile (two-level cache), of the organisation's users (PostgreSQL) and of the health probe,
-- and an authenticated write (PATCH /api/auth/me, which also invalidates the cached profile on every instance).
-- done() prints one line: requests, errors (socket errors, timeouts and every answer that is not 2xx/3xx), p95.
local token = os.getenv("GRACE_FLEET_TOKEN") or ""
-- GRACE_FLEET_LOAD_MIX=reads sends only the three GETs (a fault whose promise is about GETs only).
local readsOnly = os.getenv("GRACE_FLEET_LOAD_MIX") == "reads"
-- GRACE_FLEET_LOAD_PAUSE_MS: each connection's pause between two requests (default 20: with wrk's 4 connections at
-- most 200 requests a second). A paced load is what a fleet sees, and it leaves the cores to the instances that a
-- deploy starts; 0 sends as fast as the fleet answers (the first runs did, and each Payara start then took minutes
-- on 2 cores).
local pauseMs = tonumber(os.getenv("GRACE_FLEET_LOAD_PAUSE_MS") or "20")
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function request()
  counter = counter + 1
  -- A new connection per request: nginx closes idle kept-alive client connections when it reloads (every drain
  -- and every weight change), and a request written at that moment fails in wrk, which, unlike browsers, never
  -- retries one. Seen in the first run: 3 read errors in 98,174 requests of a rolling deploy.
  local headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json", ["Connection"] = "close" }
  local kind = counter % (readsOnly and 3 or 4)
  if kind == 0 then
    return wrk.format("GET", "/api/auth/me", headers)
  elseif kind == 1 then
    return wrk.format("GET", "/api/users", headers)
  elseif kind == 2 then
    return wrk.format("GET", "/api/health", headers)
  end
  headers["Content-Type"] = "application/json"
  return wrk.format("PATCH", "/api/auth/me", headers, '{"displayName":"Fleet load ' .. (counter % 100) .. '"}')
end

function delay()
  return pauseMs
end

function response(status, headers, body)
  if status >= 400 then
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  local byStatus = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    if s then for code, n in pairs(s) do byStatus[code] = (byStatus[code] or 0) + n end end
  end
  local detail = ""
  for code, n in pairs(byStatus) do detail = detail .. " " .. code .. "x" .. n end
  io.write(string.format("LOAD requests=%d errors=%d p95=%.0fms seconds=%.1f socket=%d/%d/%d/%d statuses=[%s]\n",
    summary.requests, socket + e.status, latency:percentile(95) / 1000, summary.duration / 1e6,
    e.connect, e.read, e.write, e.timeout, detail))
end
