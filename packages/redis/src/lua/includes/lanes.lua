-- @include keys, record, reserve
-- Flow control lanes. A limited job's record carries ',L<group>' (the group key as the driver encoded
-- it, '' for none): it waits in its lane, not in the waiting lists. Its lane is its name, or
-- "<name>|<group>". Per queue, beside the waiting lists (one hash tag, keys from the list prefix):
--   lanes        ZSET lane -> turn: lanes with waiting jobs, in the order they get their turn
--   turns        counter of turns given
--   lane:<lane>  ZSET "<q>:<id>" by -priority: the lane's jobs, FIFO among equals (q: the record's Q tag)
--   front        counter for places ahead of a lane (a released or held-back job goes first)
--   limits       HASH name -> "rate max,rate ms,concurrency,group concurrency,group rate max,group rate ms"
--   run:<key>    SET of the running jobs of a name or a group lane
--   rate:<key>   ZSET token -> start ms: starts in the current window
--   holds        HASH name or lane -> ms: held by a RateLimitedError until then
local FLOW = string.sub(WAITING, 1, -9)

local function lane_of(name, tags)
  local group = rec_tag(tags, 'L')
  if not group then return nil end
  if group == '' then return name end
  return name .. '|' .. group
end

-- A place in a lane: the back (a fresh sequence number) or the front (ahead of every place given so far).
local function lane_place(front)
  if front then return '-' .. string.format('%016d', 9000000000000000 - redis.call('INCR', FLOW .. 'front')) end
  return tostring(reserve(K.seq, 1) + 1)
end

local function lane_member(q, id)
  if string.sub(q, 1, 1) == '-' then return q .. ':' .. id end
  return string.format('%016d:%s', tonumber(q), id)
end

-- Into its lane at place q; a lane that had no jobs takes its turn after the others.
local function lane_add(lane, priority, q, id)
  redis.call('ZADD', FLOW .. 'lane:' .. lane, -tonumber(priority), lane_member(q, id))
  if not redis.call('ZSCORE', FLOW .. 'lanes', lane) then
    redis.call('ZADD', FLOW .. 'lanes', redis.call('INCR', FLOW .. 'turns'), lane)
  end
end

-- Many jobs into their lanes ({ lane, priority, q, id } each, q a number): one ZADD per lane.
local function lane_add_many(jobs)
  local by_lane, order = {}, {}
  for _, job in ipairs(jobs) do
    local members = by_lane[job[1]]
    if not members then
      members = {}
      by_lane[job[1]] = members
      order[#order + 1] = job[1]
    end
    members[#members + 1] = -tonumber(job[2])
    members[#members + 1] = string.format('%016d:%s', job[3], job[4])
  end
  for _, lane in ipairs(order) do
    for i = 1, #by_lane[lane], 4000 do redis.call('ZADD', FLOW .. 'lane:' .. lane, unpack(by_lane[lane], i, math.min(i + 3999, #by_lane[lane]))) end
    if not redis.call('ZSCORE', FLOW .. 'lanes', lane) then
      redis.call('ZADD', FLOW .. 'lanes', redis.call('INCR', FLOW .. 'turns'), lane)
    end
  end
end

-- Out of its lane (removed while waiting); an emptied lane leaves the turns.
local function lane_drop(lane, q, id)
  local key = FLOW .. 'lane:' .. lane
  redis.call('ZREM', key, lane_member(q, id))
  if redis.call('EXISTS', key) == 0 then redis.call('ZREM', FLOW .. 'lanes', lane) end
end

-- A limited job joins its lane (at the front: released, held back); returns its waiting record, with
-- `attempt` as rec_rewrite takes it, the tags `drop` matches (default: token, place, finish) left out and
-- the tags `more` added.
-- A job without ',L' (held back while its name had no limits) joins its name's lane for good.
local function lane_enter(id, rec, tags, name, attempt, front, drop, more)
  local q = lane_place(front)
  local add = (more or '') .. ',Q' .. q
  local lane = lane_of(name, tags)
  if not lane then
    lane = name
    add = add .. ',L'
  end
  lane_add(lane, rec_tag(tags, 'P') or '0', q, id)
  return rec_rewrite(rec, tags, 'w', attempt, drop or ',[TQF][^,]*', add)
end

-- A running limited job stopped (settled, released, recovered, removed): its slots are free.
local function lane_stop(id, name, tags)
  local group = rec_tag(tags, 'L')
  if not group then return false end
  redis.call('SREM', FLOW .. 'run:' .. name, id)
  if group ~= '' then redis.call('SREM', FLOW .. 'run:' .. name .. '|' .. group, id) end
  return true
end
