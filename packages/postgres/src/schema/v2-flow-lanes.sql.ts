// Version 2, lanes: how a limited job enters its lane, whether a lane may start a
// job now, and the lane picker of fetch. Two advisory locks per queue: (1, q) makes
// lane pickers take turns, so limits are counted and used by one fetch at a time;
// (2, q) is shared by every transaction putting a job in a lane and taken (try only)
// by a picker before it drops an empty lane, so a lane is never dropped under a job
// entering it in a transaction not yet committed.
export const flowLanesV2 = `
-- A lane's key: its name, or its name and group, as JSON text (no separator to collide with).
CREATE FUNCTION @s.lane_key(p_name text, p_group text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (CASE WHEN p_group IS NULL THEN jsonb_build_array(p_name) ELSE jsonb_build_array(p_name, p_group) END)::text
$$;

-- A lane listed already is only read (a lane picker holds its row lock while it takes turns,
-- and an insert that meets it would wait for that fetch); under the shared lock, a lane read
-- as listed is not being dropped. A snapshot older than the statement (repeatable read) may
-- still show a lane dropped since, so there the insert is always tried.
CREATE FUNCTION @s.lane_entered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(2, hashtext(@wake || NEW.queue));
  IF current_setting('transaction_isolation') = 'read committed'
     AND EXISTS (SELECT 1 FROM @s.flow_lanes WHERE queue = NEW.queue AND lane = NEW.lane) THEN
    RETURN NULL;
  END IF;
  INSERT INTO @s.flow_lanes (queue, lane, name, grp, turn)
  VALUES (NEW.queue, NEW.lane, NEW.name, NEW.grp, nextval('@s.lane_turn_seq'))
  ON CONFLICT (queue, lane) DO NOTHING;
  RETURN NULL;
END $$;

-- Every way into a lane (enqueue, release, retry, lease recovery, revive, a held name's
-- job diverted) makes sure the lane takes turns; jobs outside lanes never fire these.
CREATE TRIGGER jobs_lane_insert AFTER INSERT ON @s.jobs FOR EACH ROW
  WHEN (NEW.lane IS NOT NULL AND NEW.state = 'waiting') EXECUTE FUNCTION @s.lane_entered();
CREATE TRIGGER jobs_lane_update AFTER UPDATE OF state, lane ON @s.jobs FOR EACH ROW
  WHEN (NEW.lane IS NOT NULL AND NEW.state = 'waiting' AND (OLD.state <> 'waiting' OR OLD.lane IS DISTINCT FROM NEW.lane))
  EXECUTE FUNCTION @s.lane_entered();

-- A running lane job ended (settled, released, recovered, cancelled, removed): a lane
-- waiting for its slot may start one, so idle workers look again.
CREATE FUNCTION @s.lane_slot_freed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM @s.wake(OLD.queue);
  RETURN NULL;
END $$;
CREATE TRIGGER jobs_lane_stopped AFTER UPDATE OF state ON @s.jobs FOR EACH ROW
  WHEN (OLD.state = 'active' AND NEW.state <> 'active' AND OLD.lane IS NOT NULL) EXECUTE FUNCTION @s.lane_slot_freed();
CREATE TRIGGER jobs_lane_removed AFTER DELETE ON @s.jobs FOR EACH ROW
  WHEN (OLD.state = 'active' AND OLD.lane IS NOT NULL) EXECUTE FUNCTION @s.lane_slot_freed();

-- With \`max\` starts in the window ending now: when the oldest of them leaves it; else NULL.
CREATE FUNCTION @s.rate_blocked(p_queue text, p_key text, p_rate jsonb, p_now bigint) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN count(*) >= (p_rate->>'max')::bigint THEN min(at) + (p_rate->>'perMs')::bigint END
  FROM @s.flow_starts
  WHERE jsonb_typeof(p_rate) = 'object' AND queue = p_queue AND key = p_key AND at > p_now - (p_rate->>'perMs')::bigint
$$;

CREATE FUNCTION @s.starts_in_window(p_queue text, p_key text, p_rate jsonb, p_now bigint) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN jsonb_typeof(p_rate) = 'object' THEN (
    SELECT count(*)::integer FROM @s.flow_starts WHERE queue = p_queue AND key = p_key AND at > p_now - (p_rate->>'perMs')::bigint) END
$$;

-- Whether a lane may start a job now: NULL yes; -1 not before a running job ends;
-- else the epoch ms from which it may (the latest of its timed reasons).
CREATE FUNCTION @s.lane_blocked(p_queue text, p_lane text, p_name text, p_group text, p_limits jsonb, p_now bigint)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_until bigint;
BEGIN
  IF p_limits ? 'concurrency' AND (SELECT count(*) FROM @s.jobs WHERE queue = p_queue AND state = 'active' AND lane IS NOT NULL
      AND name = p_name) >= (p_limits->>'concurrency')::bigint THEN
    RETURN -1;
  END IF;
  IF p_group IS NOT NULL AND p_limits ? 'groupConcurrency' AND (SELECT count(*) FROM @s.jobs WHERE queue = p_queue AND state = 'active'
      AND lane IS NOT NULL AND name = p_name AND lane = p_lane) >= (p_limits->>'groupConcurrency')::bigint THEN
    RETURN -1;
  END IF;
  v_until := greatest(
    (SELECT until FROM @s.flow_holds WHERE queue = p_queue AND lane = p_lane AND until > p_now),
    @s.rate_blocked(p_queue, @s.lane_key(p_name, NULL), p_limits->'rate', p_now),
    CASE WHEN p_group IS NOT NULL THEN @s.rate_blocked(p_queue, p_lane, p_limits->'groupRate', p_now) END);
  RETURN v_until;
END $$;

-- A start counted where a rate limit reads it (the window's older starts dropped on the way).
CREATE FUNCTION @s.count_start(p_queue text, p_name text, p_lane text, p_group text, p_limits jsonb, p_now bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_key text;
  v_rate jsonb;
BEGIN
  FOR v_key, v_rate IN SELECT @s.lane_key(p_name, NULL), p_limits->'rate'
                       UNION ALL SELECT p_lane, p_limits->'groupRate' WHERE p_group IS NOT NULL LOOP
    CONTINUE WHEN jsonb_typeof(v_rate) IS DISTINCT FROM 'object';
    DELETE FROM @s.flow_starts WHERE queue = p_queue AND key = v_key AND at <= p_now - (v_rate->>'perMs')::bigint;
    INSERT INTO @s.flow_starts (queue, key, at) VALUES (p_queue, v_key, p_now);
  END LOOP;
END $$;

-- For an idle worker: may a lane start a job now, else when may one (NULL: when a slot frees).
CREATE FUNCTION @s.lanes_readiness(p_queue text, p_now bigint, OUT ready boolean, OUT next_at bigint) LANGUAGE plpgsql STABLE AS $$
DECLARE
  l record;
  v_blocked bigint;
BEGIN
  ready := false;
  FOR l IN SELECT f.lane, f.name, f.grp, coalesce(m.limits, '{}'::jsonb) AS limits
           FROM @s.flow_lanes f LEFT JOIN @s.flow_limits m ON m.queue = f.queue AND m.name = f.name
           WHERE f.queue = p_queue ORDER BY f.turn LIMIT 1000 LOOP
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM @s.jobs WHERE queue = p_queue AND state = 'waiting' AND lane = l.lane);
    v_blocked := @s.lane_blocked(p_queue, l.lane, l.name, l.grp, l.limits, p_now);
    IF v_blocked IS NULL THEN
      ready := true;
      RETURN;
    END IF;
    IF v_blocked > 0 THEN
      next_at := least(next_at, v_blocked);
    END IF;
  END LOOP;
END $$;

-- Up to p_budget jobs started from lanes, one per turn: the lane whose turn it is goes
-- to the back whether it starts a job or has no room; the loop ends when every lane in
-- a row had none. A job past its expiry at a lane's head ends expired instead.
CREATE FUNCTION @s.start_from_lanes(p_queue text, p_budget integer, p_lease_ms bigint, p_now bigint)
RETURNS @s.jobs[] LANGUAGE plpgsql AS $$
DECLARE
  v_started @s.jobs[] := '{}';
  l record;
  r @s.jobs;
  v_lanes integer;
  v_misses integer := 0;
  v_id text;
  v_expire_at bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(1, hashtext(@wake || p_queue));
  SELECT count(*) INTO v_lanes FROM @s.flow_lanes WHERE queue = p_queue;
  WHILE cardinality(v_started) < p_budget AND v_misses < v_lanes LOOP
    SELECT f.lane, f.name, f.grp, coalesce(m.limits, '{}'::jsonb) AS limits INTO l
    FROM @s.flow_lanes f LEFT JOIN @s.flow_limits m ON m.queue = f.queue AND m.name = f.name
    WHERE f.queue = p_queue ORDER BY f.turn LIMIT 1;
    EXIT WHEN NOT FOUND;
    UPDATE @s.flow_lanes SET turn = nextval('@s.lane_turn_seq') WHERE queue = p_queue AND lane = l.lane;
    IF @s.lane_blocked(p_queue, l.lane, l.name, l.grp, l.limits, p_now) IS NOT NULL THEN
      v_misses := v_misses + 1;
      CONTINUE;
    END IF;
    LOOP
      SELECT id, expire_at INTO v_id, v_expire_at FROM @s.jobs WHERE queue = p_queue AND state = 'waiting' AND lane = l.lane
      ORDER BY priority DESC, ready_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED;
      EXIT WHEN v_id IS NULL OR v_expire_at IS NULL OR v_expire_at > p_now;
      UPDATE @s.jobs SET state = 'expired', finished_at = p_now, seq = nextval('@s.job_seq') WHERE queue = p_queue AND id = v_id
      RETURNING * INTO r;
      PERFORM @s.emit('expired', p_queue, r.name, r.id, r.attempt, p_now);
    END LOOP;
    IF v_id IS NULL THEN
      IF pg_try_advisory_xact_lock(2, hashtext(@wake || p_queue))
         AND NOT EXISTS (SELECT 1 FROM @s.jobs WHERE queue = p_queue AND state = 'waiting' AND lane = l.lane) THEN
        DELETE FROM @s.flow_lanes WHERE queue = p_queue AND lane = l.lane;
        v_lanes := v_lanes - 1;
      ELSE
        v_misses := v_misses + 1;
      END IF;
      CONTINUE;
    END IF;
    UPDATE @s.jobs SET state = 'active', attempt = attempt + 1, started_at = p_now,
      token = replace(gen_random_uuid()::text, '-', ''), lease_until = p_now + p_lease_ms
    WHERE queue = p_queue AND id = v_id RETURNING * INTO r;
    PERFORM @s.count_start(p_queue, l.name, l.lane, l.grp, l.limits, p_now);
    v_started := v_started || r;
    v_misses := 0;
  END LOOP;
  RETURN v_started;
END $$;
`;
