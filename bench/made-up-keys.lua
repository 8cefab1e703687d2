-- Row 5: a flood of invalid credentials. Rotates through the well-formed (valid checksum) but
-- unknown keys in $BENCH_KEYS_FILE, the worst case: each one costs an HMAC and a cache lookup.
-- The requests are built once in init: wrk shares the two cores with OrgKeys, and formatting a
-- request per call cost wrk about 2 µs of CPU per request, a fifth of the gap to row 1.
local requests = {}
local i = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_KEYS_FILE")) do
    requests[#requests + 1] = wrk.format("GET", nil, { ["x-api-key"] = line })
  end
  i = math.random(#requests)
end

function request()
  i = i % #requests + 1
  return requests[i]
end
