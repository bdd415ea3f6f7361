-- Move dead jobs back to waiting with fresh tries: one id, or (id '') up to N of them.
-- KEYS: the queue keys (see lib.lua).
-- ARGV: [1] job prefix, [2] id or '', [3] most jobs to move when id is ''
-- Returns how many jobs moved.
local now = now_ms()
local function revive(id)
  local jkey = JOB .. id
  if redis.call('HGET', jkey, 's') ~= 'dead' then return 0 end
  unindex(jkey)
  redis.call('HSET', jkey, 'a', 0, 'ra', int(now))
  redis.call('HDEL', jkey, 'fa')
  to_waiting(jkey, id)
  emit('enqueued', id, redis.call('HGET', jkey, 'n'), 0, now)
  return 1
end
if ARGV[2] ~= '' then return revive(ARGV[2]) end
local moved = 0
for _, m in ipairs(redis.call('ZRANGE', K.dead, 0, tonumber(ARGV[3]) - 1)) do
  moved = moved + revive(string.sub(m, 18))
end
return moved
