-- @include keys, now_ms, int
-- Events are buffered and written as one stream entry per script run (see script-source.ts, which
-- flushes after the body of a script that includes this): one XADD per batch instead of one per job.
-- An entry is 'T' <ms>, then per event <type letter> <id>, preceded by 'n' <name> when the name differs
-- from the previous event's, followed by 'a' <attempt> unless it is 0 and 'x' <extra> when there is one
-- (completed, progress: the data; failed, dead: the error JSON; retrying: the run time). A run of
-- enqueues of one job name so costs about an id per event. codec.ts decodes it (and the entries of
-- layout 1, which began with 't').
local EVENTS = {}
local EVENT_COUNT = 0
local EVENT_NAME = nil
-- The entries' time: a script that has read the clock already sets it, saving a TIME.
local EVENT_AT = nil
-- About this many recent events stay in the stream for readers that fall behind.
local EVENTS_KEEP = 10000
-- Events per entry (at most ~800 values): amortizes XADD well, keeps unpack far below its limit,
-- and with the cap below keeps the stream near EVENTS_KEEP events.
local EVENT_FLUSH_AT = 100

-- MAXLEN counts entries, and entries hold one to 100 events: sizing the cap by
-- this entry keeps about EVENTS_KEEP events whatever the batch sizes.
local function flush_events()
  if EVENT_COUNT == 0 then return end
  local keep = math.ceil(EVENTS_KEEP / EVENT_COUNT)
  redis.call('XADD', K.events, 'MAXLEN', '~', keep, '*', unpack(EVENTS))
  EVENTS = {}
  EVENT_COUNT = 0
  EVENT_NAME = nil
end

-- `kind` is the event's letter: Q enqueued, A active, P progress, C completed, R retrying, F failed, X expired, H rate-limited (held), K cancelled, B blocked, U unblocked,
-- D dead, S skipped (codec.ts maps them back). attempt and extra as text (redis.call would format numbers).
local function emit(kind, id, name, attempt, extra)
  local n = #EVENTS
  if n == 0 then
    EVENT_AT = EVENT_AT or int(now_ms())
    EVENTS[1], EVENTS[2] = 'T', EVENT_AT
    n = 2
  end
  if name ~= EVENT_NAME then
    EVENTS[n + 1], EVENTS[n + 2] = 'n', name
    EVENT_NAME = name
    n = n + 2
  end
  EVENTS[n + 1], EVENTS[n + 2] = kind, id
  n = n + 2
  if attempt ~= '0' and attempt ~= '' then
    EVENTS[n + 1], EVENTS[n + 2] = 'a', attempt
    n = n + 2
  end
  if extra then EVENTS[n + 1], EVENTS[n + 2] = 'x', extra end
  EVENT_COUNT = EVENT_COUNT + 1
  if EVENT_COUNT >= EVENT_FLUSH_AT then flush_events() end
end
