-- @include unindex, place, int, emit
local function bury(jkey, id, name, attempt, now, err_json)
  unindex(jkey)
  place(jkey, id, 'dead', now)
  redis.call('HSET', jkey, 'fa', int(now))
  redis.call('HDEL', jkey, 't', 'lu')
  if err_json then emit('dead', id, name, attempt, now, 'e', err_json) else emit('dead', id, name, attempt, now) end
end
