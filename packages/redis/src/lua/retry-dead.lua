-- Move dead jobs back to waiting with fresh tries: one id, or (id '') up to N of them.
-- @include keys, now_ms, int, guard, unindex, to_waiting, emit
-- KEYS: the queue keys (see includes/keys.lua).
-- ARGV: [1] job prefix, [2] id or '', [3] most jobs to move when id is ''
-- Returns how many jobs moved.
-- Every job hash is read and the other keys checked before the first write: all or nothing.
local ids = {}
if ARGV[2] ~= '' then
  ids[1] = ARGV[2]
else
  for _, m in ipairs(redis.call('ZRANGE', K.dead, 0, tonumber(ARGV[3]) - 1)) do ids[#ids + 1] = string.sub(m, 18) end
end
local dead = {}
for _, id in ipairs(ids) do
  local state, name = unpack(redis.call('HMGET', JOB .. id, 's', 'n'))
  if state == 'dead' then dead[#dead + 1] = { id, name } end
end
if #dead == 0 then return 0 end
guard('dead', 'waiting', 'seq', 'events', 'marker')
local now = now_ms()
for _, job in ipairs(dead) do
  local id, name = job[1], job[2]
  local jkey = JOB .. id
  unindex(jkey)
  redis.call('HSET', jkey, 'a', 0, 'ra', int(now))
  redis.call('HDEL', jkey, 'fa')
  to_waiting(jkey, id)
  emit('enqueued', id, name, 0, now)
end
return #dead
