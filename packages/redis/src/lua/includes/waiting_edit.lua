-- @include keys, waiting
-- To the front, keeping their order (a released lease: the job was at the front when it was fetched).
local function push_front(priority, ids)
  for i = #ids, 1, -1 do redis.call('LPUSH', WAITING .. priority, ids[i]) end
  redis.call('ZADD', K.priorities, -tonumber(priority), priority)
end

-- Out of the list (remove, cancel): O(length of the list), never on the hot path.
local function remove_waiting(priority, id)
  local key = WAITING .. priority
  redis.call('LREM', key, 1, id)
  if redis.call('LLEN', key) == 0 then redis.call('ZREM', K.priorities, priority) end
end
