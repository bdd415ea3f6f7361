-- Store a leased job's progress and report it.
-- @include keys, guard, record, emit
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix, [2] id, [3] token, [4] progress JSON
-- Returns 1 (ok) or 0 (lost).
local id = ARGV[2]
local rec = redis.call('HGET', K.jobs, id)
local state, attempt, tags, name = rec_read(rec)
if state ~= 'a' or rec_tag(tags, 'T') ~= ARGV[3] then return 0 end
guard('progress', 'events')
redis.call('HSET', K.progress, id, ARGV[4])
-- The flag tells fetch to read the progress hash for this job (a later try sees the last progress).
local flags = rec_tag(tags, 'X') or ''
if not string.find(flags, 'g', 1, true) then
  redis.call('HSET', K.jobs, id, rec_rewrite(rec, tags, 'a', attempt, ',X[^,]*', ',X' .. flags .. 'g'))
end
emit('P', id, name, tostring(attempt), ARGV[4])
return 1
