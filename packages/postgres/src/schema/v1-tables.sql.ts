// Version 1, tables. Times are epoch ms (bigint) as core hands them over; `seq`
// orders a state's jobs (fresh on each entry into a state: FIFO, newest-first
// listings); `ready_at` is when a waiting job entered waiting (database clock),
// or, for a released lease, a place below every epoch: the front of its priority.
export const tablesV1 = `
CREATE TABLE @s.queues (
  name text PRIMARY KEY,
  known boolean NOT NULL DEFAULT true,
  paused boolean NOT NULL DEFAULT false,
  front bigint NOT NULL DEFAULT 0
);

CREATE SEQUENCE @s.job_seq;

CREATE TABLE @s.jobs (
  queue text NOT NULL,
  id text NOT NULL,
  name text NOT NULL,
  payload text NOT NULL,
  priority integer NOT NULL,
  max_attempts integer NOT NULL,
  run_at bigint NOT NULL,
  enqueued_at bigint NOT NULL,
  scheduled_for bigint,
  state text NOT NULL CHECK (state IN ('waiting', 'delayed', 'active', 'completed', 'dead')),
  ready_at bigint NOT NULL,
  seq bigint NOT NULL,
  attempt integer NOT NULL DEFAULT 0,
  started_at bigint,
  finished_at bigint,
  progress text,
  result text,
  errors jsonb NOT NULL DEFAULT '[]',
  token text,
  lease_until bigint,
  PRIMARY KEY (queue, id)
);

-- One partial index per state, each in the order the driver reads it: fetch,
-- promotion, lease recovery and trimming walk an index from its start.
CREATE INDEX jobs_waiting ON @s.jobs (queue, priority DESC, ready_at, seq) WHERE state = 'waiting';
CREATE INDEX jobs_delayed ON @s.jobs (queue, run_at, seq) WHERE state = 'delayed';
CREATE INDEX jobs_active ON @s.jobs (queue, lease_until) WHERE state = 'active';
CREATE INDEX jobs_completed ON @s.jobs (queue, seq) WHERE state = 'completed';
CREATE INDEX jobs_completed_age ON @s.jobs (queue, finished_at) WHERE state = 'completed';
CREATE INDEX jobs_dead ON @s.jobs (queue, seq) WHERE state = 'dead';

CREATE TABLE @s.schedules (
  queue text NOT NULL,
  name text NOT NULL,
  paused boolean NOT NULL DEFAULT false,
  last_tick_at bigint,
  last_job_id text,
  PRIMARY KEY (queue, name)
);

-- Events too large for a NOTIFY payload: the notification carries '#<id>'.
CREATE TABLE @s.event_bodies (
  id bigserial PRIMARY KEY,
  body text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX event_bodies_at ON @s.event_bodies (at);
`;
