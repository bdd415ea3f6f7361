// Version 2 of the outbox: rows the driver refused for good (a dependency that does not
// exist) are set aside here with the refusal, so one such row neither stops the relay
// nor disappears.
export const outboxV2 = `
CREATE TABLE @s.outbox_rejected (
  seq bigint PRIMARY KEY,
  job jsonb NOT NULL,
  error text NOT NULL,
  written_at bigint NOT NULL,
  rejected_at bigint NOT NULL
);
`;
