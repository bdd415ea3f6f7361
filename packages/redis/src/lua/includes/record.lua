-- A job record, the value of its id in K.jobs: "<head>|<name>|<payload>". The head is the state letter
-- (b blocked, w waiting, l delayed, a active, c completed, d dead, x expired, k cancelled), the attempt ('' for 0), then tags, each ",<letter><value>":
--   E enqueuedAt, R runAt (omitted: E), C scheduledFor, S startedAt, F finishedAt — ms in base 36 (b36.lua)
--   M maxAttempts (omitted: 1), P priority (omitted: 0), T the lease token (active only),
--   Q the delayed index's sequence number (delayed), or its place in its lane (waiting, limited),
--   X flags: e (errors kept), g (progress kept), L the group key (encoded, '' for none) of a limited job
--   (see lanes.lua), Z expireAt (base 36).
--   D a job with dependencies (enqueue-blocked.lua): 'D' fails on a failed dependency, 'Di' ignores it.
--   H the enqueue's trace context, form-encoded (written by record-codec.ts, never read or dropped here).
-- Job names have no "|" (the driver refuses them); the payload is the rest, whatever it holds.
-- codec.ts reads the same format. No table is built here: every script runs these lines on each call.

-- state letter, attempt (a number), the tags (text), the name, and the attempt as written ('' for 0);
-- nothing for text that is no record.
local function rec_read(rec)
  if not rec then return nil end
  local state, attempt, tags, name = string.match(rec, '^(%l)(%d*)([^|]*)|([^|]*)|')
  if not state then return nil end
  return state, tonumber(attempt) or 0, tags, name, attempt
end

-- The value of tag `letter` (e.g. 'T'), or nil.
local function rec_tag(tags, letter)
  return string.match(tags, ',' .. letter .. '([^,]*)')
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
