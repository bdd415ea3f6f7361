-- Hand leases back (graceful shutdown): waiting again at the job's old place, the try not counted.
-- KEYS: the queue keys (see lib.lua).
-- ARGV: [1] job prefix, then per job 2 values: id, token
-- Returns one 1 (ok) or 0 (lost) per job.
local out = {}
for i = 2, #ARGV, 2 do
  local id = ARGV[i]
  local jkey = JOB .. id
  if held(jkey, ARGV[i + 1]) then
    -- Back at its old place: the member it had while waiting still sorts it there.
    local m, attempt, priority = unpack(redis.call('HMGET', jkey, 'm', 'a', 'pr'))
    redis.call('ZREM', K.active, m)
    redis.call('ZADD', K.waiting, -tonumber(priority), m)
    redis.call('HSET', jkey, 's', 'waiting', 'a', math.max(0, tonumber(attempt) - 1))
    redis.call('HDEL', jkey, 't', 'lu')
    wake()
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
