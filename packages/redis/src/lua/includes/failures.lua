-- @include keys, record, b36, int, emit, waiting, reserve, finish, lanes, handover
-- Failed tries and damaged records.
-- Appends a failed try to a job's error list (JSON array, last MAX_ERRORS kept); returns the new JSON.
local MAX_ERRORS = 20
local function append_error(list_json, err)
  local list = {}
  if list_json and list_json ~= '' then
    local ok, decoded = pcall(cjson.decode, list_json)
    if ok and type(decoded) == 'table' then list = decoded end
  end
  list[#list + 1] = err
  while #list > MAX_ERRORS do table.remove(list, 1) end
  return cjson.encode(list)
end

-- A job whose record cannot be handled, already out of its index: dead with the reason, so fetch goes
-- on (one bad record never blocks a queue). Unreadable text becomes the dead record's payload, kept for
-- inspection. With no record at all only the index entry went. Needs guard('jobs', 'dead', 'errors', 'events', 'finished').
local function quarantine(id, rec, reason, now)
  local err_json = cjson.encode({ name = 'CorruptJobError', message = 'corrupt job record: ' .. reason, attempt = 0, at = now })
  local name = ''
  if rec then
    local state, _, tags, rec_name = rec_read(rec)
    local dead
    if state then
      name = rec_name
      dead = rec_rewrite(rec, tags, 'd', 0, ',[TQFX][^,]*', ',F' .. b36(now) .. ',Xe')
    else
      dead = 'd,F' .. b36(now) .. ',Xe||' .. rec
    end
    redis.call('HSET', K.jobs, id, dead)
    redis.call('HSET', K.errors, id, '[' .. err_json .. ']')
    redis.call('ZADD', K.dead, string.format('%d', finish_scores(now, 1)), id)
  end
  emit('D', id, name, '0', err_json)
end


-- A held job out of tries: dead, kept with its errors. Needs guard('jobs', 'dead', 'events', 'finished').
local function bury(id, rec, tags, attempt, now, name, flags, err_json)
  redis.call('HSET', K.jobs, id, rec_rewrite(rec, tags, 'd', attempt, ',[TQFX][^,]*', ',F' .. b36(now) .. flags))
  redis.call('ZADD', K.dead, string.format('%d', finish_scores(now, 1)), id)
  emit('D', id, name, int(attempt), err_json)
  handover(id, 'd')
end

-- A held job to try again at `run_at`: delayed, or at the back of its priority's waiting list.
-- Needs guard('jobs', 'delayed', 'seq', 'priorities', 'events') and guard_waiting of its priority.
local function retry_at(id, rec, tags, attempt, now, run_at, name, flags)
  local run_text = int(run_at)
  if run_at > now then
    local seq = reserve(K.seq, 1) + 1
    redis.call('HSET', K.jobs, id, rec_rewrite(rec, tags, 'l', attempt, ',[TQFXR][^,]*', ',R' .. b36(run_at) .. ',Q' .. seq .. flags))
    redis.call('ZADD', K.delayed, run_text, string.format('%016d:%s', seq, id))
  elseif string.find(tags, ',L', 1, true) then
    redis.call('HSET', K.jobs, id, lane_enter(id, rec, tags, name, attempt, false, ',[TQFXR][^,]*', ',R' .. b36(run_at) .. flags))
  else
    redis.call('HSET', K.jobs, id, rec_rewrite(rec, tags, 'w', attempt, ',[TQFXR][^,]*', ',R' .. b36(run_at) .. flags))
    push_waiting(rec_priority(tags), { id })
  end
  emit('R', id, name, int(attempt), run_text)
end
