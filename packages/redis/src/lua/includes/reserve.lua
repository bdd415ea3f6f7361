-- Reserves `count` numbers of a counter (K.seq) with one INCRBY; returns the one before the first.
local function reserve(counter, count)
  return tonumber(redis.call('INCRBY', counter, count)) - count
end
