import type { DriverEvent, JobError, JobEventType } from '@nest-jobs/core/driver';

/** Event type letters of layout 2's stream entries (lua/includes/emit.lua). */
const EVENT_TYPES: Record<string, JobEventType> = {
  Q: 'enqueued', A: 'active', P: 'progress', C: 'completed', R: 'retrying', F: 'failed', D: 'dead', S: 'skipped',
  X: 'expired', H: 'rate-limited', K: 'cancelled', B: 'blocked', U: 'unblocked',
};

/**
 * A stream entry's fields into its DriverEvents. Layout 2 (emit.lua): 'T' <ms>, then per event
 * [n <name>] <type letter> <id> [a <attempt>] [x <extra>]. Layout 1 (entries written before
 * 0.2, still in the stream after an upgrade): groups t, id, n, a, at [, d|e|r]. A group or
 * event we cannot read is skipped.
 */
export function decodeEvents(queue: string, fields: string[]): DriverEvent[] {
  return fields[0] === 'T' ? decodeCompact(queue, fields) : decodeGroups(queue, fields);
}

function decodeCompact(queue: string, fields: string[]): DriverEvent[] {
  const events: DriverEvent[] = [];
  const at = Number(fields[1]);
  let name = '';
  let event: DriverEvent | undefined;
  for (let index = 2; index + 1 < fields.length; index += 2) {
    const field = fields[index]!;
    const value = fields[index + 1]!;
    const type = EVENT_TYPES[field];
    if (type) {
      event = { type, queue, name, id: value, attempt: 0, at };
      events.push(event);
    } else if (field === 'n') {
      name = value;
    } else if (event && field === 'a') {
      event.attempt = Number(value);
    } else if (event && field === 'x') {
      withExtra(event, value);
    }
  }
  return events;
}

/** Layout 2's one extra value per event, by type. */
function withExtra(event: DriverEvent, value: string): void {
  if (event.type === 'completed' || event.type === 'progress') event.data = value;
  else if (event.type === 'retrying' || event.type === 'rate-limited') event.runAt = Number(value);
  else {
    const error = decodeError(value);
    if (error) event.error = error;
  }
}

function decodeGroups(queue: string, fields: string[]): DriverEvent[] {
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

/** A job's error list (JSON array) as JobErrors; [] for none or unreadable text. */
export function decodeErrors(text: string | undefined): JobError[] {
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
