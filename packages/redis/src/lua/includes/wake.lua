-- @include keys
-- Tells idle workers of every process that the queue may have work: PUBLISH on "{prefix:queue}:wake".
-- PUBLISH names no key, so a script may call it on Cluster, and it reaches subscribers on every node.
-- The marker (a one-element list) makes a burst of writes publish once: fetch clears it (a write after
-- a fetch must wake again), so does an idle worker's readiness read before it waits (queue-readiness.ts:
-- a wake-up published before it subscribed is then not the last), and it expires by itself. PTTL, not EXISTS: a marker
-- left by an older version (no expiry) must not silence the queue. A paused queue wakes nobody: resume does.
-- "{p:q}:paused" -> "{p:q}:wake"
local WAKE_CHANNEL = string.sub(K.paused, 1, -7) .. 'wake'
local WAKE_QUIET_MS = '2000'
-- wake() in two steps, for a script that must do its reads before its first write:
-- wake_due() reads (PTTL, EXISTS; neither fails on a wrong type), wake_send() writes. A script
-- that calls wake_due() first needs no guard('marker') when it says no: the marker is not written.
local function wake_due()
  return redis.call('PTTL', K.marker) <= 0 and redis.call('EXISTS', K.paused) == 0
end
local function wake_send()
  if redis.call('LLEN', K.marker) == 0 then redis.call('LPUSH', K.marker, '1') end
  redis.call('PEXPIRE', K.marker, WAKE_QUIET_MS)
  redis.call('PUBLISH', WAKE_CHANNEL, '1')
end
local function wake()
  if wake_due() then wake_send() end
end
