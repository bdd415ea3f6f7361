-- @include keys, int, b36, guard, many, record, record_check, waiting, waiting_groups, flags, failures
-- What a fetch does first when it found some: promote due delayed jobs (members `due`) to waiting,
-- and recover lapsed leases (ids `expired`; their try counts as failed: another try, or dead).
-- Reads (and type checks) first, then writes.
local function maintain(now, due, expired)
  local due_ids = {}
  for n, m in ipairs(due) do due_ids[n] = string.sub(m, 18) end
  local due_recs = #due_ids > 0 and hmget_many(K.jobs, due_ids) or {}
  local lapsed_recs = #expired > 0 and hmget_many(K.jobs, expired) or {}
  local lapsed_errors = #expired > 0 and hmget_many(K.errors, expired) or {}
  -- handle(n, id, rec) for each record in `state`; one that cannot be handled goes to bad(id, rec, reason)
  -- when given; one in another state (an index entry left behind) to neither, and only its entry goes.
  local function each(ids, recs, state, handle, bad)
    for n, id in ipairs(ids) do
      local rec = recs[n]
      local reason = rec_problem(rec)
      if reason then
        if bad then bad(id, rec, reason) end
      elseif string.sub(rec, 1, 1) == state then
        handle(n, id, rec)
      end
    end
  end
  -- The waiting lists each kind may join: type-checked now; promoted jobs then join theirs in one push each.
  local promote_groups, retry_groups = {}, {}
  -- (Limited jobs go to their lanes instead: lanes.lua.)
  local function grouped(groups)
    return function(_, id, rec)
      local _, _, tags = rec_read(rec)
      if not string.find(tags, ',L', 1, true) then group_add(groups, rec_priority(tags), id) end
    end
  end
  each(due_ids, due_recs, 'l', grouped(promote_groups))
  each(expired, lapsed_recs, 'a', grouped(retry_groups))
  guard_groups(promote_groups)
  guard_groups(retry_groups)
  guard('priorities', 'dead', 'errors', 'events', 'seq', 'finished')

  -- Freeing first: at maxmemory Redis refuses a script whose first write may grow memory (these would),
  -- which would keep every fetch failing once a lease lapsed on a full Redis.
  call_many('ZREM', K.delayed, due)
  call_many('ZREM', K.active, expired)
  local function bad(id, rec, reason) quarantine(id, rec, reason, now) end
  local promoted = {}
  each(due_ids, due_recs, 'l', function(_, id, rec)
    local _, attempt, tags, name = rec_read(rec)
    local p = #promoted
    if string.find(tags, ',L', 1, true) then
      promoted[p + 1], promoted[p + 2] = id, lane_enter(id, rec, tags, name, attempt, false, ',Q[^,]*')
    else
      promoted[p + 1], promoted[p + 2] = id, rec_rewrite(rec, tags, 'w', attempt, ',Q[^,]*')
    end
  end, bad)
  call_many('HSET', K.jobs, promoted)
  -- Before the recovered ones, which retry_at pushes one by one.
  push_groups(promote_groups)
  each(expired, lapsed_recs, 'a', function(n, id, rec)
    local _, attempt, tags, name = rec_read(rec)
    lane_stop(id, name, tags)
    local err = { name = 'LeaseExpiredError', message = 'lease expired', attempt = attempt, at = now }
    local err_json = cjson.encode(err)
    redis.call('HSET', K.errors, id, append_error(lapsed_errors[n], err))
    emit('F', id, name, int(attempt), err_json)
    local flags = flags_of(tags, 'e')
    if attempt >= tonumber(rec_tag(tags, 'M') or '1') then
      bury(id, rec, tags, attempt, now, name, flags, err_json)
    else
      retry_at(id, rec, tags, attempt, now, now, name, flags)
    end
  end, bad)
end
