-- @include keys, many, lanes
-- Which lane jobs a fetch starts: lanes in turn order, each with room under its name's and its group's
-- limits and holds, one job per lane per round until `budget` jobs or no lane has room. Reads only,
-- except dropping starts that left their window (which frees memory). lane_commit writes the rest.
local LANE_SCAN = 64

-- A name's limits, as numbers or nil: rate max, rate ms, concurrency, group concurrency, group rate max, group rate ms.
local function lane_limits(name, cache)
  local limits = cache[name]
  if limits then return limits end
  local text = redis.call('HGET', FLOW .. 'limits', name) or ''
  local a, b, c, d, e, f = string.match(text, '^([^,]*),([^,]*),([^,]*),([^,]*),([^,]*),([^,]*)$')
  limits = { tonumber(a), tonumber(b), tonumber(c), tonumber(d), tonumber(e), tonumber(f) }
  cache[name] = limits
  return limits
end

-- Room under one key's limits: how many may start now, and (none) when one may: a time, or nil when
-- only a slot freeing will tell.
local function lane_room(key, rate_max, rate_ms, concurrency, now)
  local room, at = math.huge, nil
  if rate_max and rate_ms then
    local log = FLOW .. 'rate:' .. key
    redis.call('ZREMRANGEBYSCORE', log, '-inf', now - rate_ms)
    local used = redis.call('ZCARD', log)
    if used >= rate_max then return 0, tonumber(redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')[2]) + rate_ms end
    room = rate_max - used
  end
  if concurrency then
    local used = redis.call('SCARD', FLOW .. 'run:' .. key)
    if used >= concurrency then return 0, nil end
    room = math.min(room, concurrency - used)
  end
  return room, at
end

-- Returns the picks (lists of lane, member, id, name), the lanes looked at and how many each gave
-- (for lane_commit), and the earliest time a lane with no room may start a job (nil: unknown).
local function lane_pick(now, budget)
  local lanes = redis.call('ZRANGE', FLOW .. 'lanes', 0, budget + LANE_SCAN - 1)
  local holds = redis.call('HLEN', FLOW .. 'holds') > 0
  local cache, name_room, name_at = {}, {}, {}
  local room, size = {}, {}
  local next_at = nil
  local function later(at)
    if at and (not next_at or at < next_at) then next_at = at end
  end
  local function held(key)
    if not holds then return nil end
    local until_ms = tonumber(redis.call('HGET', FLOW .. 'holds', key))
    if until_ms and until_ms > now then return until_ms end
    return nil
  end
  for i, lane in ipairs(lanes) do
    local name, group = string.match(lane, '^([^|]*)|(.*)$')
    name = name or lane
    local limits = lane_limits(name, cache)
    if name_room[name] == nil then name_room[name], name_at[name] = lane_room(name, limits[1], limits[2], limits[3], now) end
    local r, at = name_room[name], name_at[name]
    local until_ms = held(lane)
    if until_ms then r, at = 0, until_ms end
    if r > 0 and group then
      local gr, gat = lane_room(lane, limits[5], limits[6], limits[4], now)
      if gr < r then r, at = gr, gat end
    end
    if r > 0 then
      room[i], size[i] = r, redis.call('ZCARD', FLOW .. 'lane:' .. lane)
    else
      later(at)
    end
  end
  -- Round robin: one job per lane with room per round.
  local take, got, moved = {}, 0, true
  while got < budget and moved do
    moved = false
    for i, lane in ipairs(lanes) do
      if got >= budget then break end
      local name = string.match(lane, '^([^|]*)|') or lane
      local t = take[i] or 0
      if room[i] and t < room[i] and t < size[i] and name_room[name] > 0 then
        take[i] = t + 1
        got = got + 1
        name_room[name] = name_room[name] - 1
        moved = true
      end
    end
  end
  local picks = {}
  for i, lane in ipairs(lanes) do
    -- Lanes that gave a job or had no room go to the back; the others keep their turn.
    if not take[i] and room[i] then take[i] = 0 end
    if take[i] and take[i] > 0 then
      local name = string.match(lane, '^([^|]*)|') or lane
      for _, member in ipairs(redis.call('ZRANGE', FLOW .. 'lane:' .. lane, 0, take[i] - 1)) do
        picks[#picks + 1] = { lane, member, string.match(member, '^[^:]*:(.*)$'), name }
      end
    end
  end
  return picks, lanes, take, size, next_at, cache
end

-- The writes of a fetch's picks (after its freeing writes): members out of their lanes, lanes looked at
-- to the back of the turns (emptied ones out), and each started job counted in its name's and group's
-- running set and rate window. `started` lists { id, token, name, group or nil } of the jobs leased.
-- One command per key touched, not per job.
local function lane_commit(picks, lanes, take, size, started, now, cache)
  local gone, order = {}, {}
  for _, pick in ipairs(picks) do
    local members = gone[pick[1]]
    if not members then
      members = {}
      gone[pick[1]] = members
      order[#order + 1] = pick[1]
    end
    members[#members + 1] = pick[2]
  end
  for _, lane in ipairs(order) do call_many('ZREM', FLOW .. 'lane:' .. lane, gone[lane]) end
  local turn = redis.call('INCRBY', FLOW .. 'turns', #lanes) - #lanes
  for i, lane in ipairs(lanes) do
    local t = take[i]
    if t and t > 0 and t >= size[i] then
      redis.call('ZREM', FLOW .. 'lanes', lane)
    elseif t ~= 0 then
      redis.call('ZADD', FLOW .. 'lanes', turn + i, lane)
    end
  end
  -- Per key (a name, or a name and group): ids for its running set, "<now> <token>" pairs for its rate window.
  local running, rates, keys, windows = {}, {}, {}, {}
  local function count(key, id, token, window)
    if not running[key] then
      running[key], keys[#keys + 1] = {}, key
      if window then rates[key], windows[key] = {}, window end
    end
    local ids = running[key]
    ids[#ids + 1] = id
    local log = rates[key]
    if log then
      log[#log + 1] = now
      log[#log + 1] = token
    end
  end
  for _, job in ipairs(started) do
    local id, token, name, group = job[1], job[2], job[3], job[4]
    local limits = lane_limits(name, cache)
    count(name, id, token, limits[1] and limits[2])
    if group then count(name .. '|' .. group, id, token, limits[5] and limits[6]) end
  end
  for _, key in ipairs(keys) do
    call_many('SADD', FLOW .. 'run:' .. key, running[key])
    if rates[key] then
      call_many('ZADD', FLOW .. 'rate:' .. key, rates[key])
      redis.call('PEXPIRE', FLOW .. 'rate:' .. key, windows[key])
    end
  end
end
