-- Enqueue jobs with dependencies into one queue, blocked (state b); a job whose id exists is left unchanged.
-- @include keys, guard, many, state_name, emit
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix, then per job 6 values: id, name, enqueuedAt ms, the record without its state
--       letter and attempt (as enqueue.lua takes it, with the D tag), its dependencies as JSON [[queue, id], ...],
--       how many.
-- Per blocked job, beside the queue's keys: deps:<id> HASH refs (that JSON), left (how many have not ended),
-- o<n> and r<n> the outcome letter and result of the n-th (0-based, unblock.lua writes them); and the
-- blocked ZSET, id by enqueuedAt. The driver registers the job with its dependencies afterwards (depend.lua).
-- Returns per job { created (1|0), state }, flattened.
local BASE = string.sub(WAITING, 1, -9)
local ids = {}
for i = 2, #ARGV, 6 do ids[#ids + 1] = ARGV[i] end
local existing = hmget_many(K.jobs, ids)
local out, fresh, created = {}, {}, {}
local k = 0
for i = 2, #ARGV, 6 do
  k = k + 1
  local id = ARGV[i]
  local state = created[id]
  if not state and existing[k] then state = state_name(string.sub(existing[k], 1, 1)) end
  if state then
    out[#out + 1], out[#out + 2] = 0, state
  else
    created[id] = 'blocked'
    fresh[#fresh + 1] = i
    out[#out + 1], out[#out + 2] = 1, 'blocked'
  end
end
if #fresh == 0 then return out end
guard('events')
redis.call('ZCARD', BASE .. 'blocked')
for _, i in ipairs(fresh) do
  local id, name = ARGV[i], ARGV[i + 1]
  local deps = BASE .. 'deps:' .. id
  redis.call('DEL', deps)
  redis.call('HSET', deps, 'refs', ARGV[i + 4], 'left', ARGV[i + 5])
  redis.call('HSET', K.jobs, id, 'b' .. ARGV[i + 3])
  redis.call('ZADD', BASE .. 'blocked', ARGV[i + 2], id)
  emit('Q', id, name, '0')
  emit('B', id, name, '0')
end
return out
