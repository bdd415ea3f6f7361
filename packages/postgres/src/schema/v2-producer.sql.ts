// Version 2, enqueue with lanes, expiry and dedupe (still callable inside the application's
// transaction: a dedupe key taken there is held from its commit on).
export const producerV2 = `
-- Within a dedupe window, the job holding the key (a debounce first moves its start and
-- takes the new payload while it has not started); outside one, the key goes to p_job
-- and nothing is returned. The key's row lock orders racing enqueues of one key.
CREATE FUNCTION @s.dedupe_holder(p_queue text, p_job jsonb, p_now bigint, OUT holder_id text, OUT holder_state text)
LANGUAGE plpgsql AS $$
DECLARE
  d jsonb := p_job->'dedupe';
  v_name text := p_job->>'name';
  v_key text := d->>'key';
  v_ttl bigint := (d->>'ttlMs')::bigint;
  h @s.dedupes;
  r @s.jobs;
BEGIN
  INSERT INTO @s.dedupes (queue, name, key, job_id, until) VALUES (p_queue, v_name, v_key, p_job->>'id', p_now + v_ttl)
  ON CONFLICT DO NOTHING;
  IF FOUND THEN
    RETURN;
  END IF;
  SELECT * INTO h FROM @s.dedupes WHERE queue = p_queue AND name = v_name AND key = v_key FOR UPDATE;
  IF h.until > p_now THEN
    SELECT * INTO r FROM @s.jobs WHERE queue = p_queue AND id = h.job_id FOR UPDATE;
    IF r.id IS NOT NULL AND d->>'mode' = 'throttle' THEN
      holder_id := r.id;
      holder_state := r.state;
      RETURN;
    END IF;
    IF r.id IS NOT NULL AND r.state = 'delayed' THEN
      UPDATE @s.jobs SET payload = p_job->>'payload', run_at = least(p_now + v_ttl, r.enqueued_at + (d->>'maxWaitMs')::bigint),
        seq = nextval('@s.job_seq')
      WHERE queue = p_queue AND id = r.id
      RETURNING * INTO r;
      UPDATE @s.dedupes SET until = p_now + v_ttl WHERE queue = p_queue AND name = v_name AND key = v_key;
      PERFORM @s.wake(p_queue, r.run_at);
      holder_id := r.id;
      holder_state := r.state;
      RETURN;
    END IF;
  END IF;
  UPDATE @s.dedupes SET job_id = p_job->>'id', until = p_now + v_ttl WHERE queue = p_queue AND name = v_name AND key = v_key;
  -- Keys long out of their window, a few per enqueue that takes one, so the table stays small.
  DELETE FROM @s.dedupes WHERE ctid IN (SELECT ctid FROM @s.dedupes WHERE until < p_now - 3600000 LIMIT 10 FOR UPDATE SKIP LOCKED);
END $$;

CREATE OR REPLACE FUNCTION @s.enqueue(p_jobs jsonb)
RETURNS TABLE (job_id text, created boolean, job_state text) LANGUAGE plpgsql AS $$
DECLARE
  j jsonb;
  v_now bigint := @s.now_ms();
  v_state text;
  v_queue text;
  v_holder record;
BEGIN
  FOR j IN SELECT value FROM jsonb_array_elements(p_jobs) WITH ORDINALITY AS t(value, o) ORDER BY o LOOP
    v_queue := j->>'queue';
    job_id := j->>'id';
    IF jsonb_typeof(j->'dedupe') = 'object' AND NOT EXISTS (SELECT 1 FROM @s.jobs WHERE queue = v_queue AND id = job_id) THEN
      SELECT * INTO v_holder FROM @s.dedupe_holder(v_queue, j, v_now);
      IF v_holder.holder_id IS NOT NULL THEN
        job_id := v_holder.holder_id;
        created := false;
        job_state := v_holder.holder_state;
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;
    v_state := CASE WHEN (j->>'runAt')::bigint > greatest((j->>'enqueuedAt')::bigint, v_now) THEN 'delayed' ELSE 'waiting' END;
    INSERT INTO @s.jobs (queue, id, name, payload, priority, max_attempts, run_at, enqueued_at, scheduled_for, state, ready_at, seq,
                         lane, grp, expire_at, trace)
    VALUES (v_queue, job_id, j->>'name', j->>'payload', (j->>'priority')::integer, (j->>'maxAttempts')::integer,
            (j->>'runAt')::bigint, (j->>'enqueuedAt')::bigint, (j->>'scheduledFor')::bigint, v_state, v_now, nextval('@s.job_seq'),
            CASE WHEN j ? 'group' OR (j->>'limited')::boolean THEN @s.lane_key(j->>'name', j->>'group') END,
            j->>'group', (j->>'expireAt')::bigint, CASE WHEN jsonb_typeof(j->'trace') = 'object' THEN j->'trace' END)
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
