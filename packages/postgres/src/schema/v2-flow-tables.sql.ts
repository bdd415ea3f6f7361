// Version 2, tables of flow control and cancellation. A limited job waits in a lane
// (`lane`: its name's, or its name and group's, as JSON text) instead of the shared
// order; lanes take turns by `turn` (lowest next). Starts within rate windows,
// holds from RateLimitedError and dedupe keys have their own small tables. Running
// jobs are not counted in a table: the active lane jobs are, on their index.
// `trace`: the enqueue's trace context (propagation fields), kept as given.
export const flowTablesV2 = `
ALTER TABLE @s.jobs ADD COLUMN lane text, ADD COLUMN grp text, ADD COLUMN expire_at bigint, ADD COLUMN trace jsonb;
ALTER TABLE @s.jobs DROP CONSTRAINT jobs_state_check;
ALTER TABLE @s.jobs ADD CONSTRAINT jobs_state_check
  CHECK (state IN ('waiting', 'delayed', 'active', 'completed', 'dead', 'expired', 'cancelled'));

-- The shared order holds only jobs outside lanes; each lane has its own order.
DROP INDEX @s.jobs_waiting;
CREATE INDEX jobs_waiting ON @s.jobs (queue, priority DESC, ready_at, seq) WHERE state = 'waiting' AND lane IS NULL;
CREATE INDEX jobs_lane_waiting ON @s.jobs (queue, lane, priority DESC, ready_at, seq) WHERE state = 'waiting' AND lane IS NOT NULL;
CREATE INDEX jobs_lane_active ON @s.jobs (queue, name, lane) WHERE state = 'active' AND lane IS NOT NULL;
CREATE INDEX jobs_expired ON @s.jobs (queue, seq) WHERE state = 'expired';
CREATE INDEX jobs_cancelled ON @s.jobs (queue, seq) WHERE state = 'cancelled';

-- Limits per job name, as the processes defining the name wrote them (FlowLimits, JSON).
CREATE TABLE @s.flow_limits (
  queue text NOT NULL,
  name text NOT NULL,
  limits jsonb NOT NULL,
  PRIMARY KEY (queue, name)
);

-- Lanes that have (or recently had) waiting jobs, in turn order.
CREATE SEQUENCE @s.lane_turn_seq;
CREATE TABLE @s.flow_lanes (
  queue text NOT NULL,
  lane text NOT NULL,
  name text NOT NULL,
  grp text,
  turn bigint NOT NULL,
  PRIMARY KEY (queue, lane)
);
CREATE INDEX flow_lanes_turn ON @s.flow_lanes (queue, turn);

-- A lane (a group's, else a name's) held by a RateLimitedError until \`until\`.
CREATE TABLE @s.flow_holds (
  queue text NOT NULL,
  lane text NOT NULL,
  name text NOT NULL,
  grp text,
  until bigint NOT NULL,
  PRIMARY KEY (queue, lane)
);

-- Starts of a rate-limited name (key: its name lane) or group (key: its group lane).
CREATE TABLE @s.flow_starts (
  queue text NOT NULL,
  key text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX flow_starts_key ON @s.flow_starts (queue, key, at);

-- Dedupe keys held, per (queue, job name, key), and the job that took each.
CREATE TABLE @s.dedupes (
  queue text NOT NULL,
  name text NOT NULL,
  key text NOT NULL,
  job_id text NOT NULL,
  until bigint NOT NULL,
  PRIMARY KEY (queue, name, key)
);
CREATE INDEX dedupes_until ON @s.dedupes (until);
`;
