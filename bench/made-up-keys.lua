-- Row 5: a flood of invalid credentials. Rotates through the well-formed (valid checksum) but
-- unknown keys in $BENCH_KEYS_FILE, the worst case: each one costs an HMAC and, once a second,
-- an index lookup.
local keys = {}
local i = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_KEYS_FILE")) do
    keys[#keys + 1] = line
  end
  i = math.random(#keys)
end

function request()
  i = i % #keys + 1
  return wrk.format("GET", nil, { ["x-api-key"] = keys[i] })
end
