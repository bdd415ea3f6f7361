-- Enqueue jobs of one queue; a job whose id exists is left unchanged.
-- @include keys, now_ms, guard, reserve, member_at, zadd_many, emit, wake
-- KEYS: the queue keys (see includes/keys.lua).
-- ARGV: [1] job prefix, then per job 8 values: id, name, payload JSON, priority, maxAttempts,
--       runAt ms, enqueuedAt ms, scheduledFor ms or ''
-- Returns per job { created (1|0), state }, flattened.
-- Per job only HGET and HSET run: index inserts, sequence numbers and events go in one call each.
-- Reads first (each job's HGET fails on a job key of the wrong type), writes after: all or nothing.
-- Per job nothing is allocated but its strings and array slots: scores go as text (redis.call
-- would format numbers), a waiting score is computed once per distinct priority.
local out = {}
local now = nil
local fresh = {}
local has_waiting, has_delayed = false, false
-- An id given twice in one call: the second sees the first, as separate calls would.
local created = {}
for i = 2, #ARGV, 8 do
  local id = ARGV[i]
  local existing = created[id] or redis.call('HGET', JOB .. id, 's')
  local n = #out
  if existing then
    out[n + 1], out[n + 2] = 0, existing
  else
    local state = 'waiting'
    -- Only a job the producer delayed consults the server clock: an immediate one never waits on clock skew.
    local run_at = tonumber(ARGV[i + 5])
    if run_at > tonumber(ARGV[i + 6]) then
      now = now or now_ms()
      if run_at > now then state = 'delayed' end
    end
    if state == 'delayed' then has_delayed = true else has_waiting = true end
    fresh[#fresh + 1] = i
    created[id] = state
    out[n + 1], out[n + 2] = 1, state
  end
end
if #fresh == 0 then return out end

if has_waiting then guard('waiting') end
if has_delayed then guard('delayed') end
-- The marker is written (and so checked) only when this call wakes workers: during a burst it is set.
local waking = wake_due()
if waking then guard('events', 'marker') else guard('events') end
local seq = reserve(K.seq, #fresh)
local waiting, delayed, payloads = {}, {}, {}
local last_priority, last_score = nil, nil
for _, i in ipairs(fresh) do
  local id, name, priority, enqueued_at = ARGV[i], ARGV[i + 1], ARGV[i + 3], ARGV[i + 6]
  local state = created[id]
  local jkey = JOB .. id
  seq = seq + 1
  local m = member_at(seq, id)
  if state == 'delayed' then
    local n = #delayed
    delayed[n + 1], delayed[n + 2] = ARGV[i + 5], m
  else
    if priority ~= last_priority then
      -- The text redis.call made of the number before: the same score, formatted once.
      last_priority, last_score = priority, string.format('%.17g', -tonumber(priority))
    end
    local n = #waiting
    waiting[n + 1], waiting[n + 2] = last_score, m
  end
  if ARGV[i + 7] ~= '' then
    redis.call('HSET', jkey, 'n', name, 'pr', priority, 'ma', ARGV[i + 4], 'ra', ARGV[i + 5], 'ea', enqueued_at, 'a', '0', 's', state, 'm', m, 'sf', ARGV[i + 7])
  else
    redis.call('HSET', jkey, 'n', name, 'pr', priority, 'ma', ARGV[i + 4], 'ra', ARGV[i + 5], 'ea', enqueued_at, 'a', '0', 's', state, 'm', m)
  end
  local n = #payloads
  payloads[n + 1], payloads[n + 2] = PAYLOAD .. id, ARGV[i + 2]
  emit('enqueued', id, name, '0', enqueued_at)
end
for i = 1, #payloads, 4000 do redis.call('MSET', unpack(payloads, i, math.min(i + 3999, #payloads))) end
zadd_many(K.waiting, waiting)
zadd_many(K.delayed, delayed)
-- A new delayed job may be due sooner than idle workers plan to wake: let them re-plan too.
if waking then wake_send() end
return out
