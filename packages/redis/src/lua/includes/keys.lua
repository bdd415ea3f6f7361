-- Every queue script gets one key, KEYS[1], the queue's jobs hash; the other fixed keys share its hash tag
-- and are named from it here (keys.ts lists them). Passing 14 keys cost the worker and Redis more per call
-- (ioredis encodes each, Redis converts each into KEYS) than naming them in Lua: -1 to -3 µs of Node CPU
-- and -0.4 to -1.5 µs of Redis per call in a micro-benchmark. All of them live in the one slot of KEYS[1].
--   jobs        HASH id -> record (see record.lua)
--   priorities  ZSET the priorities that have a waiting list, score -priority
--   delayed     ZSET "<seq16>:<id>" by run time
--   active      ZSET id by lease expiry
--   completed   ZSET id by finish order (finish.lua)
--   dead        ZSET id by finish order
--   paused      STRING flag
--   seq         counter of the delayed index's sequence numbers
--   events      STREAM of job events
--   marker      LIST of one element, with an expiry: idle workers were told of work not yet fetched (see wake.lua)
--   results     HASH id -> result JSON (a completed job's, unless it is null)
--   errors      HASH id -> JSON array of failed tries
--   progress    HASH id -> progress JSON
--   finished    STRING the last finish-order score (see finish.lua)
-- ARGV[1] is always the prefix of the waiting lists ("{prefix:queue}:v2:waiting:"): one LIST of ids per
-- priority, oldest first. The rest of ARGV is per script.
local QB = string.sub(KEYS[1], 1, -8)
local K = { jobs = KEYS[1], priorities = QB .. 'v2:priorities', delayed = QB .. 'v2:delayed', active = QB .. 'v2:active',
  completed = QB .. 'v2:completed', dead = QB .. 'v2:dead', paused = QB .. 'paused', seq = QB .. 'seq', events = QB .. 'events',
  marker = QB .. 'marker', results = QB .. 'v2:results', errors = QB .. 'v2:errors', progress = QB .. 'v2:progress',
  finished = QB .. 'v2:finished' }
local WAITING = ARGV[1]
