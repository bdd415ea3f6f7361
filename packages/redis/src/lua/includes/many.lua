-- Variadic commands over long argument lists in as few calls as unpack allows.
local function call_many(command, key, values)
  for i = 1, #values, 4000 do redis.call(command, key, unpack(values, i, math.min(i + 3999, #values))) end
end
-- HMGET of many fields, as one list in field order (false for a missing field).
local function hmget_many(key, fields)
  if #fields <= 4000 then return redis.call('HMGET', key, unpack(fields)) end
  local out = {}
  for i = 1, #fields, 4000 do
    for _, value in ipairs(redis.call('HMGET', key, unpack(fields, i, math.min(i + 3999, #fields)))) do out[#out + 1] = value end
  end
  return out
end
