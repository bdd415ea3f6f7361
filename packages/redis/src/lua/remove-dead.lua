-- Remove up to N dead jobs, oldest first (what retry-dead.lua does with id '', but deleting).
-- @include keys, guard, many, record
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix, [2] most jobs to remove
-- Returns how many jobs were removed. Only jobs whose record still says dead are touched.
-- Every record is read before the first write: all or nothing.
local ids = redis.call('ZRANGE', K.dead, 0, tonumber(ARGV[2]) - 1)
if #ids == 0 then return 0 end
local records = hmget_many(K.jobs, ids)
local gone = {}
-- A dependent's dependencies hash (tag D, see enqueue-blocked.lua) goes with it.
local deps = {}
local base = string.sub(WAITING, 1, -9) .. 'deps:'
for n, id in ipairs(ids) do
  local state, _, tags = rec_read(records[n])
  if state == 'd' then
    gone[#gone + 1] = id
    if string.find(tags, ',D', 1, true) then deps[#deps + 1] = base .. id end
  end
end
if #gone == 0 then return 0 end
guard('results', 'errors', 'progress')
call_many('ZREM', K.dead, gone)
call_many('HDEL', K.jobs, gone)
call_many('HDEL', K.results, gone)
call_many('HDEL', K.errors, gone)
call_many('HDEL', K.progress, gone)
for _, key in ipairs(deps) do redis.call('DEL', key) end
return #gone
