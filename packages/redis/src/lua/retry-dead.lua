-- Move dead jobs back to waiting with fresh tries: one id, or (id '') up to N of them.
-- @include keys, now_ms, b36, guard, many, record, waiting, waiting_groups, emit, wake
-- @lazy lanes
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix, [2] id or '', [3] most jobs to move when id is ''
-- Returns how many jobs moved.
-- Every record is read and the other keys checked before the first write: all or nothing.
local ids
if ARGV[2] ~= '' then
  ids = { ARGV[2] }
else
  ids = redis.call('ZRANGE', K.dead, 0, tonumber(ARGV[3]) - 1)
end
if #ids == 0 then return 0 end
local records = hmget_many(K.jobs, ids)
local dead, groups = {}, {}
for n, id in ipairs(ids) do
  local state, _, tags = rec_read(records[n])
  if state == 'd' then
    dead[#dead + 1] = n
    if not string.find(tags, ',L', 1, true) then group_add(groups, rec_priority(tags), id) end
  end
end
if #dead == 0 then return 0 end
guard_groups(groups)
guard('dead', 'events', 'marker')
local now = now_ms()
EVENT_AT = int(now)
local run_at = ',R' .. b36(now)
local moved, written = {}, {}
for _, n in ipairs(dead) do
  local id, rec = ids[n], records[n]
  local _, _, tags, name = rec_read(rec)
  moved[#moved + 1] = id
  local w = #written
  -- Fresh tries from now; the errors of the earlier ones stay.
  if string.find(tags, ',L', 1, true) then
    written[w + 1], written[w + 2] = id, lazy().lane_enter(id, rec, tags, name, 0, false, ',[TQFSR][^,]*', run_at)
  else
    written[w + 1], written[w + 2] = id, rec_rewrite(rec, tags, 'w', 0, ',[TQFSR][^,]*', run_at)
  end
  emit('Q', id, name, '0')
end
call_many('ZREM', K.dead, moved)
call_many('HSET', K.jobs, written)
push_groups(groups)
wake()
return #dead
