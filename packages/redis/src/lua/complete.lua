-- Complete leased jobs; a stale token changes nothing. Applies each job's retention.
-- KEYS: the queue keys (see lib.lua).
-- ARGV: [1] job prefix, then per job 5 values: id, token, result JSON,
--       keep age ms or '' ('remove' drops this job at once), keep count or ''
-- Returns one 1 (ok) or 0 (lost) per job.
local now = now_ms()
local out = {}
local TRIM_BOUND = 1000

local function drop(m)
  redis.call('ZREM', K.completed, m)
  redis.call('DEL', JOB .. string.sub(m, 18))
end

for i = 2, #ARGV, 5 do
  local id, token, result, age, count = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local jkey = JOB .. id
  local state, current, name, attempt, m = unpack(redis.call('HMGET', jkey, 's', 't', 'n', 'a', 'm'))
  if state == 'active' and current == token then
    redis.call('ZREM', K.active, m)
    emit('completed', id, name, attempt, now, { 'd', result })
    if age == 'remove' then
      redis.call('DEL', jkey)
    else
      -- A fresh member keeps completions of the same millisecond in finish order.
      -- The stale token stays: only an active job's token is ever honoured.
      local done = member(id)
      redis.call('ZADD', K.completed, now, done)
      redis.call('HSET', jkey, 's', 'completed', 'm', done, 'r', result, 'fa', int(now))
      if count ~= '' then
        local excess = redis.call('ZCARD', K.completed) - tonumber(count)
        if excess > 0 then
          for _, old in ipairs(redis.call('ZRANGE', K.completed, 0, math.min(excess, TRIM_BOUND) - 1)) do drop(old) end
        end
      end
      if age ~= '' then
        for _, old in ipairs(redis.call('ZRANGEBYSCORE', K.completed, '-inf', '(' .. int(now - tonumber(age)), 'LIMIT', 0, TRIM_BOUND)) do drop(old) end
      end
    end
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
