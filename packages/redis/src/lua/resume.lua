-- Resume a paused queue and wake an idle worker.
-- @include keys, guard, wake
-- KEYS: the queue keys (see includes/keys.lua).
-- ARGV: [1] waiting-list prefix
-- The marker is checked before the DEL: a failing wake() must not leave the queue resumed half-way.
guard('marker')
redis.call('DEL', K.paused)
wake()
return 1
