-- wrk script for bench/points.sh: POST a 1-point burn on DANGOL_DATE for a customer drawn
-- uniformly from C00000001 .. C<N> (N from DANGOL_CUSTOMERS).
local n = tonumber(os.getenv("DANGOL_CUSTOMERS") or "100000")
local date = os.getenv("DANGOL_DATE") or "2024-06-01"
math.randomseed(os.time())
local body = string.format('{"points": 1, "date": "%s"}', date)
request = function()
  return wrk.format("POST", string.format("/api/customers/C%08d/points/burn", math.random(1, n)),
                    { ["Content-Type"] = "application/json" }, body)
end
