-- Every script gets the same KEYS (the queue's fixed keys, one hash tag):
--   KEYS[1] waiting  ZSET member "<seq16>:<id>", score -priority
--   KEYS[2] delayed  ZSET member "<seq16>:<id>", score runAt
--   KEYS[3] active   ZSET member "<seq16>:<id>", score leaseUntil
--   KEYS[4] completed ZSET member "<seq16>:<id>", score finishedAt
--   KEYS[5] dead     ZSET member "<seq16>:<id>", score finishedAt
--   KEYS[6] paused   STRING flag
--   KEYS[7] seq      counter ordering members (FIFO among equal scores)
--   KEYS[8] token    no longer written: fencing tokens are random per fetch (fetch.lua); the slot stays
--   KEYS[9] events   STREAM of job events
--   KEYS[10] marker  LIST of one element, with an expiry: idle workers were told of work not yet fetched (see wake.lua)
-- ARGV[1] is always the job key prefix ("{prefix:queue}:job:"); the rest is per script.
local K = { waiting = KEYS[1], delayed = KEYS[2], active = KEYS[3], completed = KEYS[4], dead = KEYS[5],
  paused = KEYS[6], seq = KEYS[7], token = KEYS[8], events = KEYS[9], marker = KEYS[10] }
local JOB = ARGV[1]
-- "{p:q}:job:" -> "{p:q}:pl:": each job's payload string (see keys.ts).
local PAYLOAD = string.sub(JOB, 1, -5) .. 'pl:'
