-- Store a leased job's progress and report it.
-- @include keys, now_ms, guard, emit
-- KEYS: the queue keys (see includes/keys.lua).
-- ARGV: [1] job prefix, [2] id, [3] token, [4] progress JSON
-- Returns 1 (ok) or 0 (lost).
local id = ARGV[2]
local jkey = JOB .. id
local state, current, name, attempt = unpack(redis.call('HMGET', jkey, 's', 't', 'n', 'a'))
if state ~= 'active' or current ~= ARGV[3] then return 0 end
guard('events')
redis.call('HSET', jkey, 'pg', ARGV[4])
emit('progress', id, name, attempt, now_ms(), 'd', ARGV[4])
return 1
