-- Remove a job in any state; an active job's worker then finds its lease lost.
-- @include keys, guard, record, waiting, waiting_edit, lanes, handover
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix, [2] id
-- A job removed before it ended hands 'missing' to the jobs blocked on it (handover.lua); a blocked job's
-- dependencies hash goes with it.
-- Returns 1 when a job was removed, else 0.
local id = ARGV[2]
local rec = redis.call('HGET', K.jobs, id)
if not rec then return 0 end
local state, _, tags, name = rec_read(rec)
guard('results', 'errors', 'progress')
if state == 'w' and string.find(tags, ',L', 1, true) then
  lane_drop(lane_of(name, tags), rec_tag(tags, 'Q') or '0', id)
elseif state == 'w' then
  guard_waiting(rec_priority(tags))
  remove_waiting(rec_priority(tags), id)
elseif state == 'l' then
  redis.call('ZREM', K.delayed, string.format('%016d:%s', tonumber(rec_tag(tags, 'Q')) or 0, id))
elseif state == 'a' then
  redis.call('ZREM', K.active, id)
  lane_stop(id, name, tags)
elseif state == 'c' then
  redis.call('ZREM', K.completed, id)
elseif state == 'd' then
  redis.call('ZREM', K.dead, id)
elseif state == 'x' then
  redis.call('ZREM', FLOW .. 'expired', id)
elseif state == 'k' then
  redis.call('ZREM', FLOW .. 'cancelled', id)
elseif state == 'b' then
  redis.call('ZREM', FLOW .. 'blocked', id)
end
-- A dependent's dependencies hash (tag D) goes with it.
if string.find(tags, ',D', 1, true) then redis.call('DEL', FLOW .. 'deps:' .. id) end
if state == 'w' or state == 'l' or state == 'a' or state == 'b' then handover(id, 'm') end
redis.call('HDEL', K.jobs, id)
redis.call('HDEL', K.results, id)
redis.call('HDEL', K.errors, id)
redis.call('HDEL', K.progress, id)
return 1
