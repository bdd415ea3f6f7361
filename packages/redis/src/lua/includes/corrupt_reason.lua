-- Why a job record cannot be handled (missing, wrong type, garbage fields), or nil when it is sound.
local function corrupt_reason(jkey)
  local kind = redis.call('TYPE', jkey)['ok']
  if kind ~= 'hash' then return kind == 'none' and 'the job hash is missing' or ('the job key holds a ' .. kind) end
  local name, priority, max_attempts, attempt = unpack(redis.call('HMGET', jkey, 'n', 'pr', 'ma', 'a'))
  if not name or name == '' then return 'field n (name) is missing' end
  if not tonumber(priority) then return 'field pr (priority) is not a number' end
  if not tonumber(max_attempts) then return 'field ma (maxAttempts) is not a number' end
  if attempt and not string.match(attempt, '^%d+$') then return 'field a (attempt) is not an integer' end
  return nil
end
