-- @include state_key, member, wake
-- Puts a job into a state's index with a fresh member (so FIFO holds among equal scores).
local function place(jkey, id, state, score)
  local m = member(id)
  redis.call('ZADD', STATE_KEY[state], score, m)
  redis.call('HSET', jkey, 's', state, 'm', m)
  -- A new delayed job may be due sooner than idle workers elsewhere plan to wake: let them re-plan.
  if state == 'waiting' or state == 'delayed' then wake() end
end
