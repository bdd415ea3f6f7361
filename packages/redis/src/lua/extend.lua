-- Renew leases held with the given tokens.
-- @include keys, now_ms, int
-- KEYS: the queue keys (see includes/keys.lua).
-- ARGV: [1] job prefix, [2] lease ms, then per job 2 values: id, token
-- Returns one 1 (ok) or 0 (lost) per job.
-- Every job hash is read before the first write, the ZADD to active (which fails alone on a wrong type).
local now = now_ms()
local lease_until = now + tonumber(ARGV[2])
local out = {}
local renew = {}
for i = 3, #ARGV, 2 do
  local jkey = JOB .. ARGV[i]
  local state, current, m = unpack(redis.call('HMGET', jkey, 's', 't', 'm'))
  if state == 'active' and current == ARGV[i + 1] then
    renew[#renew + 1] = { jkey, m }
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
for _, job in ipairs(renew) do
  redis.call('ZADD', K.active, 'XX', lease_until, job[2])
  redis.call('HSET', job[1], 'lu', int(lease_until))
end
return out
