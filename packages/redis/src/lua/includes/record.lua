-- A job record, the value of its id in K.jobs: "<head>|<name>|<payload>". The head is the state letter
-- (w waiting, l delayed, a active, c completed, d dead), the attempt ('' for 0), then tags, each ",<letter><value>":
--   E enqueuedAt, R runAt (omitted: E), C scheduledFor, S startedAt, F finishedAt — ms in base 36 (b36.lua)
--   M maxAttempts (omitted: 1), P priority (omitted: 0), T the lease token (active only),
--   Q the delayed index's sequence number (delayed only), X flags: e (errors kept), g (progress kept).
-- Job names have no "|" (the driver refuses them); the payload is the rest, whatever it holds.
-- codec.ts reads the same format.
local STATE_OF = { w = 'waiting', l = 'delayed', a = 'active', c = 'completed', d = 'dead' }
local TAG = { E = ',E([^,]*)', R = ',R([^,]*)', C = ',C([^,]*)', S = ',S([^,]*)', F = ',F([^,]*)',
  M = ',M([^,]*)', P = ',P([^,]*)', T = ',T([^,]*)', Q = ',Q([^,]*)', X = ',X([^,]*)' }

-- state letter, attempt (a number), the tags (text), the name, and the attempt as written ('' for 0);
-- nothing for text that is no record.
local function rec_read(rec)
  if not rec then return nil end
  local state, attempt, tags, name = string.match(rec, '^(%l)(%d*)([^|]*)|([^|]*)|')
  if not state then return nil end
  return state, tonumber(attempt) or 0, tags, name, attempt
end

local function rec_tag(tags, letter)
  return string.match(tags, TAG[letter])
end

local function rec_priority(tags)
  return rec_tag(tags, 'P') or '0'
end

-- The record in state `state` at `attempt` (a number, or the text to write: no formatting on the hot
-- path), without the tags `drop` matches (a pattern such as ',[TQ][^,]*'), with `add` appended to its
-- tags. Name and payload are copied as they are.
local function rec_rewrite(rec, tags, state, attempt, drop, add)
  if type(attempt) == 'number' then attempt = attempt > 0 and tostring(attempt) or '' end
  -- gsub allocates its result even when nothing matches: a plain search first.
  if drop and string.find(tags, drop) then tags = string.gsub(tags, drop, '') end
  return state .. attempt .. tags .. (add or '') .. string.sub(rec, (string.find(rec, '|', 1, true)))
end

-- ",X<flags>" with `flag` added to the record's flags, and the pattern that drops the old X tag.
local DROP_X = ',X[^,]*'
local function with_flag(tags, flag)
  local flags = rec_tag(tags, 'X') or ''
  if string.find(flags, flag, 1, true) then return ',X' .. flags end
  return ',X' .. flags .. flag
end

-- Why a record cannot be handled, or nil when it is sound; from what rec_read gave (hot path: one parse).
local function rec_check(rec, state, tags, name)
  if not rec then return 'the job record is missing' end
  if not state or not STATE_OF[state] then return 'the job record is unreadable' end
  if name == '' then return 'the job name is missing' end
  -- Plain finds first: most records carry neither tag.
  if string.find(tags, ',P', 1, true) and not string.match(tags, ',P%-?%d+%f[,%z]') then return 'tag P (priority) is not an integer' end
  if string.find(tags, ',M', 1, true) and not string.match(tags, ',M%d+%f[,%z]') then return 'tag M (maxAttempts) is not a number' end
  return nil
end

local function rec_problem(rec)
  local state, _, tags, name = rec_read(rec)
  return rec_check(rec, state, tags, name)
end
