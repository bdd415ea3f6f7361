// Version 3, job dependencies. A job enqueued with `dependsOn` is 'blocked' with one row per
// dependency in `dependencies` (its outcome and result filled in when the dependency ends). The
// dependency's row carries `has_dependents`, so a trigger hands its end over in the same transaction
// as the change that ended it: nothing to recover after a crash, and jobs without dependents pay
// only the trigger's WHEN test. Enqueue locks each dependency's row while it registers, so a
// dependency ending at that moment either sees the registration or is seen ended.
export const dependenciesV3 = `
ALTER TABLE @s.jobs ADD COLUMN dep_mode text, ADD COLUMN has_dependents boolean NOT NULL DEFAULT false;
ALTER TABLE @s.jobs DROP CONSTRAINT jobs_state_check;
ALTER TABLE @s.jobs ADD CONSTRAINT jobs_state_check
  CHECK (state IN ('blocked', 'waiting', 'delayed', 'active', 'completed', 'dead', 'expired', 'cancelled'));
CREATE INDEX jobs_blocked ON @s.jobs (queue, seq) WHERE state = 'blocked';

CREATE TABLE @s.dependencies (
  queue text NOT NULL,
  id text NOT NULL,
  idx integer NOT NULL,
  dep_queue text NOT NULL,
  dep_id text NOT NULL,
  outcome text,
  result text,
  PRIMARY KEY (queue, id, idx)
);
CREATE INDEX dependencies_pending ON @s.dependencies (dep_queue, dep_id) WHERE outcome IS NULL;

-- A blocked job whose dependencies decided it: dead naming a failed one (unless it ignores failures),
-- or waiting (delayed when its run time has not come) once none is pending.
CREATE FUNCTION @s.resolve_blocked(p_queue text, p_id text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r @s.jobs;
  d @s.dependencies;
  v_now bigint := @s.now_ms();
  v_error jsonb;
  v_state text;
BEGIN
  SELECT * INTO r FROM @s.jobs WHERE queue = p_queue AND id = p_id FOR UPDATE;
  IF NOT FOUND OR r.state <> 'blocked' THEN
    RETURN;
  END IF;
  IF r.dep_mode = 'fail' THEN
    SELECT * INTO d FROM @s.dependencies WHERE queue = p_queue AND id = p_id AND outcome <> 'completed' ORDER BY idx LIMIT 1;
    IF FOUND THEN
      v_error := jsonb_build_object('name', 'DependencyFailedError', 'attempt', r.attempt, 'at', v_now, 'message',
        'dependency ' || d.dep_id || ' in queue "' || d.dep_queue || '" '
        || CASE WHEN d.outcome = 'missing' THEN 'was removed before it ended' ELSE 'ended ' || d.outcome END);
      UPDATE @s.jobs SET state = 'dead', errors = @s.push_error(errors, v_error), finished_at = v_now, seq = nextval('@s.job_seq')
      WHERE queue = p_queue AND id = p_id;
      PERFORM @s.emit('dead', p_queue, r.name, r.id, r.attempt, v_now, NULL, v_error);
      RETURN;
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM @s.dependencies WHERE queue = p_queue AND id = p_id AND outcome IS NULL) THEN
    RETURN;
  END IF;
  v_state := CASE WHEN r.run_at > v_now THEN 'delayed' ELSE 'waiting' END;
  UPDATE @s.jobs SET state = v_state, ready_at = v_now, seq = nextval('@s.job_seq') WHERE queue = p_queue AND id = p_id;
  PERFORM @s.emit('unblocked', p_queue, r.name, r.id, r.attempt, v_now);
  PERFORM @s.wake(p_queue, CASE WHEN v_state = 'delayed' THEN r.run_at END);
END $$;

-- A job with dependents ended (or was deleted unfinished: 'missing'): its outcome (and result) to each
-- dependent's row, then each dependent resolved if that decided it.
CREATE FUNCTION @s.hand_over(p_queue text, p_id text, p_outcome text, p_result text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  w record;
BEGIN
  FOR w IN
    UPDATE @s.dependencies SET outcome = p_outcome, result = CASE WHEN p_outcome = 'completed' AND p_result <> 'null' THEN p_result END
    WHERE dep_queue = p_queue AND dep_id = p_id AND outcome IS NULL
    RETURNING queue, id
  LOOP
    PERFORM @s.resolve_blocked(w.queue, w.id);
  END LOOP;
END $$;

CREATE FUNCTION @s.dependency_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM @s.hand_over(OLD.queue, OLD.id, 'missing', NULL);
    RETURN OLD;
  END IF;
  PERFORM @s.hand_over(NEW.queue, NEW.id, NEW.state, NEW.result);
  RETURN NEW;
END $$;
CREATE TRIGGER jobs_dependency_ended AFTER UPDATE OF state ON @s.jobs FOR EACH ROW
  WHEN (NEW.has_dependents AND NEW.state IN ('completed', 'dead', 'cancelled', 'expired') AND OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION @s.dependency_ended();
CREATE TRIGGER jobs_dependency_removed AFTER DELETE ON @s.jobs FOR EACH ROW
  WHEN (OLD.has_dependents AND OLD.state IN ('blocked', 'waiting', 'delayed', 'active'))
  EXECUTE FUNCTION @s.dependency_ended();
CREATE FUNCTION @s.blocked_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM @s.dependencies WHERE queue = OLD.queue AND id = OLD.id;
  RETURN OLD;
END $$;
CREATE TRIGGER jobs_blocked_removed AFTER DELETE ON @s.jobs FOR EACH ROW
  WHEN (OLD.dep_mode IS NOT NULL) EXECUTE FUNCTION @s.blocked_removed();

-- Enqueue with dependencies: every dependency of a new job must exist (else nothing of the call is
-- written: SQLSTATE NJ001, the detail naming job, queue and id); new jobs with dependencies are blocked.
ALTER FUNCTION @s.enqueue(jsonb) RENAME TO enqueue_unblocked;
CREATE FUNCTION @s.enqueue(p_jobs jsonb)
RETURNS TABLE (job_id text, created boolean, job_state text) LANGUAGE plpgsql AS $$
DECLARE
  j jsonb;
  o bigint;
  v_missing record;
  e record;
  v_dep record;
  v_now bigint := @s.now_ms();
BEGIN
  SELECT t.value->>'id' AS job, d.value->>'queue' AS queue, d.value->>'id' AS id INTO v_missing
  FROM jsonb_array_elements(p_jobs) AS t(value), jsonb_array_elements(coalesce(t.value->'dependsOn', '[]')) AS d(value)
  WHERE NOT EXISTS (SELECT 1 FROM @s.jobs WHERE queue = t.value->>'queue' AND id = t.value->>'id')
    AND NOT EXISTS (SELECT 1 FROM @s.jobs WHERE queue = d.value->>'queue' AND id = d.value->>'id')
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'dependency % in queue "%" does not exist', v_missing.id, v_missing.queue
      USING ERRCODE = 'NJ001', DETAIL = jsonb_build_array(v_missing.job, v_missing.queue, v_missing.id)::text;
  END IF;
  FOR e IN SELECT * FROM @s.enqueue_unblocked(p_jobs) WITH ORDINALITY AS t(job_id, created, job_state, o) LOOP
    job_id := e.job_id;
    created := e.created;
    job_state := e.job_state;
    j := p_jobs->(e.o::integer - 1);
    IF e.created AND jsonb_array_length(coalesce(j->'dependsOn', '[]')) > 0 THEN
      UPDATE @s.jobs SET state = 'blocked', dep_mode = coalesce(j->>'onDependencyFailure', 'fail'), seq = nextval('@s.job_seq')
      WHERE queue = j->>'queue' AND id = e.job_id;
      PERFORM @s.emit('blocked', j->>'queue', j->>'name', e.job_id, 0, v_now);
      FOR v_dep IN
        SELECT d.value->>'queue' AS queue, d.value->>'id' AS id, (d.o - 1)::integer AS idx
        FROM jsonb_array_elements(j->'dependsOn') WITH ORDINALITY AS d(value, o) ORDER BY d.o
      LOOP
        WITH dep AS (
          UPDATE @s.jobs SET has_dependents = true WHERE queue = v_dep.queue AND id = v_dep.id RETURNING state, result
        )
        INSERT INTO @s.dependencies (queue, id, idx, dep_queue, dep_id, outcome, result)
        SELECT j->>'queue', e.job_id, v_dep.idx, v_dep.queue, v_dep.id,
          CASE WHEN dep.state IS NULL THEN 'missing' WHEN dep.state IN ('completed', 'dead', 'cancelled', 'expired') THEN dep.state END,
          CASE WHEN dep.state = 'completed' AND dep.result <> 'null' THEN dep.result END
        FROM (SELECT 1) AS one LEFT JOIN dep ON true;
      END LOOP;
      PERFORM @s.resolve_blocked(j->>'queue', e.job_id);
      SELECT state INTO job_state FROM @s.jobs WHERE queue = j->>'queue' AND id = e.job_id;
    END IF;
    RETURN NEXT;
  END LOOP;
END $$;

-- A job completed with removeOnComplete true is deleted, not updated: its end is handed over first,
-- with its result (the delete then finds nothing pending). Other completions pass straight through.
ALTER FUNCTION @s.complete(text, jsonb) RENAME TO complete_kept;
CREATE FUNCTION @s.complete(p_queue text, p_items jsonb) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  item jsonb;
  r @s.jobs;
BEGIN
  IF p_items @> '[{"retention": true}]' THEN
    FOR item IN SELECT value FROM jsonb_array_elements(p_items) WHERE value->'retention' = 'true'::jsonb LOOP
      r := @s.leased(p_queue, item->>'id', item->>'token');
      IF r.id IS NOT NULL AND r.has_dependents THEN
        PERFORM @s.hand_over(p_queue, r.id, 'completed', item->>'result');
      END IF;
    END LOOP;
  END IF;
  RETURN @s.complete_kept(p_queue, p_items);
END $$;

-- A blocked job can be cancelled too (version 2's cancel takes the others).
ALTER FUNCTION @s.cancel(text, text, text) RENAME TO cancel_unblocked;
CREATE FUNCTION @s.cancel(p_queue text, p_id text, p_reason text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r @s.jobs;
  v_now bigint := @s.now_ms();
  v_error jsonb;
BEGIN
  SELECT * INTO r FROM @s.jobs WHERE queue = p_queue AND id = p_id FOR UPDATE;
  IF NOT FOUND OR r.state <> 'blocked' THEN
    RETURN @s.cancel_unblocked(p_queue, p_id, p_reason);
  END IF;
  v_error := jsonb_build_object('message', coalesce(p_reason, 'cancelled'), 'name', 'JobCancelledError', 'attempt', r.attempt, 'at', v_now);
  UPDATE @s.jobs SET state = 'cancelled', errors = @s.push_error(errors, v_error), finished_at = v_now, seq = nextval('@s.job_seq')
  WHERE queue = p_queue AND id = p_id;
  PERFORM @s.emit('cancelled', p_queue, r.name, r.id, r.attempt, v_now, NULL, v_error);
  RETURN 'cancelled';
END $$;
`;
