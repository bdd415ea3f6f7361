local function zrem_many(key, members)
  for i = 1, #members, 4000 do redis.call('ZREM', key, unpack(members, i, math.min(i + 3999, #members))) end
end
