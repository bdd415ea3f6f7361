-- How many jobs a queue holds per state; reads only (so it also answers at maxmemory).
-- @include keys
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it). ARGV: [1] waiting-list prefix.
-- Returns { waiting, delayed, active, completed, dead, expired, cancelled, blocked }. Waiting counts the lanes' jobs (lanes.lua).
local waiting = 0
for _, priority in ipairs(redis.call('ZRANGE', K.priorities, 0, -1)) do
  waiting = waiting + redis.call('LLEN', WAITING .. priority)
end
local flow = string.sub(WAITING, 1, -9)
for _, lane in ipairs(redis.call('ZRANGE', flow .. 'lanes', 0, -1)) do
  waiting = waiting + redis.call('ZCARD', flow .. 'lane:' .. lane)
end
return { waiting, redis.call('ZCARD', K.delayed), redis.call('ZCARD', K.active), redis.call('ZCARD', K.completed), redis.call('ZCARD', K.dead),
  redis.call('ZCARD', flow .. 'expired'), redis.call('ZCARD', flow .. 'cancelled'), redis.call('ZCARD', flow .. 'blocked') }
