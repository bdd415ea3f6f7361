-- Cancel a job that has not ended: blocked (dependencies), waiting (in its list or lane), delayed or active -> cancelled (state k),
-- the reason kept as its last error. An active job's lease is void: its token is dropped, so the worker's
-- settle and extend find it lost; its worker hears of it on the wake channel ("c<id>", wake-subscriber.ts).
-- @include keys, now_ms, int, b36, guard, record, waiting, waiting_edit, lanes, finish, flags, failures, emit, wake, handover
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix, [2] id, [3] reason ('' for none)
-- Jobs blocked on it get hand-over records (handover.lua): the driver applies them after this call.
-- Returns 'cancelled', 'finished' (it had ended: nothing changed) or 'missing'.
local id, reason = ARGV[2], ARGV[3]
local rec = redis.call('HGET', K.jobs, id)
if not rec then return 'missing' end
local state, attempt, tags, name = rec_read(rec)
if state ~= 'w' and state ~= 'l' and state ~= 'a' and state ~= 'b' then return 'finished' end
local errors = redis.call('HGET', K.errors, id)
guard('delayed', 'active', 'events', 'finished')
local last = finish_read()
local now = now_ms()
EVENT_AT = int(now)

-- Out of its index first (freeing).
local freed = false
if state == 'w' and string.find(tags, ',L', 1, true) then
  lane_drop(lane_of(name, tags), rec_tag(tags, 'Q') or '0', id)
elseif state == 'w' then
  remove_waiting(rec_priority(tags), id)
elseif state == 'b' then
  redis.call('ZREM', FLOW .. 'blocked', id)
elseif state == 'l' then
  redis.call('ZREM', K.delayed, string.format('%016d:%s', tonumber(rec_tag(tags, 'Q')) or 0, id))
else
  redis.call('ZREM', K.active, id)
  freed = lane_stop(id, name, tags)
end
local err = { name = 'JobCancelledError', message = reason ~= '' and reason or 'cancelled', attempt = attempt, at = now }
redis.call('HSET', K.errors, id, append_error(errors, err))
redis.call('HSET', K.jobs, id, rec_rewrite(rec, tags, 'k', attempt, ',[TQFX][^,]*', ',F' .. b36(now) .. flags_of(tags, 'e')))
redis.call('ZADD', FLOW .. 'cancelled', string.format('%d', finish_give(last, now, 1)), id)
emit('K', id, name, int(attempt), cjson.encode(err))
handover(id, 'k')
if state == 'a' then redis.call('PUBLISH', WAKE_CHANNEL, 'c' .. id) end
-- A lane may have waited for this slot.
if freed then wake() end
return 'cancelled'
