-- Shared helpers, prepended to every script of this folder when it is loaded.
-- Every script gets the same KEYS (the queue's fixed keys, one hash tag):
--   KEYS[1] waiting  ZSET member "<seq16>:<id>", score -priority
--   KEYS[2] delayed  ZSET member "<seq16>:<id>", score runAt
--   KEYS[3] active   ZSET member "<seq16>:<id>", score leaseUntil
--   KEYS[4] completed ZSET member "<seq16>:<id>", score finishedAt
--   KEYS[5] dead     ZSET member "<seq16>:<id>", score finishedAt
--   KEYS[6] paused   STRING flag
--   KEYS[7] seq      counter ordering members (FIFO among equal scores)
--   KEYS[8] token    no longer written: fencing tokens are random per fetch (fetch.lua); the slot stays
--   KEYS[9] events   STREAM of job events
--   KEYS[10] marker  LIST of one element, with an expiry: idle workers were told of work not yet fetched (see wake())
-- ARGV[1] is always the job key prefix ("{prefix:queue}:job:"); the rest is per script.
local K = { waiting = KEYS[1], delayed = KEYS[2], active = KEYS[3], completed = KEYS[4], dead = KEYS[5],
  paused = KEYS[6], seq = KEYS[7], token = KEYS[8], events = KEYS[9], marker = KEYS[10] }
local JOB = ARGV[1]
-- "{p:q}:job:" -> "{p:q}:pl:": each job's payload string (see keys.ts).
local PAYLOAD = string.sub(JOB, 1, -5) .. 'pl:'
local STATE_KEY = { waiting = K.waiting, delayed = K.delayed, active = K.active, completed = K.completed, dead = K.dead }
local MAX_ERRORS = 20
-- About this many recent events stay in the stream for readers that fall behind.
local EVENTS_KEEP = 10000

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Integers as decimal text: Lua's default number formatting would round ms timestamps.
local function int(n)
  return string.format('%d', n)
end


-- Events are buffered and written as one stream entry per script run (see
-- scripts.ts, which flushes after the body): one XADD per batch instead of one
-- per job. Each event is the group t, id, n, a, at [, extra] in the entry.
local EVENTS = {}
local EVENT_COUNT = 0
-- Values per entry (about 50 events): amortizes XADD well, and keeps unpack far below its limit.
local EVENT_FLUSH_AT = 600

-- MAXLEN counts entries, and entries hold one to ~50 events: sizing the cap by
-- this entry keeps about EVENTS_KEEP events whatever the batch sizes.
local function flush_events()
  if EVENT_COUNT == 0 then return end
  local keep = math.max(100, math.ceil(EVENTS_KEEP / EVENT_COUNT))
  redis.call('XADD', K.events, 'MAXLEN', '~', keep, '*', unpack(EVENTS))
  EVENTS = {}
  EVENT_COUNT = 0
end

local function emit(kind, id, name, attempt, at, extra)
  local n = #EVENTS
  EVENTS[n + 1], EVENTS[n + 2], EVENTS[n + 3], EVENTS[n + 4] = 't', kind, 'id', id
  EVENTS[n + 5], EVENTS[n + 6], EVENTS[n + 7], EVENTS[n + 8] = 'n', name, 'a', attempt
  EVENTS[n + 9], EVENTS[n + 10] = 'at', at
  if extra then EVENTS[n + 11], EVENTS[n + 12] = extra[1], extra[2] end
  EVENT_COUNT = EVENT_COUNT + 1
  if n + 12 >= EVENT_FLUSH_AT then flush_events() end
end

-- Many score/member pairs (or members) in as few calls as unpack allows.
local function zadd_many(key, pairs)
  for i = 1, #pairs, 4000 do redis.call('ZADD', key, unpack(pairs, i, math.min(i + 3999, #pairs))) end
end

local function zrem_many(key, members)
  for i = 1, #members, 4000 do redis.call('ZREM', key, unpack(members, i, math.min(i + 3999, #members))) end
end

local function del_many(keys)
  for i = 1, #keys, 4000 do redis.call('DEL', unpack(keys, i, math.min(i + 3999, #keys))) end
end

-- Redis keeps a script's writes up to a failing command: a key of the wrong type met half-way would
-- leave a job half-moved. So before its first write every script reads each queue key it may write,
-- with a read that fails (WRONGTYPE) on a wrong type, unless a read it makes anyway already did.
-- The seq counter must hold an integer for INCRBY. The driver then names the key (key-diagnosis.ts).
local PROBE = { waiting = 'ZCARD', delayed = 'ZCARD', active = 'ZCARD', completed = 'ZCARD', dead = 'ZCARD', events = 'XLEN', marker = 'LLEN' }
local function guard(...)
  for _, name in ipairs({ ... }) do
    if name == 'seq' then
      local value = redis.call('GET', K[name])
      if value and not string.match(value, '^%d+$') then error({ err = 'ERR counter ' .. K[name] .. ' holds no integer' }) end
    else
      redis.call(PROBE[name], K[name])
    end
  end
end

-- Reserves `count` numbers of a counter (K.seq) with one INCRBY; returns the one before the first.
local function reserve(counter, count)
  return tonumber(redis.call('INCRBY', counter, count)) - count
end

local function member_at(seq, id)
  return string.format('%016d', seq) .. ':' .. id
end

local function member(id)
  return member_at(reserve(K.seq, 1) + 1, id)
end

-- Tells idle workers of every process that the queue may have work: PUBLISH on "{prefix:queue}:wake".
-- PUBLISH names no key, so a script may call it on Cluster, and it reaches subscribers on every node.
-- The marker (a one-element list) makes a burst of writes publish once: fetch clears it (a write after
-- a fetch must wake again), and it expires by itself when nobody fetches. PTTL, not EXISTS: a marker
-- left by an older version (no expiry) must not silence the queue. A paused queue wakes nobody: resume does.
local WAKE_CHANNEL = string.sub(JOB, 1, -5) .. 'wake'
local WAKE_QUIET_MS = 2000
local function wake()
  if redis.call('PTTL', K.marker) > 0 or redis.call('EXISTS', K.paused) == 1 then return end
  if redis.call('LLEN', K.marker) == 0 then redis.call('LPUSH', K.marker, '1') end
  redis.call('PEXPIRE', K.marker, WAKE_QUIET_MS)
  redis.call('PUBLISH', WAKE_CHANNEL, '1')
end

-- Takes a job out of whatever index it is in.
local function unindex(jkey)
  local state, m = unpack(redis.call('HMGET', jkey, 's', 'm'))
  if state and m and STATE_KEY[state] then redis.call('ZREM', STATE_KEY[state], m) end
  return state
end

-- Puts a job into a state's index with a fresh member (so FIFO holds among equal scores).
local function place(jkey, id, state, score)
  local m = member(id)
  redis.call('ZADD', STATE_KEY[state], score, m)
  redis.call('HSET', jkey, 's', state, 'm', m)
  -- A new delayed job may be due sooner than idle workers elsewhere plan to wake: let them re-plan.
  if state == 'waiting' or state == 'delayed' then wake() end
end

local function to_waiting(jkey, id)
  place(jkey, id, 'waiting', -tonumber(redis.call('HGET', jkey, 'pr')))
end

-- Appends a failed try to the job's error list (JSON array, last MAX_ERRORS kept).
local function record_error(jkey, err)
  local raw = redis.call('HGET', jkey, 'e')
  local list = {}
  if raw and raw ~= '' and raw ~= '{}' then list = cjson.decode(raw) end
  list[#list + 1] = err
  while #list > MAX_ERRORS do table.remove(list, 1) end
  redis.call('HSET', jkey, 'e', cjson.encode(list))
end

-- The holder of `token` may settle the job: it must be active with that very token.
local function held(jkey, token)
  local state, current = unpack(redis.call('HMGET', jkey, 's', 't'))
  return state == 'active' and current == token
end

local function bury(jkey, id, name, attempt, now, err_json)
  unindex(jkey)
  place(jkey, id, 'dead', now)
  redis.call('HSET', jkey, 'fa', int(now))
  redis.call('HDEL', jkey, 't', 'lu')
  emit('dead', id, name, attempt, now, err_json and { 'e', err_json } or nil)
end

local function retry_at(jkey, id, name, attempt, now, run_at)
  unindex(jkey)
  redis.call('HSET', jkey, 'ra', int(run_at))
  redis.call('HDEL', jkey, 't', 'lu')
  if run_at > now then place(jkey, id, 'delayed', run_at) else to_waiting(jkey, id) end
  emit('retrying', id, name, attempt, now, { 'r', int(run_at) })
end

-- Why a job record cannot be handled (missing, wrong type, garbage fields), or nil when it is sound.
local function corrupt_reason(jkey)
  local kind = redis.call('TYPE', jkey)['ok']
  if kind ~= 'hash' then return kind == 'none' and 'the job hash is missing' or ('the job key holds a ' .. kind) end
  local name, priority, max_attempts, attempt = unpack(redis.call('HMGET', jkey, 'n', 'pr', 'ma', 'a'))
  if not name or name == '' then return 'field n (name) is missing' end
  if not tonumber(priority) then return 'field pr (priority) is not a number' end
  if not tonumber(max_attempts) then return 'field ma (maxAttempts) is not a number' end
  if attempt and not string.match(attempt, '^%d+$') then return 'field a (attempt) is not an integer' end
  return nil
end

-- corrupt_reason for fetch's hot path, from the HMGET (via pcall) fetch makes anyway:
-- fields n, p, pr, ma, ra, ea, sf, e, pg, a. TYPE and EXISTS run only for a bad record.
local function leased_problem(jkey, fields)
  if fields.err then return 'the job key holds a ' .. redis.call('TYPE', jkey)['ok'] end
  if not fields[1] or fields[1] == '' then
    return redis.call('EXISTS', jkey) == 0 and 'the job hash is missing' or 'field n (name) is missing'
  end
  if not tonumber(fields[3]) then return 'field pr (priority) is not a number' end
  if not tonumber(fields[4]) then return 'field ma (maxAttempts) is not a number' end
  if not fields[2] then return 'the payload is missing' end
  if fields[10] and not string.match(fields[10], '^%d+$') then return 'field a (attempt) is not an integer' end
  return nil
end

-- Takes a corrupt job out of `index`: dead with the reason when its hash exists, else only the index entry goes.
-- Either way fetch goes on: one bad record never blocks a queue.
local function quarantine(index, m, jkey, id, reason, now)
  redis.call('ZREM', index, m)
  local err_json = cjson.encode({ name = 'CorruptJobError', message = 'corrupt job record: ' .. reason, attempt = 0, at = now })
  local name = ''
  if redis.call('TYPE', jkey)['ok'] == 'hash' then
    name = redis.call('HGET', jkey, 'n') or ''
    local dead_m = member(id)
    redis.call('ZADD', K.dead, now, dead_m)
    redis.call('HSET', jkey, 's', 'dead', 'm', dead_m, 'fa', int(now), 'a', 0, 'e', '[' .. err_json .. ']')
    redis.call('HDEL', jkey, 't', 'lu')
  end
  emit('dead', id, name, 0, now, { 'e', err_json })
end
