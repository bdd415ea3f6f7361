-- Remove up to N dead jobs, oldest first (what retry-dead.lua does with id '', but deleting).
-- @include keys, guard, many, record
-- KEYS: the queue keys (see includes/keys.lua).
-- ARGV: [1] waiting-list prefix, [2] most jobs to remove
-- Returns how many jobs were removed. Only jobs whose record still says dead are touched.
-- Every record is read before the first write: all or nothing.
local ids = redis.call('ZRANGE', K.dead, 0, tonumber(ARGV[2]) - 1)
if #ids == 0 then return 0 end
local records = hmget_many(K.jobs, ids)
local gone = {}
for n, id in ipairs(ids) do
  if rec_read(records[n]) == 'd' then gone[#gone + 1] = id end
end
if #gone == 0 then return 0 end
guard('results', 'errors', 'progress')
call_many('ZREM', K.dead, gone)
call_many('HDEL', K.jobs, gone)
call_many('HDEL', K.results, gone)
call_many('HDEL', K.errors, gone)
call_many('HDEL', K.progress, gone)
return #gone
