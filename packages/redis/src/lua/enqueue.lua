-- Enqueue jobs of one queue; a job whose id exists is left unchanged.
-- KEYS: the queue keys (see lib.lua).
-- ARGV: [1] job prefix, then per job 8 values: id, name, payload JSON, priority, maxAttempts,
--       runAt ms, enqueuedAt ms, scheduledFor ms or ''
-- Returns per job { created (1|0), state }, flattened.
-- Per job only HGET and HSET run: index inserts, sequence numbers and events go in one call each.
local out = {}
local now = nil
local seq = reserve(K.seq, (#ARGV - 1) / 8)
local waiting, delayed = {}, {}
-- An id given twice in one call: the second sees the first, as separate calls would.
local created = {}
local payloads = {}
for i = 2, #ARGV, 8 do
  local id, name = ARGV[i], ARGV[i + 1]
  local jkey = JOB .. id
  local existing = created[id] or redis.call('HGET', jkey, 's')
  if existing then
    out[#out + 1] = 0
    out[#out + 1] = existing
  else
    local priority, run_at, enqueued_at = ARGV[i + 3], tonumber(ARGV[i + 5]), tonumber(ARGV[i + 6])
    -- Only a job the producer delayed consults the server clock: an immediate one never waits on clock skew.
    local is_delayed = false
    if run_at > enqueued_at then
      now = now or now_ms()
      is_delayed = run_at > now
    end
    local state = is_delayed and 'delayed' or 'waiting'
    seq = seq + 1
    local m = member_at(seq, id)
    local index = is_delayed and delayed or waiting
    index[#index + 1] = is_delayed and run_at or -tonumber(priority)
    index[#index + 1] = m
    if ARGV[i + 7] ~= '' then
      redis.call('HSET', jkey, 'n', name, 'pr', priority, 'ma', ARGV[i + 4], 'ra', ARGV[i + 5], 'ea', ARGV[i + 6], 'a', 0, 's', state, 'm', m, 'sf', ARGV[i + 7])
    else
      redis.call('HSET', jkey, 'n', name, 'pr', priority, 'ma', ARGV[i + 4], 'ra', ARGV[i + 5], 'ea', ARGV[i + 6], 'a', 0, 's', state, 'm', m)
    end
    payloads[#payloads + 1] = PAYLOAD .. id
    payloads[#payloads + 1] = ARGV[i + 2]
    created[id] = state
    emit('enqueued', id, name, 0, ARGV[i + 6])
    out[#out + 1] = 1
    out[#out + 1] = state
  end
end
for i = 1, #payloads, 4000 do redis.call('MSET', unpack(payloads, i, math.min(i + 3999, #payloads))) end
zadd_many(K.waiting, waiting)
zadd_many(K.delayed, delayed)
-- A new delayed job may be due sooner than idle workers plan to wake: let them re-plan too.
if #waiting > 0 or #delayed > 0 then wake() end
return out
