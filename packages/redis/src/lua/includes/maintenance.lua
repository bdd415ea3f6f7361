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
  -- The waiting lists both kinds may join, for their type checks.
  local groups = {}
  local function plan(ids, recs, state)
    for n, id in ipairs(ids) do
      local rec = recs[n]
      if not rec_problem(rec) and string.sub(rec, 1, 1) == state then
        local _, _, tags = rec_read(rec)
        group_add(groups, rec_priority(tags), id)
      end
    end
  end
  plan(due_ids, due_recs, 'l')
  plan(expired, lapsed_recs, 'a')
  guard_groups(groups)
  guard('priorities', 'dead', 'errors', 'events', 'seq', 'finished')

  -- Freeing first: at maxmemory Redis refuses a script whose first write may grow memory (these would),
  -- which would keep every fetch failing once a lease lapsed on a full Redis.
  call_many('ZREM', K.delayed, due)
  call_many('ZREM', K.active, expired)
  local promoted = {}
  for n, id in ipairs(due_ids) do
    local rec = due_recs[n]
    local reason = rec_problem(rec)
    if reason then
      quarantine(id, rec, reason, now)
    elseif string.sub(rec, 1, 1) == 'l' then
      local _, attempt, tags = rec_read(rec)
      local p = #promoted
      promoted[p + 1], promoted[p + 2] = id, rec_rewrite(rec, tags, 'w', attempt, ',Q[^,]*')
    end
    -- Another state: an index entry left behind; only the entry goes.
  end
  call_many('HSET', K.jobs, promoted)
  -- Promoted jobs join their lists in one push per priority, before the recovered ones (retry_at pushes each).
  local promoted_groups = {}
  for p = 1, #promoted, 2 do
    local _, _, tags = rec_read(promoted[p + 1])
    group_add(promoted_groups, rec_priority(tags), promoted[p])
  end
  push_groups(promoted_groups)
  for n, id in ipairs(expired) do
    local rec = lapsed_recs[n]
    local reason = rec_problem(rec)
    if reason then
      quarantine(id, rec, reason, now)
    elseif string.sub(rec, 1, 1) == 'a' then
      local _, attempt, tags, name = rec_read(rec)
      local err = cjson.encode({ name = 'LeaseExpiredError', message = 'lease expired', attempt = attempt, at = now })
      redis.call('HSET', K.errors, id, append_error(lapsed_errors[n], cjson.decode(err)))
      local attempt_text = int(attempt)
      emit('F', id, name, attempt_text, err)
      local flags = flags_of(tags, 'e')
      if attempt >= tonumber(rec_tag(tags, 'M') or '1') then
        bury(id, rec, tags, attempt, now, name, flags, err)
      else
        retry_at(id, rec, tags, attempt, now, now, name, flags)
      end
    end
  end
end
