-- Lease up to N jobs: promote due delayed jobs, recover expired leases (bounded),
-- then take the best waiting jobs, count their try and issue fresh fencing tokens.
-- @include keys, now_ms, int, b36, guard, many, record, record_check, emit, wake
-- @lazy maintenance, failures, lane_pick, lanes, finish, handover
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix, [2] max jobs, [3] lease ms, [4] bound on promoted/recovered jobs,
--       [5] a random nonce, new per call (the driver's): a job's token is "<nonce>.<n>", n its place in
--       this call. Nothing stored in Redis goes into it, so a token never repeats for a job even when Redis
--       loses writes (a restart from a snapshot, a lagging replica promoted, FLUSHALL).
-- Returns { leaseUntil, dueIn, then per job: id, record (as written, with its token), errors JSON or nil, progress or nil }.
-- dueIn, when this fetch took fewer jobs than asked (the queue is drained, or paused): ms until the
-- earliest delayed job falls due or lease lapses, -1 for none; '' otherwise. An idle worker plans its
-- wait from it, with no read of its own (wake-waiter.ts).
-- Limited jobs wait in lanes (lanes.lua): when there are any, lanes with room and the waiting lists
-- share the fetch (lane_pick.lua). A job past its expiry (Z tag) ends expired instead of starting.
-- Reads before writes, so a failing step leaves nothing half-done.
local max, lease_ms, bound, nonce = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
if max < 1 then return {} end
local now = now_ms()
EVENT_AT = int(now)
-- Delayed jobs due and leases lapsed: rare, so their code is only built when there are some (@lazy).
local due = redis.call('ZRANGEBYSCORE', K.delayed, '-inf', now, 'LIMIT', 0, bound)
local expired = redis.call('ZRANGEBYSCORE', K.active, '-inf', now, 'LIMIT', 0, bound)
if #due > 0 or #expired > 0 then lazy().maintain(now, due, expired) end

-- Reads only: how long an idle worker may sleep.
local lane_at = nil
local function due_in()
  local delayed = redis.call('ZRANGE', K.delayed, 0, 0, 'WITHSCORES')[2]
  local active = redis.call('ZRANGE', K.active, 0, 0, 'WITHSCORES')[2]
  local first = math.min(tonumber(delayed) or math.huge, tonumber(active) or math.huge, lane_at or math.huge)
  if first == math.huge then return -1 end
  return int(math.max(0, first - now))
end

-- This fetch looked at the queue: a write after it must wake idle workers again (see wake()).
-- The marker is cleared on every way out that leaves no job behind, after the steps that can fail.
if redis.call('EXISTS', K.paused) == 1 then
  local due = due_in()
  redis.call('DEL', K.marker)
  return { '', due }
end

-- Lanes first, for their share: half the fetch (rounded up) while the waiting lists have jobs too; a
-- fetch of one alternates with the clock. The waiting lists fill the rest.
local flow = string.sub(WAITING, 1, -9)
local picks, scanned, take, sizes, limits_cache = nil, nil, nil, nil, nil
local picked = 0
local holds = false
local lane_budget = 0
if redis.call('EXISTS', flow .. 'lanes') == 1 then
  holds = redis.call('HLEN', flow .. 'holds') > 0
  if redis.call('ZCARD', K.priorities) == 0 then lane_budget = max
  elseif max > 1 then lane_budget = max - math.floor(max / 2)
  elseif now % 2 == 0 then lane_budget = 1 end
  if lane_budget > 0 then
    picks, scanned, take, sizes, lane_at, limits_cache = lazy().lane_pick(now, lane_budget)
    picked = #picks
  end
end

-- Which lists to take from, highest priority first. LLEN is also each list's type check.
local lists, counts, emptied = {}, {}, {}
local want, level = max - picked, 0
local more = lane_budget > 0 and picked == lane_budget
while true do
  local priority = redis.call('ZRANGE', K.priorities, level, level)[1]
  if not priority then break end
  if want == 0 then
    more = true
    break
  end
  local length = redis.call('LLEN', WAITING .. priority)
  local take = math.min(length, want)
  lists[#lists + 1], counts[#counts + 1], emptied[#emptied + 1] = priority, take, take == length
  want = want - take
  if want == 0 and take < length then
    more = true
    break
  end
  level = level + 1
end
if #lists == 0 and picked == 0 then
  local due = due_in()
  redis.call('DEL', K.marker)
  -- Lanes with no room go to the back, so the next fetch looks at others.
  if scanned and #scanned > 0 then lazy().lane_commit(picks, scanned, take, sizes, {}, now, limits_cache) end
  return { '', due }
end

-- Read, not popped: the ids leave their lists only once nothing below can fail.
local ids = {}
for n, priority in ipairs(lists) do
  if counts[n] > 0 then
    for _, id in ipairs(redis.call('LRANGE', WAITING .. priority, 0, counts[n] - 1)) do ids[#ids + 1] = id end
  end
end
local from_lists = #ids
if picks then
  for _, pick in ipairs(picks) do ids[#ids + 1] = pick[3] end
end
local records = #ids > 0 and hmget_many(K.jobs, ids) or {}
-- Parallel arrays, not a table per job: the jobs to lease, with what their record says.
local good, good_rec, good_tags, good_attempt, good_name = {}, {}, {}, {}, {}
local bad, bad_reason = {}, {}
local extras = {}
-- Jobs that do not start: past their expiry, or of a name held back (RateLimitedError) found in a list.
-- (Tables and the closure built only when needed: this runs on every fetch.)
local expired, diverted = nil, nil
local held_names = holds and {} or nil
local name_held = holds and function(name)
  if held_names[name] == nil then held_names[name] = (tonumber(redis.call('HGET', flow .. 'holds', name)) or 0) > now end
  return held_names[name]
end
for n, id in ipairs(ids) do
  local rec = records[n]
  local state, attempt, tags, name, written = rec_read(rec)
  local reason = rec_check(rec, state, tags, name)
  if reason then
    bad[#bad + 1], bad_reason[#bad_reason + 1] = n, reason
  elseif state == 'w' and string.find(tags, ',Z', 1, true) and tonumber(rec_tag(tags, 'Z'), 36) <= now then
    expired = expired or {}
    expired[#expired + 1] = n
  elseif state == 'w' and holds and n <= from_lists and name_held(name) then
    diverted = diverted or {}
    diverted[#diverted + 1] = n
  elseif state == 'w' then
    -- (Another state: an id left behind in the list, the record moved on. Dropped from the list, record untouched.)
    local g = #good + 1
    -- The try about to start, as text: '1' for a job never tried, no number formatting.
    good[g], good_rec[g], good_tags[g], good_attempt[g], good_name[g] = id, rec, tags, written == '' and '1' or tostring(attempt + 1), name
    if string.find(tags, ',X', 1, true) then extras[#extras + 1] = g end
  end
end
-- Errors and progress of jobs that have them (their X flags), read before the first write.
local errors, progress = {}, {}
if #extras > 0 then
  local wanted = {}
  for _, g in ipairs(extras) do wanted[#wanted + 1] = good[g] end
  local e, p = hmget_many(K.errors, wanted), hmget_many(K.progress, wanted)
  for n, g in ipairs(extras) do errors[g], progress[g] = e[n], p[n] end
end
guard('events')
if #good > 0 then guard('active') end
if more then guard('marker') end
if #bad > 0 then guard('dead', 'errors', 'finished') end
if expired then guard('finished') end

-- Freeing first: at maxmemory Redis refuses a script whose first write may grow memory, and
-- workers must still drain a full Redis.
for n, priority in ipairs(lists) do
  if emptied[n] then
    redis.call('DEL', WAITING .. priority)
    redis.call('ZREM', K.priorities, priority)
  elseif counts[n] > 0 then
    redis.call('LTRIM', WAITING .. priority, counts[n], -1)
  end
end
if picked > 0 then
  local lane_jobs = {}
  for g, id in ipairs(good) do
    local group = string.match(good_tags[g], ',L([^,]*)')
    if group then lane_jobs[#lane_jobs + 1] = { id, nonce .. '.' .. g, good_name[g], group ~= '' and group or nil } end
  end
  lazy().lane_commit(picks, scanned, take, sizes, lane_jobs, now, limits_cache)
end
if expired then
  local finished = ',F' .. b36(now)
  local first = lazy().finish_scores(now, #expired)
  for e, n in ipairs(expired) do
    local _, attempt, tags, name = rec_read(records[n])
    redis.call('HSET', K.jobs, ids[n], rec_rewrite(records[n], tags, 'x', attempt, ',[TQF][^,]*', finished))
    redis.call('ZADD', flow .. 'expired', string.format('%d', first + e - 1), ids[n])
    emit('X', ids[n], name, int(attempt))
    lazy().handover(ids[n], 'x')
  end
end
if diverted then
  for _, n in ipairs(diverted) do
    local _, attempt, tags, name = rec_read(records[n])
    redis.call('HSET', K.jobs, ids[n], lazy().lane_enter(ids[n], records[n], tags, name, attempt, false))
  end
end
local lease_until = now + lease_ms
local lease_text = int(lease_until)
-- Text, formatted once: redis.call would format each number per job.
local started = ',S' .. b36(now)
local out = { lease_text, '' }
local leased, updates = {}, {}
for g, id in ipairs(good) do
  local attempt_text = good_attempt[g]
  local token = nonce .. '.' .. g
  local rec = rec_rewrite(good_rec[g], good_tags[g], 'a', attempt_text, ',[STQF][^,]*', started .. ',T' .. token)
  local l = #leased
  leased[l + 1], leased[l + 2] = lease_text, id
  updates[l + 1], updates[l + 2] = id, rec
  emit('A', id, good_name[g], attempt_text)
  local o = #out
  out[o + 1], out[o + 2], out[o + 3], out[o + 4] = id, rec, errors[g] or false, progress[g] or false
end
call_many('HSET', K.jobs, updates)
call_many('ZADD', K.active, leased)
if #good < max then out[2] = due_in() end
if diverted then more = true end
for n, i in ipairs(bad) do lazy().quarantine(ids[i], records[i], bad_reason[n], now) end
-- Took all it asked for and more is left: idle workers must hear of it. A live marker says they
-- were told and the work is still there, so a busy worker's every fetch does not publish again
-- (one PUBLISH and one message to every process per fetch, before). Drained: clear the marker,
-- so the next write wakes them.
if more then wake() else redis.call('DEL', K.marker) end
return out
