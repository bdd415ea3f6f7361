// Version 2, fetch and the idle worker's status with lanes. Lanes and the shared
// order share a fetch when both have work (lanes first, half the batch rounded up; a
// fetch of one alternates with the clock); the shared order fills the rest. Without
// lanes, a fetch reads and writes what version 1 did, plus one probe of flow_lanes.
export const fetchV2 = `
CREATE OR REPLACE FUNCTION @s.fetch(p_queue text, p_max integer, p_lease_ms bigint)
RETURNS SETOF @s.jobs LANGUAGE plpgsql AS $$
DECLARE
  v_now bigint := @s.now_ms();
  r @s.jobs;
  v_leased @s.jobs[] := '{}';
  v_batch @s.jobs[];
  v_picked text[];
  v_held text[];
  v_error jsonb;
  v_id text;
  v_budget integer := 0;
  v_round integer := 0;
BEGIN
  FOR r IN SELECT * FROM @s.jobs WHERE queue = p_queue AND state = 'active' AND lease_until <= v_now
           ORDER BY lease_until LIMIT 1000 FOR UPDATE SKIP LOCKED LOOP
    v_error := jsonb_build_object('message', 'lease expired', 'name', 'LeaseExpiredError', 'attempt', r.attempt, 'at', v_now);
    PERFORM @s.emit('failed', r.queue, r.name, r.id, r.attempt, v_now, NULL, v_error);
    IF r.attempt >= r.max_attempts THEN
      UPDATE @s.jobs SET state = 'dead', errors = @s.push_error(errors, v_error), finished_at = v_now,
        seq = nextval('@s.job_seq'), token = NULL, lease_until = NULL
      WHERE queue = r.queue AND id = r.id;
      PERFORM @s.emit('dead', r.queue, r.name, r.id, r.attempt, v_now, NULL, v_error);
    ELSE
      UPDATE @s.jobs SET state = 'waiting', errors = @s.push_error(errors, v_error), run_at = v_now, ready_at = v_now,
        seq = nextval('@s.job_seq'), token = NULL, lease_until = NULL
      WHERE queue = r.queue AND id = r.id;
      PERFORM @s.emit('retrying', r.queue, r.name, r.id, r.attempt, v_now, NULL, NULL, v_now);
    END IF;
  END LOOP;

  FOR v_id IN SELECT id FROM @s.jobs WHERE queue = p_queue AND state = 'delayed' AND run_at <= v_now
              ORDER BY run_at, seq LIMIT 1000 FOR UPDATE SKIP LOCKED LOOP
    UPDATE @s.jobs SET state = 'waiting', ready_at = v_now, seq = nextval('@s.job_seq') WHERE queue = p_queue AND id = v_id;
  END LOOP;

  IF p_max <= 0 OR coalesce((SELECT paused FROM @s.queues WHERE name = p_queue), false) THEN
    RETURN;
  END IF;

  IF EXISTS (SELECT 1 FROM @s.flow_lanes WHERE queue = p_queue) THEN
    IF NOT EXISTS (SELECT 1 FROM @s.jobs WHERE queue = p_queue AND state = 'waiting' AND lane IS NULL) THEN
      v_budget := p_max;
    ELSIF p_max > 1 THEN
      v_budget := p_max - p_max / 2;
    ELSIF v_now % 2 = 0 THEN
      v_budget := 1;
    END IF;
    IF v_budget > 0 THEN
      v_leased := @s.start_from_lanes(p_queue, v_budget, p_lease_ms, v_now);
    END IF;
  END IF;

  -- Names held by a RateLimitedError: their jobs found in the shared order move to the name's lane.
  SELECT array_agg(name) INTO v_held FROM @s.flow_holds WHERE queue = p_queue AND grp IS NULL AND until > v_now;
  v_held := coalesce(v_held, '{}');
  -- Jobs that do not start (expired, diverted) leave room: the next round takes more, a few rounds at most.
  WHILE cardinality(v_leased) < p_max AND v_round < 10 LOOP
    v_round := v_round + 1;
    WITH picked AS (
      SELECT id, name, expire_at FROM @s.jobs WHERE queue = p_queue AND state = 'waiting' AND lane IS NULL
      ORDER BY priority DESC, ready_at, seq LIMIT p_max - cardinality(v_leased) FOR UPDATE SKIP LOCKED
    ), leased AS (
      UPDATE @s.jobs j SET state = 'active', attempt = j.attempt + 1, started_at = v_now,
        token = replace(gen_random_uuid()::text, '-', ''), lease_until = v_now + p_lease_ms
      FROM picked
      WHERE j.queue = p_queue AND j.id = picked.id AND (picked.expire_at IS NULL OR picked.expire_at > v_now)
        AND NOT (picked.name = ANY (v_held))
      RETURNING j.*
    )
    SELECT (SELECT array_agg(leased ORDER BY leased.priority DESC, leased.ready_at, leased.seq) FROM leased),
           (SELECT array_agg(id) FROM picked)
    INTO v_batch, v_picked;
    v_leased := v_leased || coalesce(v_batch, '{}');
    EXIT WHEN v_picked IS NULL OR cardinality(v_picked) = coalesce(cardinality(v_batch), 0);
    FOR r IN UPDATE @s.jobs SET state = 'expired', finished_at = v_now, seq = nextval('@s.job_seq')
             WHERE queue = p_queue AND id = ANY (v_picked) AND state = 'waiting' AND expire_at <= v_now RETURNING * LOOP
      PERFORM @s.emit('expired', p_queue, r.name, r.id, r.attempt, v_now);
    END LOOP;
    UPDATE @s.jobs SET lane = @s.lane_key(name, NULL)
    WHERE queue = p_queue AND id = ANY (v_picked) AND state = 'waiting' AND name = ANY (v_held);
  END LOOP;

  FOREACH r IN ARRAY v_leased LOOP
    PERFORM @s.emit('active', r.queue, r.name, r.id, r.attempt, v_now);
    RETURN NEXT r;
  END LOOP;
END $$;

-- One read for all the worker's queues; lanes are looked at only where there are lanes and no other work.
CREATE OR REPLACE FUNCTION @s.work_status(p_queues text[])
RETURNS TABLE (queue text, ready boolean, next_at bigint) LANGUAGE plpgsql AS $$
DECLARE
  s record;
  l record;
BEGIN
  FOR s IN SELECT q.name AS q_name,
             EXISTS (SELECT 1 FROM @s.jobs j WHERE j.queue = q.name AND j.state = 'waiting' AND j.lane IS NULL) AS shared,
             least((SELECT min(run_at) FROM @s.jobs j WHERE j.queue = q.name AND j.state = 'delayed'),
                   (SELECT min(lease_until) FROM @s.jobs j WHERE j.queue = q.name AND j.state = 'active')) AS due_at,
             EXISTS (SELECT 1 FROM @s.flow_lanes f WHERE f.queue = q.name) AS lanes
           FROM unnest(p_queues) AS q(name)
           WHERE NOT coalesce((SELECT x.paused FROM @s.queues x WHERE x.name = q.name), false) LOOP
    queue := s.q_name;
    ready := s.shared;
    next_at := s.due_at;
    IF s.lanes AND NOT s.shared THEN
      SELECT * INTO l FROM @s.lanes_readiness(s.q_name, @s.now_ms());
      ready := l.ready;
      next_at := least(next_at, l.next_at);
    END IF;
    RETURN NEXT;
  END LOOP;
END $$;
`;
