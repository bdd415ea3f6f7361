// Version 1, enqueue: callable on the driver's pool or on the application's own
// connection inside its transaction (then the jobs, their events and wake-ups exist at commit).
export const producerV1 = `
CREATE FUNCTION @s.enqueue(p_jobs jsonb)
RETURNS TABLE (job_id text, created boolean, job_state text) LANGUAGE plpgsql AS $$
DECLARE
  j jsonb;
  v_now bigint := @s.now_ms();
  v_state text;
  v_queue text;
BEGIN
  FOR j IN SELECT value FROM jsonb_array_elements(p_jobs) WITH ORDINALITY AS t(value, o) ORDER BY o LOOP
    v_queue := j->>'queue';
    job_id := j->>'id';
    v_state := CASE WHEN (j->>'runAt')::bigint > greatest((j->>'enqueuedAt')::bigint, v_now) THEN 'delayed' ELSE 'waiting' END;
    INSERT INTO @s.jobs (queue, id, name, payload, priority, max_attempts, run_at, enqueued_at, scheduled_for, state, ready_at, seq)
    VALUES (v_queue, job_id, j->>'name', j->>'payload', (j->>'priority')::integer, (j->>'maxAttempts')::integer,
            (j->>'runAt')::bigint, (j->>'enqueuedAt')::bigint, (j->>'scheduledFor')::bigint, v_state, v_now, nextval('@s.job_seq'))
    ON CONFLICT (queue, id) DO NOTHING;
    IF FOUND THEN
      PERFORM @s.know_queue(v_queue);
      PERFORM @s.emit('enqueued', v_queue, j->>'name', job_id, 0, v_now);
      PERFORM @s.wake(v_queue, CASE WHEN v_state = 'delayed' THEN (j->>'runAt')::bigint END);
      created := true;
      job_state := v_state;
    ELSE
      created := false;
      SELECT state INTO job_state FROM @s.jobs WHERE queue = v_queue AND id = job_id;
      -- Invisible to this transaction's snapshot (repeatable read): it exists, in a state unknown here.
      job_state := coalesce(job_state, 'waiting');
    END IF;
    RETURN NEXT;
  END LOOP;
END $$;
`;
