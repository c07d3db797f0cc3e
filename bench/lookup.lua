-- wrk script for bench/http.sh: GET /api/customers/ID for IDs drawn uniformly from the demo store's
-- C00000001 .. C<N> (N from the environment variable DANGOL_CUSTOMERS), so each request is a real
-- point look-up rather than one cached row.
local n = tonumber(os.getenv("DANGOL_CUSTOMERS") or "20000")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", string.format("/api/customers/C%08d", math.random(1, n)))
end
