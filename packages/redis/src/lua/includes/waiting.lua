-- @include keys
-- Waiting jobs: one LIST of ids per priority, oldest first, and K.priorities, the priorities
-- that have a list (score -priority, so the highest comes first).

-- Reads (and so type-checks) the list of `priority` before a script's first write.
local function guard_waiting(priority)
  redis.call('LLEN', WAITING .. priority)
end

-- To the back of their priority's list (enqueue, promotion, retry).
local function push_waiting(priority, ids)
  for i = 1, #ids, 4000 do redis.call('RPUSH', WAITING .. priority, unpack(ids, i, math.min(i + 3999, #ids))) end
  redis.call('ZADD', K.priorities, -tonumber(priority), priority)
end

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

-- Groups ids by priority: push_all(groups) then writes each group with push_waiting.
local function group_add(groups, priority, id)
  local ids = groups[priority]
  if not ids then
    ids = {}
    groups[priority] = ids
    groups[#groups + 1] = priority
  end
  ids[#ids + 1] = id
end
local function guard_groups(groups)
  for _, priority in ipairs(groups) do guard_waiting(priority) end
  if #groups > 0 then redis.call('ZCARD', K.priorities) end
end
local function push_groups(groups)
  for _, priority in ipairs(groups) do push_waiting(priority, groups[priority]) end
end
