-- Hand leases back (graceful shutdown): waiting again at the job's old place, the try not counted.
-- @include keys, guard, wake
-- KEYS: the queue keys (see includes/keys.lua).
-- ARGV: [1] job prefix, then per job 2 values: id, token
-- Returns one 1 (ok) or 0 (lost) per job.
-- Every job hash is read and the other keys checked before the first write: all or nothing.
local out = {}
local back = {}
local settled = {}
for i = 2, #ARGV, 2 do
  local id = ARGV[i]
  local jkey = JOB .. id
  local state, current, m, attempt, priority = unpack(redis.call('HMGET', jkey, 's', 't', 'm', 'a', 'pr'))
  if state == 'active' and current == ARGV[i + 1] and not settled[id] then
    settled[id] = true
    back[#back + 1] = { jkey, m, attempt, priority }
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if #back == 0 then return out end
guard('active', 'waiting', 'marker')
for _, job in ipairs(back) do
  local jkey, m, attempt, priority = unpack(job)
  -- Back at its old place: the member it had while waiting still sorts it there.
  redis.call('ZREM', K.active, m)
  redis.call('ZADD', K.waiting, -tonumber(priority), m)
  redis.call('HSET', jkey, 's', 'waiting', 'a', math.max(0, tonumber(attempt) - 1))
  redis.call('HDEL', jkey, 't', 'lu')
end
wake()
return out
