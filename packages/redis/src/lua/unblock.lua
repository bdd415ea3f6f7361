-- Apply hand-over records (includes/handover.lua) to jobs of this queue blocked on other jobs. Idempotent:
-- a record applied before changes nothing, so the driver and the periodic sweep may both apply one.
-- @include keys, now_ms, int, b36, guard, many, record, waiting, reserve, lanes, finish, flags, failures, emit, wake
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix, then per record 4 values: the blocked job's id, the dependency's index
--       (0-based, in its dependsOn), its outcome letter (c d k x m), its result JSON or ''.
-- The outcome and result are kept in the job's deps:<id> hash (ctx.dependencies() reads them). When the
-- last one ended the job is waiting (or delayed, or in its lane) with an 'unblocked' event; when one did not
-- complete and the job does not ignore failures (record tag D, 'Di' ignores), it is dead with a
-- DependencyFailedError, which it hands on to the jobs blocked on it in turn.
-- Returns how many hand-over records that wrote (in this queue).
local now = now_ms()
EVENT_AT = int(now)
local OUTCOME = { d = 'ended dead', k = 'ended cancelled', x = 'ended expired', m = 'was removed before it ended' }
guard('jobs', 'delayed', 'dead', 'seq', 'errors', 'events', 'finished')
local woke = false
for i = 2, #ARGV, 4 do
  local id, index, outcome, result = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local deps = FLOW .. 'deps:' .. id
  if redis.call('EXISTS', deps) == 1 and redis.call('HEXISTS', deps, 'o' .. index) == 0 then
    redis.call('HSET', deps, 'o' .. index, outcome)
    if result ~= '' then redis.call('HSET', deps, 'r' .. index, result) end
    local left = redis.call('HINCRBY', deps, 'left', -1)
    local rec = redis.call('HGET', K.jobs, id)
    local state, attempt, tags, name = rec_read(rec)
    if state == 'b' and outcome ~= 'c' and rec_tag(tags, 'D') ~= 'i' then
      local ref = cjson.decode(redis.call('HGET', deps, 'refs'))[tonumber(index) + 1]
      local message = 'dependency ' .. ref[2] .. ' in queue "' .. ref[1] .. '" ' .. OUTCOME[outcome]
      local err = { name = 'DependencyFailedError', message = message, attempt = attempt, at = now }
      redis.call('ZREM', FLOW .. 'blocked', id)
      redis.call('HSET', K.errors, id, append_error(redis.call('HGET', K.errors, id), err))
      bury(id, rec, tags, attempt, now, name, flags_of(tags, 'e'), cjson.encode(err))
    elseif state == 'b' and left <= 0 then
      redis.call('ZREM', FLOW .. 'blocked', id)
      local run_at = tonumber(rec_tag(tags, 'R') or rec_tag(tags, 'E'), 36)
      if run_at > now then
        local seq = reserve(K.seq, 1) + 1
        redis.call('HSET', K.jobs, id, rec_rewrite(rec, tags, 'l', attempt, nil, ',Q' .. seq))
        redis.call('ZADD', K.delayed, int(run_at), string.format('%016d:%s', seq, id))
      elseif string.find(tags, ',L', 1, true) then
        redis.call('HSET', K.jobs, id, lane_enter(id, rec, tags, name, attempt, false))
      else
        guard_waiting(rec_priority(tags))
        redis.call('HSET', K.jobs, id, rec_rewrite(rec, tags, 'w', attempt))
        push_waiting(rec_priority(tags), { id })
      end
      emit('U', id, name, int(attempt))
      woke = true
    end
  end
end
if woke then wake() end
return HANDED_OVER
