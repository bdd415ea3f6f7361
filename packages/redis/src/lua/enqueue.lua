-- Enqueue jobs of one queue; a job whose id exists is left unchanged.
-- KEYS: the queue keys (see lib.lua).
-- ARGV: [1] job prefix, then per job 8 values: id, name, payload JSON, priority, maxAttempts,
--       runAt ms, enqueuedAt ms, scheduledFor ms or ''
-- Returns per job { created (1|0), state }, flattened.
-- Per job only HGET and HSET run: index inserts, sequence numbers and events go in one call each.
-- Reads first (each job's HGET fails on a job key of the wrong type), writes after: all or nothing.
local out = {}
local now = nil
local fresh = {}
local has_waiting, has_delayed = false, false
-- An id given twice in one call: the second sees the first, as separate calls would.
local created = {}
for i = 2, #ARGV, 8 do
  local id = ARGV[i]
  local existing = created[id] or redis.call('HGET', JOB .. id, 's')
  if existing then
    out[#out + 1] = 0
    out[#out + 1] = existing
  else
    local run_at, enqueued_at = tonumber(ARGV[i + 5]), tonumber(ARGV[i + 6])
    -- Only a job the producer delayed consults the server clock: an immediate one never waits on clock skew.
    local is_delayed = false
    if run_at > enqueued_at then
      now = now or now_ms()
      is_delayed = run_at > now
    end
    local state = is_delayed and 'delayed' or 'waiting'
    if is_delayed then has_delayed = true else has_waiting = true end
    fresh[#fresh + 1] = i
    created[id] = state
    out[#out + 1] = 1
    out[#out + 1] = state
  end
end
if #fresh == 0 then return out end

if has_waiting then guard('waiting') end
if has_delayed then guard('delayed') end
guard('events', 'marker')
local seq = reserve(K.seq, #fresh)
local waiting, delayed, payloads = {}, {}, {}
for _, i in ipairs(fresh) do
  local id, name, priority, state = ARGV[i], ARGV[i + 1], ARGV[i + 3], created[ARGV[i]]
  local jkey = JOB .. id
  seq = seq + 1
  local m = member_at(seq, id)
  local index = state == 'delayed' and delayed or waiting
  index[#index + 1] = state == 'delayed' and tonumber(ARGV[i + 5]) or -tonumber(priority)
  index[#index + 1] = m
  if ARGV[i + 7] ~= '' then
    redis.call('HSET', jkey, 'n', name, 'pr', priority, 'ma', ARGV[i + 4], 'ra', ARGV[i + 5], 'ea', ARGV[i + 6], 'a', 0, 's', state, 'm', m, 'sf', ARGV[i + 7])
  else
    redis.call('HSET', jkey, 'n', name, 'pr', priority, 'ma', ARGV[i + 4], 'ra', ARGV[i + 5], 'ea', ARGV[i + 6], 'a', 0, 's', state, 'm', m)
  end
  payloads[#payloads + 1] = PAYLOAD .. id
  payloads[#payloads + 1] = ARGV[i + 2]
  emit('enqueued', id, name, 0, ARGV[i + 6])
end
for i = 1, #payloads, 4000 do redis.call('MSET', unpack(payloads, i, math.min(i + 3999, #payloads))) end
zadd_many(K.waiting, waiting)
zadd_many(K.delayed, delayed)
-- A new delayed job may be due sooner than idle workers plan to wake: let them re-plan too.
wake()
return out
