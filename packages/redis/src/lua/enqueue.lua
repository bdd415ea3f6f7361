-- Enqueue one job unless its id exists (then nothing changes).
-- KEYS: the queue keys (see lib.lua).
-- ARGV: [1] job prefix, [2] id, [3] name, [4] payload JSON, [5] priority, [6] maxAttempts,
--       [7] runAt ms, [8] enqueuedAt ms, [9] scheduledFor ms or ''
-- Returns { created (1|0), state }.
local id = ARGV[2]
local jkey = JOB .. id
local existing = redis.call('HGET', jkey, 's')
if existing then return { 0, existing } end
local run_at, enqueued_at = tonumber(ARGV[7]), tonumber(ARGV[8])
redis.call('HSET', jkey, 'n', ARGV[3], 'p', ARGV[4], 'pr', ARGV[5], 'ma', ARGV[6], 'ra', ARGV[7], 'ea', ARGV[8], 'a', 0)
if ARGV[9] ~= '' then redis.call('HSET', jkey, 'sf', ARGV[9]) end
local now = now_ms()
-- Only a job the producer delayed waits for the server clock; an immediate one never does (clock skew).
if run_at > enqueued_at and run_at > now then
  place(jkey, id, 'delayed', run_at)
else
  to_waiting(jkey, id)
end
emit('enqueued', id, ARGV[3], 0, now)
return { 1, redis.call('HGET', jkey, 's') }
