-- Renew leases held with the given tokens.
-- @include keys, now_ms, int, many, record
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix, [2] lease ms, then per job 2 values: id, token
-- Returns one 1 (ok) or 0 (lost) per job.
-- The lease lives only in the active index's score: one HMGET, then one ZADD XX (which fails alone on a wrong type).
local now = now_ms()
local lease_text = int(now + tonumber(ARGV[2]))
local ids = {}
for i = 3, #ARGV, 2 do ids[#ids + 1] = ARGV[i] end
local records = hmget_many(K.jobs, ids)
local out = {}
local renew = {}
local k = 0
for i = 3, #ARGV, 2 do
  k = k + 1
  local state, _, tags = rec_read(records[k])
  if state == 'a' and rec_tag(tags, 'T') == ARGV[i + 1] then
    local r = #renew
    renew[r + 1], renew[r + 2] = lease_text, ARGV[i]
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if #renew > 0 then redis.call('ZADD', K.active, 'XX', unpack(renew)) end
return out
