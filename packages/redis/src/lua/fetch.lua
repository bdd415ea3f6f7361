-- Lease up to N jobs: promote due delayed jobs, recover expired leases (bounded),
-- then pop the best waiting jobs, count their try and issue fresh fencing tokens.
-- KEYS: the queue keys (see lib.lua).
-- ARGV: [1] job prefix, [2] max jobs, [3] lease ms, [4] bound on promoted/recovered jobs
-- Returns a flat list: for each job its id, token, leaseUntil, attempt, then
-- the fields n, p, pr, ma, ra, ea, sf, e, pg (HMGET order; see codec.ts).
local max, lease_ms, bound = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local now = now_ms()

for _, m in ipairs(redis.call('ZRANGEBYSCORE', K.delayed, '-inf', now, 'LIMIT', 0, bound)) do
  local id = string.sub(m, 18)
  local reason = corrupt_reason(JOB .. id)
  if reason then
    quarantine(K.delayed, m, JOB .. id, id, reason, now)
  else
    redis.call('ZREM', K.delayed, m)
    to_waiting(JOB .. id, id)
  end
end

for _, m in ipairs(redis.call('ZRANGEBYSCORE', K.active, '-inf', now, 'LIMIT', 0, bound)) do
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
    emit('failed', id, name, attempt, now, { 'e', err_json })
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

-- Per job only HMGET and HSET run: tokens, the lease index and events go in one call each.
local out = {}
local lease_until = now + lease_ms
local popped = redis.call('ZPOPMIN', K.waiting, max)
local count = #popped / 2
if count == 0 then
  redis.call('DEL', K.marker)
  return out
end
local token = reserve(K.token, count)
local leased = {}
local payload_keys = {}
for i = 1, #popped, 2 do payload_keys[#payload_keys + 1] = PAYLOAD .. string.sub(popped[i], 18) end
local payloads = redis.call('MGET', unpack(payload_keys))
for i = 1, #popped, 2 do
  local m = popped[i]
  local id = string.sub(m, 18)
  local jkey = JOB .. id
  local fields = redis.pcall('HMGET', jkey, 'n', 'p', 'pr', 'ma', 'ra', 'ea', 'sf', 'e', 'pg', 'a')
  -- A hash field 'p' is a record written before payloads moved to their own key.
  if not fields.err and not fields[2] then fields[2] = payloads[(i + 1) / 2] end
  local reason = leased_problem(jkey, fields)
  if reason then
    quarantine(K.waiting, m, jkey, id, reason, now)
  else
    token = token + 1
    local attempt = (tonumber(fields[10]) or 0) + 1
    local token_text = int(token)
    leased[#leased + 1] = lease_until
    leased[#leased + 1] = m
    redis.call('HSET', jkey, 's', 'active', 'a', attempt, 't', token_text, 'lu', lease_until, 'sa', now)
    emit('active', id, fields[1], attempt, now)
    out[#out + 1] = id
    out[#out + 1] = token_text
    out[#out + 1] = int(lease_until)
    out[#out + 1] = attempt
    out[#out + 1] = fields
  end
end
zadd_many(K.active, leased)
redis.call('DEL', K.marker)
-- Took all it asked for, so more may be left: pass the wake-up on to the next idle worker.
if count == max and redis.call('ZCARD', K.waiting) > 0 then wake() end
return out
