/** Schema names the driver accepts: a plain identifier, short enough for its channel names (63 bytes at most). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/** The schema's quoted identifier and the NOTIFY channels of one installation. */
export interface SchemaNames {
  /** As given, e.g. `nest_jobs`. */
  readonly schema: string;
  /** Quoted identifier for SQL text, e.g. `"nest_jobs"`. */
  readonly ident: string;
  /** Channel of job events (every state change, JSON). */
  readonly eventChannel: string;
  /** Channel of wake-ups: a queue got work, or will at a time. */
  readonly wakeChannel: string;
  /** Channel of the outbox: rows committed for the relay. */
  readonly outboxChannel: string;
  /** Channel of cancels of active jobs: `["queue", "id"]`, for the workers running them. */
  readonly cancelChannel: string;
  /** Channel of runtime schedule changes (empty payload): schedulers re-read the definitions. */
  readonly schedulesChannel: string;
}

export function schemaNames(schema: string, culprit = 'PostgresDriver'): SchemaNames {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new Error(`${culprit}: schema must be a lower-case SQL identifier of 1–48 characters (letters, digits, _; got ${JSON.stringify(schema)}).`);
  }
  return { schema, ident: `"${schema}"`, eventChannel: `${schema}:events`, wakeChannel: `${schema}:wake`, outboxChannel: `${schema}:outbox`, cancelChannel: `${schema}:cancels`, schedulesChannel: `${schema}:schedules` };
}

/** Fills a SQL template: `@s.` is the schema, `@events`, `@wake`, `@outbox`, `@cancels` and `@schedules` the channel names as string literals. */
export function fillTemplate(template: string, names: SchemaNames): string {
  return template
    .replaceAll('@s.', `${names.ident}.`)
    .replaceAll('@events', `'${names.eventChannel}'`)
    .replaceAll('@wake', `'${names.wakeChannel}'`)
    .replaceAll('@outbox', `'${names.outboxChannel}'`)
    .replaceAll('@cancels', `'${names.cancelChannel}'`)
    .replaceAll('@schedules', `'${names.schedulesChannel}'`);
}
