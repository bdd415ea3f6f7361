import type { DriverEvent, JobError, JobRecord, JobState, LeasedJob } from '@nest-jobs/core/driver';

const STATES = new Set<string>(['waiting', 'delayed', 'active', 'completed', 'dead']);

/** A job hash (HGETALL as a flat list or an object) back into a JobRecord. Only JSON is parsed. */
export function decodeJob(queue: string, id: string, hash: Record<string, string>): JobRecord {
  const state = hash.s ?? '';
  const record: JobRecord = {
    id,
    queue,
    name: hash.n ?? '',
    payload: hash.p ?? 'null',
    priority: num(hash.pr),
    maxAttempts: num(hash.ma, 1),
    runAt: num(hash.ra),
    enqueuedAt: num(hash.ea),
    state: (STATES.has(state) ? state : 'dead') as JobState,
    attempt: num(hash.a),
    errors: decodeErrors(hash.e),
  };
  if (hash.sf !== undefined) record.scheduledFor = num(hash.sf);
  if (hash.sa !== undefined) record.startedAt = num(hash.sa);
  if (hash.fa !== undefined) record.finishedAt = num(hash.fa);
  if (hash.pg !== undefined) record.progress = hash.pg;
  if (hash.r !== undefined) record.result = hash.r;
  return record;
}

/** Fields fetch.lua returns per leased job, in its HMGET order. */
const LEASED_FIELDS = ['n', 'p', 'pr', 'ma', 'ra', 'ea', 'sf', 'e', 'pg'] as const;

/** One leased job from fetch.lua's reply: id, token, leaseUntil, attempt, then LEASED_FIELDS. */
export function decodeLeased(queue: string, reply: unknown[], offset: number): LeasedJob {
  const values = reply[offset + 4] as Array<string | null>;
  const hash: Record<string, string> = { s: 'active', a: String(reply[offset + 3]) };
  LEASED_FIELDS.forEach((field, index) => {
    const value = values[index];
    if (value !== null && value !== undefined) hash[field] = value;
  });
  const record = decodeJob(queue, reply[offset] as string, hash);
  return { ...record, token: reply[offset + 1] as string, leaseUntil: Number(reply[offset + 2]) };
}

export function pairsToObject(pairs: string[]): Record<string, string> {
  const object: Record<string, string> = {};
  for (let index = 0; index < pairs.length; index += 2) object[pairs[index]!] = pairs[index + 1]!;
  return object;
}

/**
 * A stream entry's fields into its DriverEvents: one script run writes one
 * entry holding each event as the group t, id, n, a, at and an optional
 * d, e or r. A group we cannot read is skipped.
 */
export function decodeEvents(queue: string, fields: string[]): DriverEvent[] {
  const events: DriverEvent[] = [];
  let group: Record<string, string> | undefined;
  const close = (): void => {
    const event = group && toEvent(queue, group);
    if (event) events.push(event);
  };
  for (let index = 0; index + 1 < fields.length; index += 2) {
    if (fields[index] === 't') {
      close();
      group = {};
    }
    if (group) group[fields[index]!] = fields[index + 1]!;
  }
  close();
  return events;
}

function toEvent(queue: string, entry: Record<string, string>): DriverEvent | undefined {
  if (!entry.t || !entry.id) return undefined;
  const event: DriverEvent = {
    type: entry.t as DriverEvent['type'],
    queue,
    name: entry.n ?? '',
    id: entry.id,
    attempt: num(entry.a),
    at: num(entry.at),
  };
  if (entry.d !== undefined) event.data = entry.d;
  if (entry.e !== undefined) event.error = decodeError(entry.e);
  if (entry.r !== undefined) event.runAt = num(entry.r);
  return event;
}

function decodeErrors(text: string | undefined): JobError[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.map(normalizeError) : [];
  } catch {
    return [];
  }
}

function decodeError(text: string): JobError | undefined {
  try {
    return normalizeError(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function normalizeError(value: unknown): JobError {
  const raw = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const error: JobError = { message: typeof raw.message === 'string' ? raw.message : '', attempt: Number(raw.attempt ?? 0), at: Number(raw.at ?? 0) };
  if (typeof raw.name === 'string') error.name = raw.name;
  if (typeof raw.stack === 'string') error.stack = raw.stack;
  return error;
}

function num(value: string | undefined, fallback = 0): number {
  const parsed = Number(value);
  return value === undefined || Number.isNaN(parsed) ? fallback : parsed;
}
