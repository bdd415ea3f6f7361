// Version 1 of the outbox (PostgresOutbox): jobs written in the application's
// transaction, relayed to the driver after commit, in commit order, by one relay at a time.
export const outboxV1 = `
CREATE TABLE @s.outbox (
  seq bigserial PRIMARY KEY,
  job jsonb NOT NULL,
  written_at bigint NOT NULL
);

-- Writes jobs (a JSON array of core's NewJob) and wakes the relays at commit.
CREATE FUNCTION @s.outbox_write(p_jobs jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO @s.outbox (job, written_at)
  SELECT value, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint
  FROM jsonb_array_elements(p_jobs) WITH ORDINALITY AS t(value, o) ORDER BY o;
  PERFORM pg_notify(@outbox, '');
END $$;
`;
