-- Enqueue jobs of one queue; a job whose id exists is left unchanged.
-- @include keys, now_ms, guard, many, state_name, waiting, waiting_groups, reserve, member_at, emit, wake
-- @lazy lanes, record, b36
-- KEYS: the queue keys (see includes/keys.lua).
-- ARGV: [1] waiting-list prefix, then per job 7 values: id, name, priority, runAt ms, enqueuedAt ms,
--       the record without its state letter and attempt: ",E..[,R..][,M..][,P..][,C..][,L..][,Z..]|<name>|<payload>"
--       (written by the driver, see includes/record.lua), and flow control: '' for none, else 'L' (the job
--       waits in its lane, lanes.lua) or '-', then its dedupe "<mode>,<ttl ms>,<max wait ms or ''>,<key>" if any.
-- Returns per job { created (1|0), state, the id of the job that holds its dedupe key or '' }, flattened.
-- One HMGET reads all the ids, one HSET writes all the records, one RPUSH per priority: per job
-- nothing else runs but building its text. Reads first (the HMGET also checks the jobs hash's type),
-- writes after: all or nothing. Dedupe: a key held (throttle) returns its job; a debounced job not yet
-- started takes the new payload and a later start, and keeps the key for another ttl.
local STEP = 7
local ids = {}
for i = 2, #ARGV, STEP do ids[#ids + 1] = ARGV[i] end
local existing = hmget_many(K.jobs, ids)
local out = {}
local now = nil
-- An id given twice in one call: the second sees the first, as separate calls would.
local created = {}
local fresh = {}
local groups = {}
local delayed_count, lane_count = 0, 0
local k = 0
-- Dedupe keys taken in this call (key -> id), those to take (key, id, ttl), debounced jobs rewritten.
local taken, keys_to_set, debounced = {}, {}, {}
local function dedupe_holder(i, spec)
  local mode, ttl, max_wait, key = string.match(spec, '^(%a+),(%d+),(%d*),(.*)$')
  local dkey = string.sub(WAITING, 1, -9) .. 'dedupe:' .. ARGV[i + 1] .. '|' .. key
  local holder = taken[dkey]
  if holder then return holder, created[holder] end
  holder = redis.call('GET', dkey)
  local rec = holder and redis.call('HGET', K.jobs, holder)
  if rec and mode == 'throttle' then return holder, state_name(string.sub(rec, 1, 1)) end
  if rec and string.sub(rec, 1, 1) == 'l' then
    now = now or now_ms()
    local tags = string.match(rec, '^[^|]*')
    local run_at = now + tonumber(ttl)
    if max_wait ~= '' then run_at = math.min(run_at, tonumber(string.match(tags, ',E([^,]*)'), 36) + tonumber(max_wait)) end
    local payload = string.match(ARGV[i + 5], '^[^|]*|[^|]*|(.*)$')
    debounced[#debounced + 1] = { holder, rec, run_at, payload, dkey, ttl }
    return holder, 'delayed'
  end
  taken[dkey] = ARGV[i]
  keys_to_set[#keys_to_set + 1] = { dkey, ARGV[i], ttl }
  return nil
end
for i = 2, #ARGV, STEP do
  k = k + 1
  local id = ARGV[i]
  local state = created[id]
  if not state and existing[k] then state = state_name(string.sub(existing[k], 1, 1)) end
  local n = #out
  local flow = ARGV[i + 6]
  if not state and #flow > 1 then
    local holder, holder_state = dedupe_holder(i, string.sub(flow, 2))
    if holder then
      state = holder_state
      out[n + 1], out[n + 2], out[n + 3] = 0, state, holder
    end
  end
  if state then
    if not out[n + 1] then out[n + 1], out[n + 2], out[n + 3] = 0, state, '' end
  else
    state = 'waiting'
    -- Only a job the producer delayed consults the server clock: an immediate one never waits on clock skew.
    local run_at = tonumber(ARGV[i + 3])
    if run_at > tonumber(ARGV[i + 4]) then
      now = now or now_ms()
      if run_at > now then state = 'delayed' end
    end
    if state == 'delayed' then delayed_count = delayed_count + 1
    elseif string.sub(flow, 1, 1) == 'L' then lane_count = lane_count + 1
    else group_add(groups, ARGV[i + 2], id) end
    fresh[#fresh + 1] = i
    created[id] = state
    out[n + 1], out[n + 2], out[n + 3] = 1, state, ''
  end
end
if #fresh == 0 and #debounced == 0 then return out end

guard_groups(groups)
if delayed_count > 0 or #debounced > 0 then guard('delayed', 'seq') end
if lane_count > 0 then guard('seq') end
-- The marker is written (and so checked) only when this call wakes workers: during a burst it is set.
local waking = wake_due()
if waking then guard('events', 'marker') else guard('events') end

local seq = delayed_count > 0 and reserve(K.seq, delayed_count) or 0
local records, delayed = {}, {}
for _, i in ipairs(fresh) do
  local id = ARGV[i]
  local r = #records
  if created[id] == 'delayed' then
    seq = seq + 1
    records[r + 1], records[r + 2] = id, 'l,Q' .. seq .. ARGV[i + 5]
    local d = #delayed
    delayed[d + 1], delayed[d + 2] = ARGV[i + 3], member_at(seq, id)
  elseif string.sub(ARGV[i + 6], 1, 1) == 'L' then
    local head, rest = string.match(ARGV[i + 5], '^([^|]*)(|.*)$')
    local q = lazy().lane_place(false)
    records[r + 1], records[r + 2] = id, 'w' .. head .. ',Q' .. q .. rest
    lazy().lane_add(lazy().lane_of(ARGV[i + 1], head), ARGV[i + 2], q, id)
  else
    records[r + 1], records[r + 2] = id, 'w' .. ARGV[i + 5]
  end
  emit('Q', id, ARGV[i + 1], '0')
end
call_many('HSET', K.jobs, records)
push_groups(groups)
call_many('ZADD', K.delayed, delayed)
for _, key in ipairs(keys_to_set) do redis.call('SET', key[1], key[2], 'PX', key[3]) end
for _, d in ipairs(debounced) do
  local id, rec, run_at, payload = d[1], d[2], d[3], d[4]
  local head, name = string.match(rec, '^([^|]*)|([^|]*)|')
  local q = string.match(head, ',Q([^,]*)')
  head = (string.gsub(head, ',R[^,]*', '')) .. ',R' .. lazy().b36(run_at)
  redis.call('HSET', K.jobs, id, head .. '|' .. name .. '|' .. payload)
  redis.call('ZADD', K.delayed, string.format('%d', run_at), member_at(tonumber(q), id))
  redis.call('SET', d[5], id, 'PX', d[6])
end
-- A new delayed job may be due sooner than idle workers plan to wake: let them re-plan too.
if waking then wake_send() end
return out
