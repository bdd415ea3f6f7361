// Version 4, schedules created at runtime (Producer.schedule): definitions, a version, a change notice.
export const runtimeSchedulesV4 = `
-- Definitions are JSON text written and read by core; the driver never looks inside.
CREATE TABLE @s.runtime_schedules (
  name text PRIMARY KEY,
  definition text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row: changes with every save and removal, in the same transaction (the schedulers' slow poll reads it).
CREATE TABLE @s.runtime_schedules_version (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL
);
INSERT INTO @s.runtime_schedules_version (version) VALUES (0);

CREATE FUNCTION @s.runtime_schedules_changed() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE @s.runtime_schedules_version SET version = version + 1;
  PERFORM pg_notify(@schedules, '');
END $$;

CREATE FUNCTION @s.save_runtime_schedule(p_name text, p_definition text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO @s.runtime_schedules (name, definition) VALUES (p_name, p_definition)
  ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = now();
  PERFORM @s.runtime_schedules_changed();
END $$;

-- The removed definition, or NULL when there was none (then nothing changes).
CREATE FUNCTION @s.remove_runtime_schedule(p_name text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_definition text;
BEGIN
  DELETE FROM @s.runtime_schedules WHERE name = p_name RETURNING definition INTO v_definition;
  IF v_definition IS NOT NULL THEN PERFORM @s.runtime_schedules_changed(); END IF;
  RETURN v_definition;
END $$;

-- Every definition and the version, from one snapshot.
CREATE FUNCTION @s.load_runtime_schedules() RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'version', (SELECT version FROM @s.runtime_schedules_version),
    'schedules', coalesce((SELECT jsonb_agg(jsonb_build_object('name', name, 'definition', definition) ORDER BY name) FROM @s.runtime_schedules), '[]'::jsonb));
$$;
`;
