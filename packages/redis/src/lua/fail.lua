-- Record failed tries of leased jobs: retry at a time, or dead. A stale token changes nothing.
-- @include keys, now_ms, int, guard, many, record, waiting, waiting_groups, flags, failures, emit, wake
-- KEYS: the queue keys (see includes/keys.lua).
-- ARGV: [1] waiting-list prefix, then per job 4 values: id, token, error JSON or '' (ctx.retry), retryAt ms or '' (dead)
-- Returns one 1 (ok) or 0 (lost) per job.
-- Every record is read before the first write, and the other keys checked: all or nothing.
local now = now_ms()
EVENT_AT = int(now)
local ids = {}
for i = 2, #ARGV, 4 do ids[#ids + 1] = ARGV[i] end
local records = hmget_many(K.jobs, ids)
local out = {}
local held, settled = {}, {}
local groups = {}
local k = 0
for i = 2, #ARGV, 4 do
  k = k + 1
  local id, token = ARGV[i], ARGV[i + 1]
  local state, _, tags = rec_read(records[k])
  if state == 'a' and not settled[id] and rec_tag(tags, 'T') == token then
    settled[id] = true
    held[#held + 1] = k
    local retry = ARGV[i + 3]
    if retry ~= '' and tonumber(retry) <= now then group_add(groups, rec_priority(tags), id) end
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
  local i = 2 + (h - 1) * 4
  local id, err_in, retry = ARGV[i], ARGV[i + 2], ARGV[i + 3]
  local rec = records[h]
  local _, attempt, tags, name = rec_read(rec)
  local attempt_text = int(attempt)
  local err_json = nil
  local flags = flags_of(tags)
  if err_in ~= '' then
    local err = cjson.decode(err_in)
    err.attempt = attempt
    err.at = now
    redis.call('HSET', K.errors, id, append_error(lists[n], err))
    err_json = cjson.encode(err)
    flags = flags_of(tags, 'e')
    emit('F', id, name, attempt_text, err_json)
  end
  if retry ~= '' then
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
return out
