-- Remove a job in any state; an active job's worker then finds its lease lost.
-- @include keys, unindex
-- KEYS: the queue keys (see includes/keys.lua).
-- ARGV: [1] job prefix, [2] id
-- Returns 1 when a job was removed, else 0.
local jkey = JOB .. ARGV[2]
if not unindex(jkey) then return 0 end
redis.call('DEL', jkey, PAYLOAD .. ARGV[2])
return 1
