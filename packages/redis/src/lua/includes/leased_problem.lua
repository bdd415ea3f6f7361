-- corrupt_reason for fetch's hot path, from the HMGET (via pcall) fetch makes anyway:
-- fields n, p, pr, ma, ra, ea, sf, e, pg, a. TYPE and EXISTS run only for a bad record.
local function leased_problem(jkey, fields)
  if fields.err then return 'the job key holds a ' .. redis.call('TYPE', jkey)['ok'] end
  if not fields[1] or fields[1] == '' then
    return redis.call('EXISTS', jkey) == 0 and 'the job hash is missing' or 'field n (name) is missing'
  end
  if not tonumber(fields[3]) then return 'field pr (priority) is not a number' end
  if not tonumber(fields[4]) then return 'field ma (maxAttempts) is not a number' end
  if not fields[2] then return 'the payload is missing' end
  if fields[10] and not string.match(fields[10], '^%d+$') then return 'field a (attempt) is not an integer' end
  return nil
end
