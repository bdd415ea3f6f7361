// Version 2, fail with RateLimitedError holds, and cancellation. Slots of lane jobs
// free themselves (a trigger wakes idle workers whenever an active lane job leaves active).
export const settleV2 = `
-- A failed try: a rate limit holds the job's lane and puts the job back at its front (the
-- try not counted); else its error recorded (when given), then a retry at retryAt, or dead.
CREATE OR REPLACE FUNCTION @s.fail(p_queue text, p_items jsonb) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  item jsonb;
  r @s.jobs;
  v_now bigint := @s.now_ms();
  v_outcomes text[] := '{}';
  v_error jsonb;
  v_retry_at bigint;
  v_hold bigint;
BEGIN
  FOR item IN SELECT value FROM jsonb_array_elements(p_items) WITH ORDINALITY AS t(value, o) ORDER BY o LOOP
    r := @s.leased(p_queue, item->>'id', item->>'token');
    IF r.id IS NULL THEN
      v_outcomes := v_outcomes || 'lost'::text;
      CONTINUE;
    END IF;
    v_hold := (item->>'rateLimitedUntil')::bigint;
    IF v_hold IS NOT NULL THEN
      PERFORM @s.hold_lane(r, v_hold, v_now);
      v_outcomes := v_outcomes || 'ok'::text;
      CONTINUE;
    END IF;
    v_error := NULL;
    IF jsonb_typeof(item->'error') = 'object' THEN
      v_error := @s.error_of(item->'error', r.attempt, v_now);
      r.errors := @s.push_error(r.errors, v_error);
      PERFORM @s.emit('failed', p_queue, r.name, r.id, r.attempt, v_now, NULL, v_error);
    END IF;
    v_retry_at := (item->>'retryAt')::bigint;
    IF v_retry_at IS NOT NULL THEN
      UPDATE @s.jobs SET state = CASE WHEN v_retry_at > v_now THEN 'delayed' ELSE 'waiting' END, errors = r.errors,
        run_at = v_retry_at, ready_at = v_now, seq = nextval('@s.job_seq'), token = NULL, lease_until = NULL
      WHERE queue = p_queue AND id = r.id;
      PERFORM @s.emit('retrying', p_queue, r.name, r.id, r.attempt, v_now, NULL, NULL, v_retry_at);
      PERFORM @s.wake(p_queue, CASE WHEN v_retry_at > v_now THEN v_retry_at END);
    ELSE
      UPDATE @s.jobs SET state = 'dead', errors = r.errors, finished_at = v_now, seq = nextval('@s.job_seq'),
        token = NULL, lease_until = NULL
      WHERE queue = p_queue AND id = r.id;
      PERFORM @s.emit('dead', p_queue, r.name, r.id, r.attempt, v_now, NULL, coalesce(v_error, r.errors->-1));
    END IF;
    v_outcomes := v_outcomes || 'ok'::text;
  END LOOP;
  RETURN v_outcomes;
END $$;

-- RateLimitedError: the job's lane (its group's, else its name's, which then also takes the
-- name's jobs found in the shared order) holds until p_until, for every worker; the job waits
-- at the lane's front, this try not counted.
CREATE FUNCTION @s.hold_lane(r @s.jobs, p_until bigint, p_now bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_lane text := coalesce(r.lane, @s.lane_key(r.name, NULL));
  v_front bigint;
BEGIN
  DELETE FROM @s.flow_holds WHERE queue = r.queue AND until <= p_now AND lane <> v_lane;
  INSERT INTO @s.flow_holds (queue, lane, name, grp, until) VALUES (r.queue, v_lane, r.name, r.grp, p_until)
  ON CONFLICT (queue, lane) DO UPDATE SET until = greatest(@s.flow_holds.until, excluded.until);
  INSERT INTO @s.queues (name, known, front) VALUES (r.queue, false, -1)
  ON CONFLICT (name) DO UPDATE SET front = @s.queues.front - 1
  RETURNING front INTO v_front;
  UPDATE @s.jobs SET state = 'waiting', attempt = greatest(0, attempt - 1), lane = v_lane, ready_at = v_front,
    token = NULL, lease_until = NULL
  WHERE queue = r.queue AND id = r.id;
  PERFORM @s.emit('rate-limited', r.queue, r.name, r.id, greatest(0, r.attempt - 1), p_now, NULL, NULL, p_until);
  PERFORM @s.wake(r.queue, p_until);
END $$;

-- Waiting, delayed or active → cancelled, the reason kept as its last error. An active job's
-- lease is void (its token no longer matches a lease) and its worker is told on the cancel channel.
CREATE FUNCTION @s.cancel(p_queue text, p_id text, p_reason text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r @s.jobs;
  v_now bigint := @s.now_ms();
  v_error jsonb;
BEGIN
  SELECT * INTO r FROM @s.jobs WHERE queue = p_queue AND id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'missing';
  END IF;
  IF r.state NOT IN ('waiting', 'delayed', 'active') THEN
    RETURN 'finished';
  END IF;
  v_error := jsonb_build_object('message', coalesce(p_reason, 'cancelled'), 'name', 'JobCancelledError', 'attempt', r.attempt, 'at', v_now);
  UPDATE @s.jobs SET state = 'cancelled', errors = @s.push_error(errors, v_error), finished_at = v_now, seq = nextval('@s.job_seq'),
    token = NULL, lease_until = NULL
  WHERE queue = p_queue AND id = p_id;
  PERFORM @s.emit('cancelled', p_queue, r.name, r.id, r.attempt, v_now, NULL, v_error);
  IF r.state = 'active' THEN
    PERFORM pg_notify(@cancels, jsonb_build_array(p_queue, p_id)::text);
  END IF;
  RETURN 'cancelled';
END $$;
`;
