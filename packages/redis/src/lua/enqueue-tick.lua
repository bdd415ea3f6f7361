-- Enqueue a schedule tick at most once: never a tick at or before the last one,
-- not while paused, not while the previous run is unfinished when overlap is off.
-- @include keys, guard, record, waiting, emit, wake
-- KEYS: [1] the queue's jobs hash (see includes/keys.lua), [2] the schedule's state hash (same hash tag).
-- ARGV: [1] waiting-list prefix, [2] tickAt ms, [3] overlap '1'|'0', then the job as in enqueue.lua:
--       [4] id, [5] name, [6] priority, [7] runAt, [8] enqueuedAt, [9] the record without state and attempt
-- Returns 'enqueued' | 'duplicate' | 'paused' | 'overlap' (and emits 'skipped' for the tick's job id).
-- Reads and key checks come before the first write: all or nothing.
local skey = KEYS[2]
local tick_at = tonumber(ARGV[2])
local paused, last_tick, last_job = unpack(redis.call('HMGET', skey, 'paused', 'lastTickAt', 'lastJobId'))
if paused == '1' then return 'paused' end
if last_tick and tick_at <= tonumber(last_tick) then return 'duplicate' end
local id, name, priority = ARGV[4], ARGV[5], ARGV[6]
local overlap = false
if ARGV[3] == '0' and last_job then
  local state = rec_read(redis.call('HGET', K.jobs, last_job))
  overlap = state == 'w' or state == 'l' or state == 'a'
end
if overlap then
  guard('events')
  redis.call('HSET', skey, 'lastTickAt', ARGV[2])
  emit('S', id, name, '0')
  return 'overlap'
end
if redis.call('HEXISTS', K.jobs, id) == 1 then
  redis.call('HSET', skey, 'lastTickAt', ARGV[2])
  return 'duplicate'
end
guard_waiting(priority)
guard('priorities', 'events', 'marker')
redis.call('HSET', skey, 'lastTickAt', ARGV[2], 'lastJobId', id)
redis.call('HSET', K.jobs, id, 'w' .. ARGV[9])
push_waiting(priority, { id })
emit('Q', id, name, '0')
wake()
return 'enqueued'
