-- Integers as decimal text: Lua's default number formatting would round ms timestamps.
-- Text, not numbers, goes to redis.call: it would format each number with %.17g.
local function int(n)
  return string.format('%d', n)
end
