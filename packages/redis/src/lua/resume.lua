-- Resume a paused queue and wake an idle worker.
-- KEYS: the queue keys (see lib.lua).
-- ARGV: [1] job prefix
-- The marker is checked before the DEL: a failing wake() must not leave the queue resumed half-way.
guard('marker')
redis.call('DEL', K.paused)
wake()
return 1
