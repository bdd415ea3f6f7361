-- Moves up to N jobs of storage layout 1 (a hash and a payload string per job, five zsets of
-- "<seq16>:<id>") into layout 2 (keys.ts), keeping each job's state, order and history.
-- @include keys, b36, guard, many, record, waiting, waiting_groups
-- KEYS: [1] the queue's jobs hash (see includes/keys.lua), then layout 1's indexes: [2] waiting, [3] delayed,
--       [4] active, [5] completed, [6] dead.
-- ARGV: [1] waiting-list prefix, [2] layout 1's job hash prefix ("{p:q}:job:"), [3] its payload
--       prefix ("{p:q}:pl:"), [4] most jobs to move.
-- Returns how many layout-1 index entries are left (0: the queue is on layout 2).
-- Reads first, then writes: all or nothing per call; calls may repeat until 0.
local OLD = { { KEYS[2], 'w' }, { KEYS[3], 'l' }, { KEYS[4], 'a' }, { KEYS[5], 'c' }, { KEYS[6], 'd' } }
local bound = tonumber(ARGV[4])
local function left()
  local count = 0
  for _, index in ipairs(OLD) do count = count + redis.call('ZCARD', index[1]) end
  return count
end
local todo = {}
for _, index in ipairs(OLD) do
  if #todo >= bound then break end
  -- ZRANGE order is priority then FIFO for waiting, due time for delayed, finish time for the rest.
  local entries = redis.call('ZRANGE', index[1], 0, bound - #todo - 1, 'WITHSCORES')
  for i = 1, #entries, 2 do
    local m = entries[i]
    local id = string.sub(m, 18)
    local hash = redis.call('HGETALL', ARGV[2] .. id)
    local fields = {}
    for f = 1, #hash, 2 do fields[hash[f]] = hash[f + 1] end
    todo[#todo + 1] = { index = index, member = m, score = entries[i + 1], id = id, fields = fields,
      payload = fields.p or redis.call('GET', ARGV[3] .. id) }
  end
end
if #todo == 0 then return 0 end
local existing = {}
for n, job in ipairs(todo) do existing[n] = job.id end
existing = hmget_many(K.jobs, existing)
local groups = {}
for n, job in ipairs(todo) do
  local pr = tonumber(job.fields.pr) or 0
  job.priority = tostring(math.floor(pr))
  if job.index[2] == 'w' and job.fields.n and not existing[n] then group_add(groups, job.priority, job.id) end
end
guard_groups(groups)
guard('jobs', 'delayed', 'active', 'completed', 'dead', 'results', 'errors', 'progress')

local function tag(letter, value) return value and (',' .. letter .. value) or '' end
local function time_tag(letter, value) return tonumber(value) and (',' .. letter .. b36(tonumber(value))) or '' end
for n, job in ipairs(todo) do
  local f, letter = job.fields, job.index[2]
  redis.call('ZREM', job.index[1], job.member)
  redis.call('DEL', ARGV[2] .. job.id, ARGV[3] .. job.id)
  -- No hash: only a stray index entry. A job of the same id already on layout 2 stays as it is.
  if f.n and not existing[n] then
    local attempt = tonumber(f.a) or 0
    local errors = f.e and f.e ~= '' and f.e ~= '[]' and f.e ~= '{}'
    local flags = (errors and 'e' or '') .. (f.pg and 'g' or '')
    local tags = time_tag('E', f.ea) .. ((f.ra ~= f.ea) and time_tag('R', f.ra) or '')
      .. ((f.ma and f.ma ~= '1') and tag('M', f.ma) or '') .. ((job.priority ~= '0') and tag('P', job.priority) or '')
      .. time_tag('C', f.sf) .. time_tag('S', f.sa) .. time_tag('F', f.fa)
      .. ((letter == 'a') and tag('T', f.t) or '') .. ((letter == 'l') and tag('Q', tostring(tonumber(string.sub(job.member, 1, 16)))) or '')
      .. ((flags ~= '') and (',X' .. flags) or '')
    redis.call('HSET', K.jobs, job.id, letter .. (attempt > 0 and attempt or '') .. tags .. '|' .. f.n .. '|' .. (job.payload or 'null'))
    if errors then redis.call('HSET', K.errors, job.id, f.e) end
    if f.pg then redis.call('HSET', K.progress, job.id, f.pg) end
    if letter == 'c' and f.r and f.r ~= 'null' then redis.call('HSET', K.results, job.id, f.r) end
    -- The delayed index keeps its member format: the same member, the same place.
    if letter == 'l' then redis.call('ZADD', K.delayed, job.score, job.member)
    elseif letter == 'a' then redis.call('ZADD', K.active, job.score, job.id)
    elseif letter == 'c' or letter == 'd' then
      -- Layout 1 scored by finish ms, ties in member (sequence) order: the sequence breaks ties here too.
      -- Below anything finish.lua gives from now on, which starts at now * 1000.
      local score = tonumber(job.score) * 1000 + (tonumber(string.sub(job.member, 1, 16)) or 0) % 1000
      redis.call('ZADD', letter == 'c' and K.completed or K.dead, string.format('%d', score), job.id)
    end
  end
end
push_groups(groups)
return left()
