-- Resume a paused queue and wake an idle worker.
-- @include keys, guard, wake
-- KEYS: [1] the queue's jobs hash (includes/keys.lua names the other queue keys from it).
-- ARGV: [1] waiting-list prefix
-- The marker is checked before the DEL: a failing wake() must not leave the queue resumed half-way.
guard('marker')
redis.call('DEL', K.paused)
wake()
return 1
