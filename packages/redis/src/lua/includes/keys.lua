-- Every queue script gets the same KEYS, the queue's fixed keys (one hash tag; keys.ts lists them):
--   KEYS[1] jobs        HASH id -> record (see record.lua)
--   KEYS[2] priorities  ZSET the priorities that have a waiting list, score -priority
--   KEYS[3] delayed     ZSET "<seq16>:<id>" by run time
--   KEYS[4] active      ZSET id by lease expiry
--   KEYS[5] completed   ZSET id by finish order (finish.lua)
--   KEYS[6] dead        ZSET id by finish order
--   KEYS[7] paused      STRING flag
--   KEYS[8] seq         counter of the delayed index's sequence numbers
--   KEYS[9] events      STREAM of job events
--   KEYS[10] marker     LIST of one element, with an expiry: idle workers were told of work not yet fetched (see wake.lua)
--   KEYS[11] results    HASH id -> result JSON (a completed job's, unless it is null)
--   KEYS[12] errors     HASH id -> JSON array of failed tries
--   KEYS[13] progress   HASH id -> progress JSON
--   KEYS[14] finished   STRING the last finish-order score (see finish.lua)
-- ARGV[1] is always the prefix of the waiting lists ("{prefix:queue}:v2:waiting:"): one LIST of ids per
-- priority, oldest first. The rest of ARGV is per script.
local K = { jobs = KEYS[1], priorities = KEYS[2], delayed = KEYS[3], active = KEYS[4], completed = KEYS[5], dead = KEYS[6],
  paused = KEYS[7], seq = KEYS[8], events = KEYS[9], marker = KEYS[10], results = KEYS[11], errors = KEYS[12], progress = KEYS[13], finished = KEYS[14] }
local WAITING = ARGV[1]
