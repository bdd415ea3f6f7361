-- @include keys
-- Scores of the completed and dead indexes: the finish time in ms times 1000, made strictly
-- increasing per queue (K.finished keeps the last one given), so jobs that finished in the same ms
-- list and age out in the order they finished, as they did when members carried a sequence number.
-- Exact in a double until the year 2255.
-- finish_read() is the read (and type check) a script makes before its first write; it returns the
-- last score given. finish_give(last, now, count) writes the new last and returns the first of `count`.
local function finish_read()
  local last = redis.call('GET', K.finished)
  if last and not string.match(last, '^%d+$') then error({ err = 'ERR counter ' .. K.finished .. ' holds no integer' }) end
  return tonumber(last) or 0
end
local function finish_give(last, now, count)
  local first = math.max(now * 1000, last + 1)
  redis.call('SET', K.finished, string.format('%d', first + count - 1))
  return first
end
-- Both at once, for scripts whose reads are done (the counter was checked by guard('finished')).
local function finish_scores(now, count)
  return finish_give(finish_read(), now, count)
end
