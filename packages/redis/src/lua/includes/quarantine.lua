-- @include keys, member, int, emit
-- Takes a corrupt job out of `index`: dead with the reason when its hash exists, else only the index entry goes.
-- Either way fetch goes on: one bad record never blocks a queue.
local function quarantine(index, m, jkey, id, reason, now)
  redis.call('ZREM', index, m)
  local err_json = cjson.encode({ name = 'CorruptJobError', message = 'corrupt job record: ' .. reason, attempt = 0, at = now })
  local name = ''
  if redis.call('TYPE', jkey)['ok'] == 'hash' then
    name = redis.call('HGET', jkey, 'n') or ''
    local dead_m = member(id)
    redis.call('ZADD', K.dead, now, dead_m)
    redis.call('HSET', jkey, 's', 'dead', 'm', dead_m, 'fa', int(now), 'a', 0, 'e', '[' .. err_json .. ']')
    redis.call('HDEL', jkey, 't', 'lu')
  end
  emit('dead', id, name, 0, now, 'e', err_json)
end
