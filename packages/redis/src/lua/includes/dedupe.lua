-- @include keys, now_ms, state_name, b36, member_at
-- Dedupe windows of enqueue.lua (lanes.lua lists the flow-control keys): per job name and key a
-- STRING "{p:q}:v2:dedupe:<name>|<key>" holding the id of the job that took it, expiring with the window.
-- `dd` is the call's state: taken (key -> id, this call), set (keys to take), debounced (jobs to
-- rewrite), created (id -> state, this call), now (the clock once read).

-- The flow values of the jobs that have one: ARGV[3 .. 2 + count], each "<job index>:<value>".
local function flow_values(count)
  local flows = {}
  for j = 3, 2 + count do
    local k, value = string.match(ARGV[j], '^(%d+):(.*)$')
    flows[tonumber(k)] = value
  end
  return flows
end

-- For the job at ARGV[i..]: the id and state of the job holding its key, or nil (it takes the key).
-- spec: "<mode>,<ttl ms>,<max wait ms or ''>,<key>". Reads only; dedupe_write writes.
local function dedupe_holder(dd, i, spec)
  local mode, ttl, max_wait, key = string.match(spec, '^(%a+),(%d+),(%d*),(.*)$')
  local dkey = string.sub(WAITING, 1, -9) .. 'dedupe:' .. ARGV[i + 1] .. '|' .. key
  local holder = dd.taken[dkey]
  if holder then return holder, dd.created[holder] end
  holder = redis.call('GET', dkey)
  local rec = holder and redis.call('HGET', K.jobs, holder)
  if rec and mode == 'throttle' then return holder, state_name(string.sub(rec, 1, 1)) end
  if rec and string.sub(rec, 1, 1) == 'l' then
    -- Debounce, not started yet: the last payload, a start ttl from now (at most max wait after the first).
    dd.now = dd.now or now_ms()
    local run_at = dd.now + tonumber(ttl)
    if max_wait ~= '' then run_at = math.min(run_at, tonumber(string.match(rec, '^[^|]*,E([^,|]*)'), 36) + tonumber(max_wait)) end
    dd.debounced[#dd.debounced + 1] = { holder, rec, run_at, string.match(ARGV[i + 5], '^[^|]*|[^|]*|(.*)$'), dkey, ttl }
    return holder, 'delayed'
  end
  dd.taken[dkey] = ARGV[i]
  dd.set[#dd.set + 1] = { dkey, ARGV[i], ttl }
  return nil
end

-- The writes: keys taken, debounced jobs moved and given their new payload. Needs guard('delayed').
local function dedupe_write(dd)
  for _, key in ipairs(dd.set) do redis.call('SET', key[1], key[2], 'PX', key[3]) end
  for _, d in ipairs(dd.debounced) do
    local id, rec, run_at, payload = d[1], d[2], d[3], d[4]
    local head, name = string.match(rec, '^([^|]*)|([^|]*)|')
    local q = string.match(head, ',Q([^,]*)')
    head = (string.gsub(head, ',R[^,]*', '')) .. ',R' .. b36(run_at)
    redis.call('HSET', K.jobs, id, head .. '|' .. name .. '|' .. payload)
    redis.call('ZADD', K.delayed, string.format('%d', run_at), member_at(tonumber(q), id))
    redis.call('SET', d[5], id, 'PX', d[6])
  end
end
