-- Renew leases held with the given tokens.
-- KEYS: the queue keys (see lib.lua).
-- ARGV: [1] job prefix, [2] lease ms, then per job 2 values: id, token
-- Returns one 1 (ok) or 0 (lost) per job.
local now = now_ms()
local lease_until = now + tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV, 2 do
  local jkey = JOB .. ARGV[i]
  if held(jkey, ARGV[i + 1]) then
    redis.call('ZADD', K.active, 'XX', lease_until, redis.call('HGET', jkey, 'm'))
    redis.call('HSET', jkey, 'lu', int(lease_until))
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
