-- @include keys
-- Scores of the completed and dead indexes: the finish time in ms times 1000, made strictly
-- increasing per queue (K.finished keeps the last one given), so jobs that finished in the same ms
-- list and age out in the order they finished, as they did when members carried a sequence number.
-- Exact in a double until the year 2255. Needs guard('finished') before a script's first write.
local function finish_scores(now, count)
  local last = tonumber(redis.call('GET', K.finished) or '0') or 0
  local first = math.max(now * 1000, last + 1)
  redis.call('SET', K.finished, string.format('%d', first + count - 1))
  return first
end
