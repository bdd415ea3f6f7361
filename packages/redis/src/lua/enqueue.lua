-- Enqueue jobs of one queue; a job whose id exists is left unchanged.
-- KEYS: the queue keys (see lib.lua).
-- ARGV: [1] job prefix, then per job 8 values: id, name, payload JSON, priority, maxAttempts,
--       runAt ms, enqueuedAt ms, scheduledFor ms or ''
-- Returns per job { created (1|0), state }, flattened.
local out = {}
local now = nil
local woken = false
for i = 2, #ARGV, 8 do
  local id, name = ARGV[i], ARGV[i + 1]
  local jkey = JOB .. id
  local existing = redis.call('HGET', jkey, 's')
  if existing then
    out[#out + 1] = 0
    out[#out + 1] = existing
  else
    local priority, run_at, enqueued_at = ARGV[i + 3], tonumber(ARGV[i + 5]), tonumber(ARGV[i + 6])
    -- Only a job the producer delayed consults the server clock: an immediate one never waits on clock skew.
    local delayed = false
    if run_at > enqueued_at then
      now = now or now_ms()
      delayed = run_at > now
    end
    local state = delayed and 'delayed' or 'waiting'
    local m = member(id)
    redis.call('ZADD', delayed and K.delayed or K.waiting, delayed and run_at or -tonumber(priority), m)
    redis.call('HSET', jkey, 'n', name, 'p', ARGV[i + 2], 'pr', priority, 'ma', ARGV[i + 4], 'ra', ARGV[i + 5], 'ea', ARGV[i + 6], 'a', 0, 's', state, 'm', m)
    if ARGV[i + 7] ~= '' then redis.call('HSET', jkey, 'sf', ARGV[i + 7]) end
    if not woken then
      wake()
      woken = true
    end
    emit('enqueued', id, name, 0, enqueued_at)
    out[#out + 1] = 1
    out[#out + 1] = state
  end
end
return out
