-- A page of waiting job ids: the waiting lists in the order fetch takes them (highest priority first, oldest
-- first), then the lanes' jobs (lanes.lua) lane by lane in turn order; reads only.
-- @include keys
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it). ARGV: [1] waiting-list prefix, [2] offset, [3] limit.
local skip, want = tonumber(ARGV[2]), tonumber(ARGV[3])
local ids = {}
for _, priority in ipairs(redis.call('ZRANGE', K.priorities, 0, -1)) do
  if want <= 0 then break end
  local key = WAITING .. priority
  local length = redis.call('LLEN', key)
  if skip >= length then
    skip = skip - length
  else
    for _, id in ipairs(redis.call('LRANGE', key, skip, skip + want - 1)) do ids[#ids + 1] = id end
    want = want - (math.min(length, skip + want) - skip)
    skip = 0
  end
end
local flow = string.sub(WAITING, 1, -9)
for _, lane in ipairs(want > 0 and redis.call('ZRANGE', flow .. 'lanes', 0, -1) or {}) do
  if want <= 0 then break end
  local key = flow .. 'lane:' .. lane
  local length = redis.call('ZCARD', key)
  if skip >= length then
    skip = skip - length
  else
    for _, member in ipairs(redis.call('ZRANGE', key, skip, skip + want - 1)) do ids[#ids + 1] = string.match(member, '^[^:]*:(.*)$') end
    want = want - (math.min(length, skip + want) - skip)
    skip = 0
  end
end
return ids
