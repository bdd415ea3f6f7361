-- Complete leased jobs; a stale token changes nothing. Applies each job's retention.
-- @include keys, now_ms, int, guard, reserve, member_at, zadd_many, zrem_many, del_many, emit
-- KEYS: the queue keys (see includes/keys.lua).
-- ARGV: [1] job prefix, then per job 5 values: id, token, result JSON,
--       keep age ms or '' ('remove' drops this job at once), keep count or ''
-- Returns one 1 (ok) or 0 (lost) per job.
-- Per job only HMGET and HSET (or DEL) run: index moves, sequence numbers,
-- events and retention trims go in one call each for the whole batch.
local now = now_ms()
-- Text, formatted once: redis.call would format the number per job.
local now_text = int(now)
local out = {}
local TRIM_BOUND = 1000
-- kept: per held job 6 values (jkey, id, result, name, attempt, removed) in one flat array, not a table each.
local left, kept, done, removed = {}, {}, {}, {}
local stays, kept_n = 0, 0
local trims, trim_seen = {}, {}
local last_age, last_count = nil, nil
-- A lease settles once: a job removed on completion keeps its hash until the batch DEL below, so a
-- second item with the same lease would pass the state/token check (and leave a completed index entry without a hash).
local settled = {}

for i = 2, #ARGV, 5 do
  local id, token, result, age, count = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local jkey = JOB .. id
  local state, current, name, attempt, m = unpack(redis.call('HMGET', jkey, 's', 't', 'n', 'a', 'm'))
  if state == 'active' and current == token and not settled[id] then
    settled[id] = true
    left[#left + 1] = m
    -- Emitted after the freeing writes below: a full event buffer flushes (XADD) when it fills.
    -- A counter, not #kept: a nil field (a damaged record) must not shift the others.
    local k = kept_n
    kept[k + 1], kept[k + 2], kept[k + 3], kept[k + 4], kept[k + 5], kept[k + 6] = jkey, id, result, name, attempt, age == 'remove'
    kept_n = k + 6
    if age == 'remove' then
      removed[#removed + 1] = jkey
      removed[#removed + 1] = PAYLOAD .. id
    else
      stays = stays + 1
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
-- The job hashes were read above; the other keys written below are checked before the first write.
-- (active needs no check: its ZREM is that first write.)
guard('events')
if stays > 0 then guard('completed', 'seq') end

-- Freeing first, on purpose: at maxmemory (noeviction) Redis refuses a script whose first
-- write may grow memory (INCRBY, HSET) but lets one that began by freeing run to its end, so a
-- full Redis still drains its backlog.
zrem_many(K.active, left)
del_many(removed)
local seq = stays > 0 and reserve(K.seq, stays) or 0
for k = 1, kept_n, 6 do
  local jkey, id, result, name, attempt = kept[k], kept[k + 1], kept[k + 2], kept[k + 3], kept[k + 4]
  emit('completed', id, name, attempt, now_text, 'd', result)
  if not kept[k + 5] then
    -- A fresh member keeps completions of the same millisecond in finish order.
    -- The stale token stays: only an active job's token is ever honoured.
    seq = seq + 1
    local finished = member_at(seq, id)
    local d = #done
    done[d + 1], done[d + 2] = now_text, finished
    redis.call('HSET', jkey, 's', 'completed', 'm', finished, 'r', result, 'fa', now_text)
  end
end
zadd_many(K.completed, done)

-- Oldest completed jobs past a retention limit go, index entry and hash together.
local function drop(members)
  if #members == 0 then return end
  local keys = {}
  for _, old in ipairs(members) do
    keys[#keys + 1] = JOB .. string.sub(old, 18)
    keys[#keys + 1] = PAYLOAD .. string.sub(old, 18)
  end
  zrem_many(K.completed, members)
  del_many(keys)
end
for _, spec in ipairs(trims) do
  local age, count = spec[1], spec[2]
  if count ~= '' then
    local excess = redis.call('ZCARD', K.completed) - tonumber(count)
    if excess > 0 then drop(redis.call('ZRANGE', K.completed, 0, math.min(excess, TRIM_BOUND) - 1)) end
  end
  if age ~= '' then
    drop(redis.call('ZRANGEBYSCORE', K.completed, '-inf', '(' .. int(now - tonumber(age)), 'LIMIT', 0, TRIM_BOUND))
  end
end
return out
