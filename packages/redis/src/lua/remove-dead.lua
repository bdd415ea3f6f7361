-- Remove up to N dead jobs, oldest first (what retry-dead.lua does with id '', but deleting).
-- KEYS: the queue keys (see lib.lua).
-- ARGV: [1] job prefix, [2] most jobs to remove
-- Returns how many jobs were removed. Only jobs whose hash still says dead are touched.
local removed = 0
for _, m in ipairs(redis.call('ZRANGE', K.dead, 0, tonumber(ARGV[2]) - 1)) do
  local id = string.sub(m, 18)
  local jkey = JOB .. id
  if redis.call('HGET', jkey, 's') == 'dead' then
    unindex(jkey)
    redis.call('DEL', jkey, PAYLOAD .. id)
    removed = removed + 1
  end
end
return removed
