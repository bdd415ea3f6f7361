-- Lease up to N jobs: promote due delayed jobs, recover expired leases (bounded),
-- then take the best waiting jobs, count their try and issue fresh fencing tokens.
-- @include keys, now_ms, int, guard, emit, wake, zadd_many, zrem_many, to_waiting, record_error, bury, retry_at
-- @include corrupt_reason, leased_problem, quarantine
-- KEYS: the queue keys (see includes/keys.lua).
-- ARGV: [1] job prefix, [2] max jobs, [3] lease ms, [4] bound on promoted/recovered jobs,
--       [5] a random nonce, new per call (the driver's): a job's token is "<nonce>.<n>", n its place in
--       this call. Nothing stored in Redis goes into it, so a token never repeats for a job even when Redis
--       loses writes (a restart from a snapshot, a lagging replica promoted, FLUSHALL).
-- Returns a flat list: for each job its id, token, leaseUntil, attempt, then
-- the fields n, p, pr, ma, ra, ea, sf, e, pg (HMGET order; see codec.ts).
-- Reads before writes, so a failing step leaves nothing half-done.
local max, lease_ms, bound, nonce = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
if max < 1 then return {} end
local now = now_ms()

-- These reads are also the type checks of the delayed and active indexes.
local due = redis.call('ZRANGEBYSCORE', K.delayed, '-inf', now, 'LIMIT', 0, bound)
local expired = redis.call('ZRANGEBYSCORE', K.active, '-inf', now, 'LIMIT', 0, bound)
if #due > 0 or #expired > 0 then
  guard('waiting', 'dead', 'seq', 'events', 'marker')
end

for _, m in ipairs(due) do
  local id = string.sub(m, 18)
  local reason = corrupt_reason(JOB .. id)
  if reason then
    quarantine(K.delayed, m, JOB .. id, id, reason, now)
  else
    redis.call('ZREM', K.delayed, m)
    to_waiting(JOB .. id, id)
  end
end

for _, m in ipairs(expired) do
  local id = string.sub(m, 18)
  local jkey = JOB .. id
  local reason = corrupt_reason(jkey)
  if reason then
    quarantine(K.active, m, jkey, id, reason, now)
  else
    -- Freeing first: at maxmemory Redis refuses a script whose first write may grow memory (this HSET
    -- would be), which would keep every fetch failing once a lease lapsed on a full Redis.
    redis.call('ZREM', K.active, m)
    local name, attempt, max_attempts = unpack(redis.call('HMGET', jkey, 'n', 'a', 'ma'))
    local err = { name = 'LeaseExpiredError', message = 'lease expired', attempt = tonumber(attempt), at = now }
    record_error(jkey, err)
    local err_json = cjson.encode(err)
    emit('failed', id, name, attempt, now, 'e', err_json)
    if tonumber(attempt) >= tonumber(max_attempts) then
      bury(jkey, id, name, attempt, now, err_json)
    else
      retry_at(jkey, id, name, attempt, now, now)
    end
  end
end

-- This fetch looked at the queue: a write after it must wake idle workers again (see wake()).
-- Cleared on every way out, after the steps that can fail.
if redis.call('EXISTS', K.paused) == 1 then
  redis.call('DEL', K.marker)
  return {}
end

-- Per job only HMGET and HSET run: tokens, the lease indexes and events go in one call each.
-- Read, not popped: the jobs leave waiting only once nothing below can fail.
local out = {}
local lease_until = now + lease_ms
local members = redis.call('ZRANGE', K.waiting, 0, max - 1)
local count = #members
if count == 0 then
  redis.call('DEL', K.marker)
  return out
end
local payloads = {}
for i = 1, count, 4000 do
  local keys = {}
  for j = i, math.min(i + 3999, count) do keys[#keys + 1] = PAYLOAD .. string.sub(members[j], 18) end
  for _, payload in ipairs(redis.call('MGET', unpack(keys))) do payloads[#payloads + 1] = payload end
end
-- Parallel arrays, not a table per job: the good jobs' members and HMGET replies.
local good_m, good_fields, bad = {}, {}, {}
for i, m in ipairs(members) do
  local jkey = JOB .. string.sub(m, 18)
  local fields = redis.pcall('HMGET', jkey, 'n', 'p', 'pr', 'ma', 'ra', 'ea', 'sf', 'e', 'pg', 'a')
  -- A hash field 'p' is a record written before payloads moved to their own key.
  if not fields.err and not fields[2] then fields[2] = payloads[i] end
  local reason = leased_problem(jkey, fields)
  if reason then
    bad[#bad + 1] = { m, reason }
  else
    good_m[#good_m + 1] = m
    good_fields[#good_fields + 1] = fields
  end
end
-- Took all it asked for, so more may be left: pass the wake-up on to the next idle worker.
local more = count == max and redis.call('ZCARD', K.waiting) > count
guard('events')
if more then guard('marker') end
if #bad > 0 then guard('dead', 'seq') end

-- Freeing first: at maxmemory Redis refuses a script whose first write may grow memory, and
-- workers must still drain a full Redis.
zrem_many(K.waiting, members)
local leased = {}
-- Text, formatted once: redis.call would format each number per job.
local lease_text, now_text = int(lease_until), int(now)
local last_attempt, attempt_text = nil, nil
for n, m in ipairs(good_m) do
  local fields = good_fields[n]
  local id = string.sub(m, 18)
  local attempt = (tonumber(fields[10]) or 0) + 1
  if attempt ~= last_attempt then last_attempt, attempt_text = attempt, int(attempt) end
  local token_text = nonce .. '.' .. n
  local l = #leased
  leased[l + 1], leased[l + 2] = lease_text, m
  redis.call('HSET', JOB .. id, 's', 'active', 'a', attempt_text, 't', token_text, 'lu', lease_text, 'sa', now_text)
  emit('active', id, fields[1], attempt_text, now_text)
  local o = #out
  out[o + 1], out[o + 2], out[o + 3], out[o + 4], out[o + 5] = id, token_text, lease_text, attempt, fields
end
zadd_many(K.active, leased)
for _, job in ipairs(bad) do
  local m = job[1]
  local id = string.sub(m, 18)
  -- Already out of waiting (zrem_many above): quarantine's own ZREM of it changes nothing.
  quarantine(K.waiting, m, JOB .. id, id, job[2], now)
end
redis.call('DEL', K.marker)
if more then wake() end
return out
