-- Enqueue jobs of one queue; a job whose id exists is left unchanged.
-- @include keys, now_ms, guard, many, state_name, waiting, waiting_groups, reserve, member_at, emit, wake
-- @lazy lanes, dedupe
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix, [2] F, how many jobs have flow control, then F values "<job index>:<flow>"
--       where <flow> is 'L' (the job waits in its lane, lanes.lua) or '-', then its dedupe
--       "<mode>,<ttl ms>,<max wait ms or ''>,<key>" if any (dedupe.lua); then per job 6 values: id, name,
--       priority, runAt ms, enqueuedAt ms, the record without its state letter and attempt:
--       ",E..[,R..][,M..][,P..][,C..][,L..][,Z..]|<name>|<payload>" (written by the driver, see includes/record.lua).
-- Returns per job { created (1|0), state }, flattened; a job whose dedupe key another job holds gets
-- that job's state and id as "<state>|<id>".
-- One HMGET reads all the ids, one HSET writes all the records, one RPUSH per priority: per job
-- nothing else runs but building its text. Reads first (the HMGET also checks the jobs hash's type),
-- writes after: all or nothing.
local first = 3 + tonumber(ARGV[2])
local flows = first > 3 and lazy().flow_values(first - 3) or nil
local ids = {}
for i = first, #ARGV, 6 do ids[#ids + 1] = ARGV[i] end
local existing = hmget_many(K.jobs, ids)
local out = {}
local now = nil
-- An id given twice in one call: the second sees the first, as separate calls would.
local created = {}
local fresh = {}
local groups = {}
local delayed_count, lane_count = 0, 0
local k = 0
-- Dedupe state of this call (dedupe.lua), only when a job has a dedupe.
local dd = flows and { taken = {}, set = {}, debounced = {}, created = created } or nil
for i = first, #ARGV, 6 do
  k = k + 1
  local id = ARGV[i]
  local state = created[id]
  if not state and existing[k] then state = state_name(string.sub(existing[k], 1, 1)) end
  local n = #out
  local flow = flows and flows[k]
  if not state and flow and #flow > 1 then
    local holder, holder_state = lazy().dedupe_holder(dd, i, string.sub(flow, 2))
    if holder then
      state = holder_state
      out[n + 1], out[n + 2] = 0, holder_state .. '|' .. holder
    end
  end
  if state then
    if not out[n + 1] then out[n + 1], out[n + 2] = 0, state end
  else
    state = 'waiting'
    -- Only a job the producer delayed consults the server clock: an immediate one never waits on clock skew.
    local run_at = tonumber(ARGV[i + 3])
    if run_at > tonumber(ARGV[i + 4]) then
      now = now or now_ms()
      if run_at > now then state = 'delayed' end
    end
    if state == 'delayed' then delayed_count = delayed_count + 1
    elseif flow and string.sub(flow, 1, 1) == 'L' then lane_count = lane_count + 1
    else group_add(groups, ARGV[i + 2], id) end
    fresh[#fresh + 1] = i
    created[id] = state
    out[n + 1], out[n + 2] = 1, state
  end
end
local debounced = dd and #dd.debounced or 0
if #fresh == 0 and debounced == 0 then return out end

guard_groups(groups)
if delayed_count > 0 or debounced > 0 then guard('delayed', 'seq') end
if lane_count > 0 then guard('seq') end
-- The marker is written (and so checked) only when this call wakes workers: during a burst it is set.
local waking = wake_due()
if waking then guard('events', 'marker') else guard('events') end

local seq = delayed_count > 0 and reserve(K.seq, delayed_count) or 0
-- Places at the back of their lanes for the limited jobs, reserved at once.
local lane_seq = lane_count > 0 and reserve(K.seq, lane_count) or 0
local lane_jobs = nil
local records, delayed = {}, {}
for _, i in ipairs(fresh) do
  local id = ARGV[i]
  local r = #records
  if created[id] == 'delayed' then
    seq = seq + 1
    records[r + 1], records[r + 2] = id, 'l,Q' .. seq .. ARGV[i + 5]
    local d = #delayed
    delayed[d + 1], delayed[d + 2] = ARGV[i + 3], member_at(seq, id)
  elseif flows and created[id] == 'waiting' and string.sub(flows[(i - first) / 6 + 1] or '', 1, 1) == 'L' then
    local head, rest = string.match(ARGV[i + 5], '^([^|]*)(|.*)$')
    lane_seq = lane_seq + 1
    records[r + 1], records[r + 2] = id, 'w' .. head .. ',Q' .. lane_seq .. rest
    lane_jobs = lane_jobs or {}
    lane_jobs[#lane_jobs + 1] = { lazy().lane_of(ARGV[i + 1], head), ARGV[i + 2], lane_seq, id }
  else
    records[r + 1], records[r + 2] = id, 'w' .. ARGV[i + 5]
  end
  emit('Q', id, ARGV[i + 1], '0')
end
call_many('HSET', K.jobs, records)
push_groups(groups)
call_many('ZADD', K.delayed, delayed)
if lane_jobs then lazy().lane_add_many(lane_jobs) end
if dd then lazy().dedupe_write(dd) end
-- A new delayed job may be due sooner than idle workers plan to wake: let them re-plan too.
if waking then wake_send() end
return out
