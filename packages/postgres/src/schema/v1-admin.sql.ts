// Version 1, operator actions and schedule ticks.
export const adminV1 = `
-- A dead job back to waiting with fresh tries (its errors stay), behind the jobs already waiting.
CREATE FUNCTION @s.revive(p_queue text, p_id text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  v_now bigint := @s.now_ms();
  r @s.jobs;
BEGIN
  UPDATE @s.jobs SET state = 'waiting', attempt = 0, run_at = v_now, ready_at = v_now, finished_at = NULL, seq = nextval('@s.job_seq')
  WHERE queue = p_queue AND id = p_id AND state = 'dead'
  RETURNING * INTO r;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  PERFORM @s.emit('enqueued', p_queue, r.name, r.id, 0, v_now);
  PERFORM @s.wake(p_queue);
  RETURN true;
END $$;

-- Up to p_limit dead jobs revived, oldest death first; returns how many.
CREATE FUNCTION @s.revive_dead(p_queue text, p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_id text;
  v_count integer := 0;
BEGIN
  FOR v_id IN SELECT id FROM @s.jobs WHERE queue = p_queue AND state = 'dead' ORDER BY seq LIMIT p_limit FOR UPDATE SKIP LOCKED LOOP
    IF @s.revive(p_queue, v_id) THEN
      v_count := v_count + 1;
    END IF;
  END LOOP;
  RETURN v_count;
END $$;

-- Up to p_limit dead jobs removed, oldest death first; returns how many.
CREATE FUNCTION @s.remove_dead(p_queue text, p_limit integer) RETURNS integer LANGUAGE sql AS $$
  WITH gone AS (
    DELETE FROM @s.jobs j USING (SELECT id FROM @s.jobs WHERE queue = p_queue AND state = 'dead' ORDER BY seq LIMIT p_limit FOR UPDATE SKIP LOCKED) d
    WHERE j.queue = p_queue AND j.id = d.id RETURNING 1
  )
  SELECT count(*)::integer FROM gone
$$;

CREATE FUNCTION @s.set_paused(p_queue text, p_paused boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO @s.queues (name, known, paused) VALUES (p_queue, false, p_paused)
  ON CONFLICT (name) DO UPDATE SET paused = p_paused;
  IF NOT p_paused THEN
    PERFORM @s.wake(p_queue);
  END IF;
END $$;

-- A schedule tick, at most once per (schedule, tick): the schedule's row lock orders racing schedulers.
CREATE FUNCTION @s.enqueue_tick(p_queue text, p_schedule text, p_tick_at bigint, p_overlap boolean, p_job jsonb)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  s @s.schedules;
  v_created boolean;
BEGIN
  INSERT INTO @s.schedules (queue, name) VALUES (p_queue, p_schedule) ON CONFLICT DO NOTHING;
  SELECT * INTO s FROM @s.schedules WHERE queue = p_queue AND name = p_schedule FOR UPDATE;
  IF s.paused THEN
    RETURN 'paused';
  END IF;
  IF s.last_tick_at IS NOT NULL AND p_tick_at <= s.last_tick_at THEN
    RETURN 'duplicate';
  END IF;
  -- Consumed from here on, even when skipped for overlap: no later call may enqueue it.
  UPDATE @s.schedules SET last_tick_at = p_tick_at WHERE queue = p_queue AND name = p_schedule;
  IF NOT p_overlap AND s.last_job_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM @s.jobs WHERE queue = p_queue AND id = s.last_job_id AND state IN ('waiting', 'delayed', 'active')
  ) THEN
    PERFORM @s.emit('skipped', p_queue, p_job->>'name', p_job->>'id', 0, @s.now_ms());
    RETURN 'overlap';
  END IF;
  SELECT created INTO v_created FROM @s.enqueue(jsonb_build_array(p_job));
  IF NOT v_created THEN
    RETURN 'duplicate';
  END IF;
  UPDATE @s.schedules SET last_job_id = p_job->>'id' WHERE queue = p_queue AND name = p_schedule;
  RETURN 'enqueued';
END $$;

CREATE FUNCTION @s.set_schedule_paused(p_queue text, p_schedule text, p_paused boolean) RETURNS void LANGUAGE sql AS $$
  INSERT INTO @s.schedules (queue, name, paused) VALUES (p_queue, p_schedule, p_paused)
  ON CONFLICT (queue, name) DO UPDATE SET paused = p_paused
$$;
`;
