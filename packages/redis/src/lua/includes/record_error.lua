-- Appends a failed try to the job's error list (JSON array, last MAX_ERRORS kept).
local MAX_ERRORS = 20
local function record_error(jkey, err)
  local raw = redis.call('HGET', jkey, 'e')
  local list = {}
  if raw and raw ~= '' and raw ~= '{}' then list = cjson.decode(raw) end
  list[#list + 1] = err
  while #list > MAX_ERRORS do table.remove(list, 1) end
  redis.call('HSET', jkey, 'e', cjson.encode(list))
end
