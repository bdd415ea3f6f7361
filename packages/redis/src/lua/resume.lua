-- Resume a paused queue and wake an idle worker.
-- KEYS: the queue keys (see lib.lua).
-- ARGV: [1] job prefix
redis.call('DEL', K.paused)
wake()
return 1
