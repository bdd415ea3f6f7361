-- @include keys
-- Job dependencies, the side of the job waited for. Beside the queue's keys (one hash tag):
--   dependents  HASH id -> JSON array of [queue, id, index]: the jobs blocked on it (depend.lua writes it)
--   handover    HASH JSON [queue, id, index] -> outcome letter (c completed, d dead, k cancelled,
--               x expired, m missing) then the result JSON ('' for none)
-- A script that ends a job calls handover() in the same run, so the end and its records can't be split
-- by a crash; the driver applies each record in the dependent's slot (unblock.lua, idempotent), then
-- deletes it, and any worker's periodic sweep applies records a crash left. A queue where no job has
-- dependents pays one EXISTS per script run, nothing per job.
local DEPENDENTS = string.sub(WAITING, 1, -9) .. 'dependents'
local HANDOVER = string.sub(WAITING, 1, -9) .. 'handover'
local HAS_DEPENDENTS = nil
local HANDED_OVER = 0

-- Hands the end of job `id` (outcome letter, result JSON or nil) to the jobs blocked on it.
local function handover(id, outcome, result)
  if HAS_DEPENDENTS == nil then HAS_DEPENDENTS = redis.call('EXISTS', DEPENDENTS) == 1 end
  if not HAS_DEPENDENTS then return end
  local list = redis.call('HGET', DEPENDENTS, id)
  if not list then return end
  for _, entry in ipairs(cjson.decode(list)) do
    redis.call('HSET', HANDOVER, cjson.encode(entry), outcome .. (result or ''))
    HANDED_OVER = HANDED_OVER + 1
  end
  redis.call('HDEL', DEPENDENTS, id)
end
