-- wrk script for bench/points.sh: POST a 1-point burn on DANGOL_DATE for a customer drawn
-- uniformly from C00000001 .. C<N> (N from DANGOL_CUSTOMERS). With DANGOL_RATE = R > 0 each of
-- the DANGOL_CONNECTIONS connections waits a random 0 .. 2 C/R ms before its next request (about
-- R requests a second in all, less the answers' own time).
local n = tonumber(os.getenv("DANGOL_CUSTOMERS") or "100000")
local date = os.getenv("DANGOL_DATE") or "2024-06-01"
math.randomseed(os.time())
local body = string.format('{"points": 1, "date": "%s"}', date)
request = function()
  return wrk.format("POST", string.format("/api/customers/C%08d/points/burn", math.random(1, n)),
                    { ["Content-Type"] = "application/json" }, body)
end
local rate = tonumber(os.getenv("DANGOL_RATE") or "0")
if rate > 0 then
  local mean = tonumber(os.getenv("DANGOL_CONNECTIONS") or "32") * 1000 / rate
  delay = function() return math.random(0, math.floor(2 * mean)) end
end
