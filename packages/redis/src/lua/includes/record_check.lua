-- @include record
-- Why a record cannot be handled, or nil when it is sound; from what rec_read gave (hot path: one parse).
local function rec_check(rec, state, tags, name)
  if not rec then return 'the job record is missing' end
  if not state or not string.find('wlacdxkb', state, 1, true) then return 'the job record is unreadable' end
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
