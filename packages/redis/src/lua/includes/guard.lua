-- @include keys
-- Redis keeps a script's writes up to a failing command: a key of the wrong type met half-way would
-- leave a job half-moved. So before its first write every script reads each queue key it may write,
-- with a read that fails (WRONGTYPE) on a wrong type, unless a read it makes anyway already did
-- The counters (seq, finished) must hold integers.
-- (waiting lists: waiting.lua's guard_waiting). The seq counter must hold an integer for INCRBY.
-- The driver then names the key (key-diagnosis.ts).
-- A read of each kind of key, chosen by name (no table: this runs on every call).
local function probe(name)
  if name == 'events' then return 'XLEN' elseif name == 'marker' then return 'LLEN'
  elseif name == 'jobs' or name == 'results' or name == 'errors' or name == 'progress' then return 'HLEN' end
  return 'ZCARD'
end
local function guard(...)
  -- select, not a table of the arguments: nothing allocated per call.
  for i = 1, select('#', ...) do
    local name = select(i, ...)
    if name == 'seq' or name == 'finished' then
      local value = redis.call('GET', K[name])
      if value and not string.match(value, '^%d+$') then error({ err = 'ERR counter ' .. K[name] .. ' holds no integer' }) end
    else
      redis.call(probe(name), K[name])
    end
  end
end
