-- Record failed tries of leased jobs: retry at a time, or dead. A stale token changes nothing.
-- @include keys, now_ms, int, guard, many, record, waiting, waiting_groups, flags, failures, emit, wake
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix, then per job 5 values: id, token, error JSON or '' (ctx.retry), retryAt ms or '' (dead),
--       held until ms or '' (a RateLimitedError: the job's lane is held, the job waits at its front, the try not counted)
-- Returns one 1 (ok) or 0 (lost) per job, then, when a dead job left hand-over records (handover.lua), how many.
-- Every record is read before the first write, and the other keys checked: all or nothing.
local now = now_ms()
EVENT_AT = int(now)
local ids = {}
for i = 2, #ARGV, 5 do ids[#ids + 1] = ARGV[i] end
local records = hmget_many(K.jobs, ids)
local out = {}
local held, settled = {}, {}
local groups = {}
local k = 0
for i = 2, #ARGV, 5 do
  k = k + 1
  local id, token = ARGV[i], ARGV[i + 1]
  local state, _, tags = rec_read(records[k])
  if state == 'a' and not settled[id] and rec_tag(tags, 'T') == token then
    settled[id] = true
    held[#held + 1] = k
    local retry = ARGV[i + 3]
    if retry ~= '' and ARGV[i + 4] == '' and tonumber(retry) <= now and not string.find(tags, ',L', 1, true) then
      group_add(groups, rec_priority(tags), id)
    end
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if #held == 0 then return out end
local held_ids = {}
for n, h in ipairs(held) do held_ids[n] = ids[h] end
local lists = hmget_many(K.errors, held_ids)
guard_groups(groups)
guard('active', 'delayed', 'dead', 'seq', 'errors', 'events', 'marker', 'finished')

-- Freeing first (see complete.lua).
call_many('ZREM', K.active, held_ids)
local requeued = false
for n, h in ipairs(held) do
  local i = 2 + (h - 1) * 5
  local id, err_in, retry, hold = ARGV[i], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local rec = records[h]
  local _, attempt, tags, name = rec_read(rec)
  local attempt_text = int(attempt)
  lane_stop(id, name, tags)
  local err_json = nil
  local flags = flags_of(tags)
  if hold ~= '' then
    -- Held back, not failed: the lane (the group's, else the name's) waits until then, this job first.
    local lane = lane_of(name, tags) or name
    local until_ms = math.max(tonumber(hold), tonumber(redis.call('HGET', FLOW .. 'holds', lane)) or 0)
    redis.call('HSET', FLOW .. 'holds', lane, string.format('%d', until_ms))
    redis.call('HSET', K.jobs, id, lane_enter(id, rec, tags, name, math.max(0, attempt - 1), true))
    emit('H', id, name, int(math.max(0, attempt - 1)), string.format('%d', tonumber(hold)))
    requeued = true
  elseif err_in ~= '' then
    local err = cjson.decode(err_in)
    err.attempt = attempt
    err.at = now
    redis.call('HSET', K.errors, id, append_error(lists[n], err))
    err_json = cjson.encode(err)
    flags = flags_of(tags, 'e')
    emit('F', id, name, attempt_text, err_json)
  end
  if hold ~= '' then
    -- (done above)
  elseif retry ~= '' then
    retry_at(id, rec, tags, attempt, now, tonumber(retry), name, flags)
    requeued = true
  else
    if not err_json and lists[n] then
      local ok, list = pcall(cjson.decode, lists[n])
      if ok and type(list) == 'table' and #list > 0 then err_json = cjson.encode(list[#list]) end
    end
    bury(id, rec, tags, attempt, now, name, flags, err_json)
  end
end
if requeued then wake() end
if HANDED_OVER > 0 then out[#out + 1] = HANDED_OVER end
return out
