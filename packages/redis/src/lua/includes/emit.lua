-- @include keys
-- Events are buffered and written as one stream entry per script run (see
-- scripts.ts, which flushes after the body of a script that includes this):
-- one XADD per batch instead of one per job. Each event is the group
-- t, id, n, a, at [, extra field, extra value] in the entry. Pass text, not
-- numbers: redis.call would format each number.
local EVENTS = {}
local EVENT_COUNT = 0
-- About this many recent events stay in the stream for readers that fall behind.
local EVENTS_KEEP = 10000
-- Values per entry (about 50 events): amortizes XADD well, and keeps unpack far below its limit.
local EVENT_FLUSH_AT = 600

-- MAXLEN counts entries, and entries hold one to ~50 events: sizing the cap by
-- this entry keeps about EVENTS_KEEP events whatever the batch sizes.
local function flush_events()
  if EVENT_COUNT == 0 then return end
  local keep = math.max(100, math.ceil(EVENTS_KEEP / EVENT_COUNT))
  redis.call('XADD', K.events, 'MAXLEN', '~', keep, '*', unpack(EVENTS))
  EVENTS = {}
  EVENT_COUNT = 0
end

local function emit(kind, id, name, attempt, at, extra_field, extra_value)
  local n = #EVENTS
  EVENTS[n + 1], EVENTS[n + 2], EVENTS[n + 3], EVENTS[n + 4] = 't', kind, 'id', id
  EVENTS[n + 5], EVENTS[n + 6], EVENTS[n + 7], EVENTS[n + 8] = 'n', name, 'a', attempt
  EVENTS[n + 9], EVENTS[n + 10] = 'at', at
  if extra_field then
    EVENTS[n + 11], EVENTS[n + 12] = extra_field, extra_value
  end
  EVENT_COUNT = EVENT_COUNT + 1
  if n + 12 >= EVENT_FLUSH_AT then flush_events() end
end
