// Version 1, helpers shared by the operations: the clock, events, wake-ups, the error list.
export const helpersV1 = `
-- The database's clock in epoch ms: one clock for every process, as Redis's TIME is for RedisDriver.
CREATE FUNCTION @s.now_ms() RETURNS bigint LANGUAGE sql VOLATILE AS $$
  SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint
$$;

-- A job event to every listening process, delivered at commit in commit order.
-- A body too large for NOTIFY's 8000-byte payload is stored and sent as '#<id>'.
CREATE FUNCTION @s.emit(p_type text, p_queue text, p_name text, p_id text, p_attempt integer, p_at bigint,
                        p_data text DEFAULT NULL, p_error jsonb DEFAULT NULL, p_run_at bigint DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_body text := jsonb_strip_nulls(jsonb_build_object('type', p_type, 'queue', p_queue, 'name', p_name, 'id', p_id,
    'attempt', p_attempt, 'at', p_at, 'data', p_data, 'error', p_error, 'runAt', p_run_at))::text;
  v_ref bigint;
BEGIN
  IF octet_length(v_body) > 7000 THEN
    DELETE FROM @s.event_bodies WHERE at < p_at - 3600000;
    INSERT INTO @s.event_bodies (body, at) VALUES (v_body, p_at) RETURNING id INTO v_ref;
    v_body := '#' || v_ref;
  END IF;
  PERFORM pg_notify(@events, v_body);
END $$;

-- Wakes idle workers of a queue: now (p_at NULL), or tells them a job falls due at p_at.
CREATE FUNCTION @s.wake(p_queue text, p_at bigint DEFAULT NULL) RETURNS void LANGUAGE sql AS $$
  SELECT pg_notify(@wake, jsonb_build_array(p_queue, p_at)::text)
$$;

-- The last 20 failed tries, oldest first.
CREATE FUNCTION @s.push_error(p_errors jsonb, p_error jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_agg(e ORDER BY o), '[]'::jsonb)
  FROM jsonb_array_elements(p_errors || jsonb_build_array(p_error)) WITH ORDINALITY AS t(e, o)
  WHERE o > jsonb_array_length(p_errors) + 1 - 20
$$;

-- A try's error as stored: only the documented fields, with the try and the time.
CREATE FUNCTION @s.error_of(p_error jsonb, p_attempt integer, p_at bigint) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object('message', p_error->'message', 'name', p_error->'name',
    'stack', p_error->'stack', 'attempt', p_attempt, 'at', p_at))
$$;

-- Makes a queue listed by queues() (registered, or got a job). Reads first, so that
-- enqueues inside long application transactions do not queue up on the row lock.
CREATE FUNCTION @s.know_queue(p_queue text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM @s.queues WHERE name = p_queue AND known) THEN
    INSERT INTO @s.queues (name) VALUES (p_queue) ON CONFLICT (name) DO UPDATE SET known = true;
  END IF;
END $$;
`;
