-- Complete leased jobs; a stale token changes nothing. Applies each job's retention.
-- @include keys, now_ms, int, b36, guard, many, record, finish, emit, handover
-- @lazy wake
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix, then per job 5 values: id, token, result JSON,
--       keep age ms or '' ('remove' drops this job at once), keep count or ''
-- Returns one 1 (ok) or 0 (lost) per job, then, when jobs blocked on these now have hand-over records
-- (handover.lua), how many.
-- One HMGET reads every record; the index moves, record and result writes, events and
-- retention trims go in one call each for the whole batch.
local now = now_ms()
local now_text = int(now)
EVENT_AT = now_text
local TRIM_BOUND = 1000
local ids = {}
for i = 2, #ARGV, 5 do ids[#ids + 1] = ARGV[i] end
local records = hmget_many(K.jobs, ids)
local out = {}
local left, removed, written, results, done, events = {}, {}, {}, {}, {}, {}
local trims, trim_seen = {}, {}
local last_age, last_count = nil, nil
local finished = ',F' .. b36(now)
-- A lease settles once: a second item with the same lease in one batch is refused.
local settled = {}
-- Limited jobs among them: their slots free up (lanes.lua).
local stops = nil
local dependents_done = nil
local DEPS_KEEP_MS = '604800000'
local k = 0
for i = 2, #ARGV, 5 do
  k = k + 1
  local id, token, result, age, count = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local rec = records[k]
  local state, _, tags, name, attempt = rec_read(rec)
  if state == 'a' and not settled[id] and rec_tag(tags, 'T') == token then
    settled[id] = true
    left[#left + 1] = id
    if string.find(tags, ',L', 1, true) then
      stops = stops or {}
      stops[#stops + 1] = k
    end
    -- A job that had dependencies (tag D): its dependencies hash goes with it, or lives DEPS_KEEP_MS more
    -- (it is no index entry: a retention trim never finds it).
    if string.find(tags, ',D', 1, true) then
      dependents_done = dependents_done or {}
      dependents_done[#dependents_done + 1] = { id, age == 'remove' }
    end
    -- Emitted after the freeing writes below: a full event buffer flushes (XADD) when it fills.
    local e = #events
    events[e + 1], events[e + 2], events[e + 3], events[e + 4] = id, name, attempt, result
    if age == 'remove' then
      removed[#removed + 1] = id
    else
      local w = #written
      written[w + 1], written[w + 2] = id, rec_rewrite(rec, tags, 'c', attempt, ',[TQF][^,]*', finished)
      -- null, what a handler without a return value gives, is not stored: the record says completed.
      if result ~= 'null' then
        local r = #results
        results[r + 1], results[r + 2] = id, result
      end
      done[#done + 1] = id
      -- Jobs of a batch mostly share their retention: look it up once per run of equal values.
      if (age ~= '' or count ~= '') and (age ~= last_age or count ~= last_count) then
        last_age, last_count = age, count
        local spec = age .. '|' .. count
        if not trim_seen[spec] then
          trim_seen[spec] = true
          trims[#trims + 1] = { age, count }
        end
      end
    end
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end

if #left == 0 then return out end
-- The jobs hash was read above; the other keys written below are checked before the first write.
-- (active needs no check: its ZREM is that first write.)
guard('events')
local finished_last = #written > 0 and finish_read() or 0
if #written > 0 then guard('completed') end
if #results > 0 then guard('results') end
if #removed > 0 or #trims > 0 then guard('results', 'errors', 'progress') end

-- Freeing first, on purpose: at maxmemory (noeviction) Redis refuses a script whose first
-- write may grow memory but lets one that began by freeing run to its end, so a full Redis
-- still drains its backlog.
call_many('ZREM', K.active, left)
if stops then
  -- Limited jobs free their slots (lanes.lua's lane_stop, inline: a helper would be built on every call).
  local flow = string.sub(WAITING, 1, -9)
  for _, n in ipairs(stops) do
    local _, _, tags, name = rec_read(records[n])
    local group = rec_tag(tags, 'L')
    redis.call('SREM', flow .. 'run:' .. name, ids[n])
    if group ~= '' then redis.call('SREM', flow .. 'run:' .. name .. '|' .. group, ids[n]) end
  end
end
for e = 1, #events, 4 do emit('C', events[e], events[e + 1], events[e + 2], events[e + 3]) end
-- Jobs blocked on these: one EXISTS for the batch when none are (handover.lua).
for e = 1, #events, 4 do handover(events[e], 'c', events[e + 3] ~= 'null' and events[e + 3] or nil) end
local function forget(gone)
  call_many('HDEL', K.jobs, gone)
  call_many('HDEL', K.results, gone)
  call_many('HDEL', K.errors, gone)
  call_many('HDEL', K.progress, gone)
end
if #removed > 0 then forget(removed) end
call_many('HSET', K.jobs, written)
call_many('HSET', K.results, results)
if #done > 0 then
  local first = finish_give(finished_last, now, #done)
  local scored = {}
  for n, id in ipairs(done) do scored[2 * n - 1], scored[2 * n] = string.format('%d', first + n - 1), id end
  call_many('ZADD', K.completed, scored)
end

-- Oldest completed jobs past a retention limit go, index entry and record together.
local function drop(gone)
  if #gone == 0 then return end
  call_many('ZREM', K.completed, gone)
  forget(gone)
end
for _, spec in ipairs(trims) do
  local age, count = spec[1], spec[2]
  if count ~= '' then
    local excess = redis.call('ZCARD', K.completed) - tonumber(count)
    if excess > 0 then drop(redis.call('ZRANGE', K.completed, 0, math.min(excess, TRIM_BOUND) - 1)) end
  end
  if age ~= '' then
    drop(redis.call('ZRANGEBYSCORE', K.completed, '-inf', '(' .. int((now - tonumber(age)) * 1000), 'LIMIT', 0, TRIM_BOUND))
  end
end
-- A lane may have waited for one of these slots: idle workers look again.
if stops then lazy().wake() end
if dependents_done then
  local base = string.sub(WAITING, 1, -9) .. 'deps:'
  for _, done_job in ipairs(dependents_done) do
    if done_job[2] then redis.call('DEL', base .. done_job[1]) else redis.call('PEXPIRE', base .. done_job[1], DEPS_KEEP_MS) end
  end
end
if HANDED_OVER > 0 then out[#out + 1] = HANDED_OVER end
return out
