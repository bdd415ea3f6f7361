-- Many score/member pairs in as few calls as unpack allows.
local function zadd_many(key, pairs)
  for i = 1, #pairs, 4000 do redis.call('ZADD', key, unpack(pairs, i, math.min(i + 3999, #pairs))) end
end
