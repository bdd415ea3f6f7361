// Version 1, the worker's operations. Each is one function call: one round trip,
// one transaction, so a job is in exactly one state at any time.
export const workerV1 = `
-- Due delayed jobs to waiting and expired leases recovered, each bounded per call;
-- then up to p_max waiting jobs leased in fetch order (FOR UPDATE SKIP LOCKED:
-- concurrent fetchers take different jobs and never wait for each other).
CREATE FUNCTION @s.fetch(p_queue text, p_max integer, p_lease_ms bigint)
RETURNS SETOF @s.jobs LANGUAGE plpgsql AS $$
DECLARE
  v_now bigint := @s.now_ms();
  r @s.jobs;
  v_leased @s.jobs[];
  v_error jsonb;
  v_id text;
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

  -- Jobs that fell due enter waiting now, behind every job already waiting, in run-time order.
  FOR v_id IN SELECT id FROM @s.jobs WHERE queue = p_queue AND state = 'delayed' AND run_at <= v_now
              ORDER BY run_at, seq LIMIT 1000 FOR UPDATE SKIP LOCKED LOOP
    UPDATE @s.jobs SET state = 'waiting', ready_at = v_now, seq = nextval('@s.job_seq') WHERE queue = p_queue AND id = v_id;
  END LOOP;

  IF p_max <= 0 OR coalesce((SELECT paused FROM @s.queues WHERE name = p_queue), false) THEN
    RETURN;
  END IF;

  WITH picked AS (
    SELECT id FROM @s.jobs WHERE queue = p_queue AND state = 'waiting'
    ORDER BY priority DESC, ready_at, seq LIMIT p_max FOR UPDATE SKIP LOCKED
  ), leased AS (
    UPDATE @s.jobs j SET state = 'active', attempt = j.attempt + 1, started_at = v_now,
      token = replace(gen_random_uuid()::text, '-', ''), lease_until = v_now + p_lease_ms
    FROM picked WHERE j.queue = p_queue AND j.id = picked.id
    RETURNING j.*
  )
  SELECT array_agg(leased ORDER BY leased.priority DESC, leased.ready_at, leased.seq) INTO v_leased FROM leased;

  IF v_leased IS NULL THEN
    RETURN;
  END IF;
  FOREACH r IN ARRAY v_leased LOOP
    PERFORM @s.emit('active', r.queue, r.name, r.id, r.attempt, v_now);
    RETURN NEXT r;
  END LOOP;
END $$;

-- The job of a lease, locked, or nothing when the token is stale (fencing).
CREATE FUNCTION @s.leased(p_queue text, p_id text, p_token text) RETURNS @s.jobs LANGUAGE sql AS $$
  SELECT * FROM @s.jobs WHERE queue = p_queue AND id = p_id AND state = 'active' AND token = p_token FOR UPDATE
$$;

CREATE FUNCTION @s.complete(p_queue text, p_items jsonb) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  item jsonb;
  r @s.jobs;
  v_now bigint := @s.now_ms();
  v_outcomes text[] := '{}';
  v_retention jsonb;
  v_cut bigint;
BEGIN
  FOR item IN SELECT value FROM jsonb_array_elements(p_items) WITH ORDINALITY AS t(value, o) ORDER BY o LOOP
    r := @s.leased(p_queue, item->>'id', item->>'token');
    IF r.id IS NULL THEN
      v_outcomes := v_outcomes || 'lost'::text;
      CONTINUE;
    END IF;
    v_retention := item->'retention';
    IF v_retention = 'true'::jsonb THEN
      DELETE FROM @s.jobs WHERE queue = p_queue AND id = r.id;
    ELSE
      UPDATE @s.jobs SET state = 'completed', result = item->>'result', finished_at = v_now, seq = nextval('@s.job_seq'),
        token = NULL, lease_until = NULL
      WHERE queue = p_queue AND id = r.id;
    END IF;
    PERFORM @s.emit('completed', p_queue, r.name, r.id, r.attempt, v_now, item->>'result');
    IF jsonb_typeof(v_retention) = 'object' THEN
      IF v_retention ? 'count' THEN
        SELECT seq INTO v_cut FROM @s.jobs WHERE queue = p_queue AND state = 'completed'
        ORDER BY seq DESC OFFSET (v_retention->>'count')::integer LIMIT 1;
        IF v_cut IS NOT NULL THEN
          DELETE FROM @s.jobs WHERE queue = p_queue AND state = 'completed' AND seq <= v_cut;
        END IF;
      END IF;
      IF v_retention ? 'age' THEN
        DELETE FROM @s.jobs WHERE queue = p_queue AND state = 'completed' AND finished_at < v_now - (v_retention->>'age')::bigint;
      END IF;
    END IF;
    v_outcomes := v_outcomes || 'ok'::text;
  END LOOP;
  RETURN v_outcomes;
END $$;

-- A failed try: its error recorded (when given), then a retry at retryAt, or dead without one.
CREATE FUNCTION @s.fail(p_queue text, p_items jsonb) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  item jsonb;
  r @s.jobs;
  v_now bigint := @s.now_ms();
  v_outcomes text[] := '{}';
  v_error jsonb;
  v_retry_at bigint;
BEGIN
  FOR item IN SELECT value FROM jsonb_array_elements(p_items) WITH ORDINALITY AS t(value, o) ORDER BY o LOOP
    r := @s.leased(p_queue, item->>'id', item->>'token');
    IF r.id IS NULL THEN
      v_outcomes := v_outcomes || 'lost'::text;
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

CREATE FUNCTION @s.extend(p_queue text, p_items jsonb, p_lease_ms bigint) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  item jsonb;
  v_until bigint := @s.now_ms() + p_lease_ms;
  v_outcomes text[] := '{}';
BEGIN
  FOR item IN SELECT value FROM jsonb_array_elements(p_items) WITH ORDINALITY AS t(value, o) ORDER BY o LOOP
    UPDATE @s.jobs SET lease_until = v_until
    WHERE queue = p_queue AND id = item->>'id' AND state = 'active' AND token = item->>'token';
    v_outcomes := v_outcomes || CASE WHEN FOUND THEN 'ok' ELSE 'lost' END;
  END LOOP;
  RETURN v_outcomes;
END $$;

-- Leases handed back: waiting at the front of their priority, in batch order, the try not counted.
-- Each release takes places below the previous one's, so the job released last runs next.
CREATE FUNCTION @s.release(p_queue text, p_items jsonb) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  item jsonb;
  v_front bigint;
  v_outcomes text[] := '{}';
BEGIN
  INSERT INTO @s.queues (name, known, front) VALUES (p_queue, false, -jsonb_array_length(p_items))
  ON CONFLICT (name) DO UPDATE SET front = @s.queues.front - jsonb_array_length(p_items)
  RETURNING front INTO v_front;
  -- Negative: below the epoch-ms ready time of every job that became runnable otherwise.
  FOR item IN SELECT value FROM jsonb_array_elements(p_items) WITH ORDINALITY AS t(value, o) ORDER BY o LOOP
    UPDATE @s.jobs SET state = 'waiting', attempt = greatest(0, attempt - 1), ready_at = v_front, token = NULL, lease_until = NULL
    WHERE queue = p_queue AND id = item->>'id' AND state = 'active' AND token = item->>'token';
    IF FOUND THEN
      v_front := v_front + 1;
      v_outcomes := v_outcomes || 'ok'::text;
    ELSE
      v_outcomes := v_outcomes || 'lost'::text;
    END IF;
  END LOOP;
  IF 'ok' = ANY (v_outcomes) THEN
    PERFORM @s.wake(p_queue);
  END IF;
  RETURN v_outcomes;
END $$;

CREATE FUNCTION @s.progress(p_queue text, p_id text, p_token text, p_progress text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  r @s.jobs;
BEGIN
  UPDATE @s.jobs SET progress = p_progress WHERE queue = p_queue AND id = p_id AND state = 'active' AND token = p_token
  RETURNING * INTO r;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  PERFORM @s.emit('progress', p_queue, r.name, r.id, r.attempt, @s.now_ms(), p_progress);
  RETURN true;
END $$;

-- What an idle worker needs to sleep well: which queues have runnable work now,
-- and when the next delayed job falls due or lease runs out (paused queues: nothing).
CREATE FUNCTION @s.work_status(p_queues text[])
RETURNS TABLE (queue text, ready boolean, next_at bigint) LANGUAGE sql STABLE AS $$
  SELECT q.name,
    EXISTS (SELECT 1 FROM @s.jobs j WHERE j.queue = q.name AND j.state = 'waiting'),
    least((SELECT min(run_at) FROM @s.jobs j WHERE j.queue = q.name AND j.state = 'delayed'),
          (SELECT min(lease_until) FROM @s.jobs j WHERE j.queue = q.name AND j.state = 'active'))
  FROM unnest(p_queues) AS q(name)
  WHERE NOT coalesce((SELECT paused FROM @s.queues WHERE name = q.name), false)
$$;
`;
