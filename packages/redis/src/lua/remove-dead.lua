-- Remove up to N dead jobs, oldest first (what retry-dead.lua does with id '', but deleting).
-- @include keys
-- KEYS: the queue keys (see includes/keys.lua).
-- ARGV: [1] job prefix, [2] most jobs to remove
-- Returns how many jobs were removed. Only jobs whose hash still says dead are touched.
-- Every job hash is read before the first write: a wrong-typed one refuses the call and changes nothing.
local members, keys = {}, {}
for _, m in ipairs(redis.call('ZRANGE', K.dead, 0, tonumber(ARGV[2]) - 1)) do
  local id = string.sub(m, 18)
  local state, current = unpack(redis.call('HMGET', JOB .. id, 's', 'm'))
  if state == 'dead' then
    -- The member the hash names is the one in the dead index (they match unless the record was damaged).
    members[#members + 1] = current or m
    keys[#keys + 1] = JOB .. id
    keys[#keys + 1] = PAYLOAD .. id
  end
end
for i = 1, #members, 4000 do redis.call('ZREM', K.dead, unpack(members, i, math.min(i + 3999, #members))) end
for i = 1, #keys, 4000 do redis.call('DEL', unpack(keys, i, math.min(i + 3999, #keys))) end
return #members
