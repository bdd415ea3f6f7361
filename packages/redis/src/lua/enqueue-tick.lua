-- Enqueue a schedule tick at most once: never a tick at or before the last one,
-- not while paused, not while the previous run is unfinished when overlap is off.
-- @include keys, now_ms, guard, emit, to_waiting
-- KEYS: the queue keys (see includes/keys.lua), then [11] the schedule's state hash (same hash tag).
-- ARGV: [1] job prefix, [2] tickAt ms, [3] overlap '1'|'0', then the job as in enqueue.lua ARGV[2..9]
-- Returns 'enqueued' | 'duplicate' | 'paused' | 'overlap' (and emits 'skipped' for the tick's job id).
-- Reads and key checks come before the first write: all or nothing.
local skey = KEYS[11]
local tick_at = tonumber(ARGV[2])
local paused, last_tick, last_job = unpack(redis.call('HMGET', skey, 'paused', 'lastTickAt', 'lastJobId'))
if paused == '1' then return 'paused' end
if last_tick and tick_at <= tonumber(last_tick) then return 'duplicate' end
local id = ARGV[4]
local jkey = JOB .. id
local overlap = false
if ARGV[3] == '0' and last_job then
  local state = redis.call('HGET', JOB .. last_job, 's')
  overlap = state == 'waiting' or state == 'delayed' or state == 'active'
end
if overlap then
  guard('events')
  redis.call('HSET', skey, 'lastTickAt', ARGV[2])
  emit('skipped', ARGV[4], ARGV[5], 0, now_ms())
  return 'overlap'
end
if redis.call('EXISTS', jkey) == 1 then
  redis.call('HSET', skey, 'lastTickAt', ARGV[2])
  return 'duplicate'
end
guard('waiting', 'seq', 'events', 'marker')
redis.call('HSET', skey, 'lastTickAt', ARGV[2], 'lastJobId', id)
redis.call('SET', PAYLOAD .. id, ARGV[6])
redis.call('HSET', jkey, 'n', ARGV[5], 'pr', ARGV[7], 'ma', ARGV[8], 'ra', ARGV[9], 'ea', ARGV[10], 'a', 0)
if ARGV[11] ~= '' then redis.call('HSET', jkey, 'sf', ARGV[11]) end
to_waiting(jkey, id)
emit('enqueued', id, ARGV[5], 0, now_ms())
return 'enqueued'
