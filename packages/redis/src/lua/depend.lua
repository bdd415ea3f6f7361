-- Register jobs blocked on jobs of this queue (the side waited for, see includes/handover.lua).
-- @include keys, handover
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix, then per dependency 2 values: its id here, the blocked job as JSON [queue, id, index].
-- One that has not ended lists the blocked job among its dependents (once: registering again changes nothing);
-- one that ended, or is gone, gets a hand-over record at once, as if it ended now.
-- Returns how many hand-over records it wrote.
local ids = {}
for i = 2, #ARGV, 2 do ids[#ids + 1] = ARGV[i] end
local records = #ids <= 4000 and redis.call('HMGET', K.jobs, unpack(ids)) or nil
if not records then
  records = {}
  for i = 1, #ids, 4000 do
    for _, value in ipairs(redis.call('HMGET', K.jobs, unpack(ids, i, math.min(i + 3999, #ids)))) do records[#records + 1] = value end
  end
end
redis.call('HLEN', DEPENDENTS)
redis.call('HLEN', HANDOVER)
redis.call('HLEN', K.results)
local written = 0
local k = 0
for i = 2, #ARGV, 2 do
  k = k + 1
  local id, entry = ARGV[i], ARGV[i + 1]
  local state = records[k] and string.sub(records[k], 1, 1) or 'm'
  if state == 'b' or state == 'w' or state == 'l' or state == 'a' then
    local list = redis.call('HGET', DEPENDENTS, id)
    if not list then
      redis.call('HSET', DEPENDENTS, id, '[' .. entry .. ']')
    elseif not string.find(list, entry, 1, true) then
      redis.call('HSET', DEPENDENTS, id, string.sub(list, 1, -2) .. ',' .. entry .. ']')
    end
  else
    local result = state == 'c' and redis.call('HGET', K.results, id) or nil
    redis.call('HSET', HANDOVER, entry, state .. (result or ''))
    written = written + 1
  end
end
return written
