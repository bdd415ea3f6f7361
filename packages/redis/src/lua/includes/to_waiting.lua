-- @include place
local function to_waiting(jkey, id)
  place(jkey, id, 'waiting', -tonumber(redis.call('HGET', jkey, 'pr')))
end
