-- @include keys, waiting
-- Ids grouped by priority, in first-seen order, so each list gets one push: groups[n] is the n-th
-- priority seen, groups[priority] its ids.
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
