-- @include state_key
-- Takes a job out of whatever index it is in.
local function unindex(jkey)
  local state, m = unpack(redis.call('HMGET', jkey, 's', 'm'))
  if state and m and STATE_KEY[state] then redis.call('ZREM', STATE_KEY[state], m) end
  return state
end
