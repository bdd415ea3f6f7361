-- Hand leases back (graceful shutdown): waiting again at the front of its priority, the try not counted.
-- @include keys, guard, many, record, waiting, waiting_groups, waiting_edit, wake, lanes
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix, then per job 2 values: id, token
-- Returns one 1 (ok) or 0 (lost) per job.
-- Every record is read and the other keys checked before the first write: all or nothing.
local ids = {}
for i = 2, #ARGV, 2 do ids[#ids + 1] = ARGV[i] end
local records = hmget_many(K.jobs, ids)
local out = {}
local back, settled, groups = {}, {}, {}
local k = 0
for i = 2, #ARGV, 2 do
  k = k + 1
  local id = ARGV[i]
  local state, _, tags = rec_read(records[k])
  if state == 'a' and not settled[id] and rec_tag(tags, 'T') == ARGV[i + 1] then
    settled[id] = true
    back[#back + 1] = k
    if not string.find(tags, ',L', 1, true) then group_add(groups, rec_priority(tags), id) end
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if #back == 0 then return out end
guard_groups(groups)
guard('active', 'marker')
local written, left = {}, {}
-- Backwards: each limited job goes ahead of its lane, so the last one placed is the first of the batch.
for b = #back, 1, -1 do
  local n = back[b]
  local rec = records[n]
  local _, attempt, tags, name = rec_read(rec)
  left[#left + 1] = ids[n]
  local w = #written
  if lane_stop(ids[n], name, tags) then
    written[w + 1], written[w + 2] = ids[n], lane_enter(ids[n], rec, tags, name, math.max(0, attempt - 1), true, ',T[^,]*')
  else
    written[w + 1], written[w + 2] = ids[n], rec_rewrite(rec, tags, 'w', math.max(0, attempt - 1), ',T[^,]*')
  end
end
call_many('ZREM', K.active, left)
call_many('HSET', K.jobs, written)
-- At the front: it was the oldest waiting job of its priority when it was fetched.
for _, priority in ipairs(groups) do push_front(priority, groups[priority]) end
wake()
return out
