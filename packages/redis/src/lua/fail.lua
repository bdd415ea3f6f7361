-- Record failed tries of leased jobs: retry at a time, or dead. A stale token changes nothing.
-- @include keys, now_ms, guard, emit, record_error, retry_at, bury
-- KEYS: the queue keys (see includes/keys.lua).
-- ARGV: [1] job prefix, then per job 4 values: id, token, error JSON or '' (ctx.retry), retryAt ms or '' (dead)
-- Returns one 1 (ok) or 0 (lost) per job.
-- Every job hash is read before the first write, and the other keys checked: all or nothing.
local now = now_ms()
local out = {}
local held_jobs = {}
local settled = {}
for i = 2, #ARGV, 4 do
  local id, token = ARGV[i], ARGV[i + 1]
  local state, current, name, attempt = unpack(redis.call('HMGET', JOB .. id, 's', 't', 'n', 'a'))
  if state == 'active' and current == token and not settled[id] then
    settled[id] = true
    held_jobs[#held_jobs + 1] = { i, name, attempt }
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if #held_jobs == 0 then return out end
guard('active', 'waiting', 'delayed', 'dead', 'seq', 'events', 'marker')

for _, job in ipairs(held_jobs) do
  local i, name, attempt = job[1], job[2], job[3]
  local id, err_in, retry = ARGV[i], ARGV[i + 2], ARGV[i + 3]
  local jkey = JOB .. id
  local err_json = nil
  if err_in ~= '' then
    local err = cjson.decode(err_in)
    err.attempt = tonumber(attempt)
    err.at = now
    record_error(jkey, err)
    err_json = cjson.encode(err)
    emit('failed', id, name, attempt, now, 'e', err_json)
  end
  if retry ~= '' then
    retry_at(jkey, id, name, attempt, now, tonumber(retry))
  else
    if not err_json then
      local list = cjson.decode(redis.call('HGET', jkey, 'e') or '[]')
      if type(list) == 'table' and #list > 0 then err_json = cjson.encode(list[#list]) end
    end
    bury(jkey, id, name, attempt, now, err_json)
  end
end
return out
