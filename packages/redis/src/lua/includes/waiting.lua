-- @include keys, record
-- Waiting jobs: one LIST of ids per priority, oldest first, and K.priorities, the priorities
-- that have a list (score -priority, so the highest comes first).

local function rec_priority(tags)
  return rec_tag(tags, 'P') or '0'
end

-- Reads (and so type-checks) the list of `priority` before a script's first write.
local function guard_waiting(priority)
  redis.call('LLEN', WAITING .. priority)
end

-- To the back of their priority's list (enqueue, promotion, retry).
local function push_waiting(priority, ids)
  for i = 1, #ids, 4000 do redis.call('RPUSH', WAITING .. priority, unpack(ids, i, math.min(i + 3999, #ids))) end
  redis.call('ZADD', K.priorities, -tonumber(priority), priority)
end
