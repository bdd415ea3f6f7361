-- @include unindex, place, to_waiting, int, emit
local function retry_at(jkey, id, name, attempt, now, run_at)
  unindex(jkey)
  redis.call('HSET', jkey, 'ra', int(run_at))
  redis.call('HDEL', jkey, 't', 'lu')
  if run_at > now then place(jkey, id, 'delayed', run_at) else to_waiting(jkey, id) end
  emit('retrying', id, name, attempt, now, 'r', int(run_at))
end
