import type { JobRecord, JobState, LeasedJob, NewJob, TraceCarrier } from '@nest-jobs/core/driver';
import { decodeErrors } from './codec.js';

/**
 * A job record of storage layout 2, the value of its id in `{p:q}:v2:jobs`:
 * `<head>|<name>|<payload>`. The head is the state letter and the attempt
 * (`w`, `a2`), then tags `,<letter><value>`; lua/includes/record.lua is the
 * reference and writes the same format.
 */
const STATE_OF: Record<string, JobState> = { b: 'blocked', w: 'waiting', l: 'delayed', a: 'active', c: 'completed', d: 'dead', x: 'expired', k: 'cancelled' };
const TIME_TAGS = new Set(['E', 'R', 'C', 'S', 'F', 'Z']);

/** Separate from a record: what the queue's results, errors and progress hashes hold for the job. */
export interface RecordExtras {
  result?: string | null;
  errors?: string | null;
  progress?: string | null;
}

/** The parts of a record; undefined for text that is no record. */
export interface ParsedRecord {
  state: JobState;
  attempt: number;
  tags: Map<string, string>;
  name: string;
  payload: string;
}

export function parseRecord(text: string): ParsedRecord | undefined {
  const nameAt = text.indexOf('|');
  const payloadAt = nameAt < 0 ? -1 : text.indexOf('|', nameAt + 1);
  const head = /^([a-z])(\d*)((?:,[^,|]*)*)$/.exec(nameAt < 0 ? '' : text.slice(0, nameAt));
  if (!head || payloadAt < 0 || !STATE_OF[head[1]!]) return undefined;
  const tags = new Map<string, string>();
  for (const tag of head[3]!.split(',').slice(1)) {
    const value = tag.slice(1);
    tags.set(tag[0]!, TIME_TAGS.has(tag[0]!) ? String(parseInt(value, 36)) : value);
  }
  return { state: STATE_OF[head[1]!]!, attempt: head[2] ? Number(head[2]) : 0, tags, name: text.slice(nameAt + 1, payloadAt), payload: text.slice(payloadAt + 1) };
}

/** A record back into a JobRecord; a text that is no record reads as a dead job holding that text as its payload. */
export function decodeRecord(queue: string, id: string, text: string, extras: RecordExtras = {}): JobRecord {
  return fromParsed(queue, id, parseRecord(text) ?? { state: 'dead', attempt: 0, tags: new Map<string, string>(), name: '', payload: text }, extras);
}

function fromParsed(queue: string, id: string, parsed: ParsedRecord, extras: RecordExtras): JobRecord {
  const { tags } = parsed;
  const enqueuedAt = num(tags.get('E'));
  const record: JobRecord = {
    id,
    queue,
    name: parsed.name,
    payload: parsed.payload,
    priority: num(tags.get('P')),
    maxAttempts: num(tags.get('M'), 1),
    runAt: num(tags.get('R'), enqueuedAt),
    enqueuedAt,
    state: parsed.state,
    attempt: parsed.attempt,
    errors: decodeErrors(extras.errors ?? undefined),
  };
  if (tags.has('C')) record.scheduledFor = num(tags.get('C'));
  if (tags.has('S')) record.startedAt = num(tags.get('S'));
  if (tags.has('F')) record.finishedAt = num(tags.get('F'));
  if (tags.has('Z')) record.expireAt = num(tags.get('Z'));
  if (tags.has('L')) {
    record.limited = true;
    const group = tags.get('L')!;
    if (group !== '') record.group = decodeGroup(group);
  }
  if (tags.has('H')) record.trace = decodeTrace(tags.get('H')!);
  // Tag D: enqueued with dependencies (their refs live in the job's deps hash; admin reads add them).
  if (tags.has('D')) {
    record.dependsOn = [];
    if (tags.get('D') === 'i') record.onDependencyFailure = 'ignore';
  }
  if (typeof extras.progress === 'string') record.progress = extras.progress;
  // A completed job's null result is not stored (complete.lua).
  if (typeof extras.result === 'string') record.result = extras.result;
  else if (parsed.state === 'completed') record.result = 'null';
  return record;
}

/** What fetch.lua says besides the jobs: when the queue next has work, if it took fewer than asked. */
export interface FetchReply {
  jobs: LeasedJob[];
  /** Ms until the earliest delayed job or lease falls due, null for none; undefined when the fetch was full. */
  dueIn?: number | null;
}

/** fetch.lua's reply: leaseUntil, dueIn, then per job id, record, errors JSON or null, progress or null. */
export function decodeFetchReply(queue: string, reply: unknown[]): FetchReply {
  const leaseUntil = Number(reply[0]);
  const due = reply[1];
  const jobs: LeasedJob[] = [];
  for (let offset = 2; offset + 3 < reply.length; offset += 4) {
    const id = reply[offset] as string;
    // fetch.lua leases only records it could read, and wrote this one itself.
    const parsed = parseRecord(reply[offset + 1] as string)!;
    const record = fromParsed(queue, id, parsed, { errors: reply[offset + 2] as string | null, progress: reply[offset + 3] as string | null });
    jobs.push({ ...record, token: parsed.tags.get('T') ?? '', leaseUntil });
  }
  if (due === '' || due === undefined || due === null) return { jobs };
  return { jobs, dueIn: Number(due) < 0 ? null : Number(due) };
}

/**
 * A new job's record without its state letter and attempt, as enqueue.lua
 * stores it behind `w` (or `l,Q<seq>`): only what differs from the defaults.
 */
export function recordBody(job: NewJob): string {
  let tags = `,E${b36(job.enqueuedAt)}`;
  if (Math.round(job.runAt) !== Math.round(job.enqueuedAt)) tags += `,R${b36(job.runAt)}`;
  if (job.maxAttempts !== 1) tags += `,M${job.maxAttempts}`;
  if (job.priority !== 0) tags += `,P${job.priority}`;
  if (job.scheduledFor !== undefined) tags += `,C${b36(job.scheduledFor)}`;
  if (job.limited || job.group !== undefined) tags += `,L${job.group === undefined ? '' : encodeGroup(job.group)}`;
  if (job.expireAt !== undefined) tags += `,Z${b36(job.expireAt)}`;
  if (job.trace !== undefined) tags += encodeTrace(job.trace);
  return `${tags}|${job.name}|${job.payload}`;
}

/**
 * enqueue.lua's flow-control value of a job: '' for none, else 'L' (it waits in its lane) or
 * '-', then its dedupe as "<mode>,<ttl ms>,<max wait ms or ''>,<key>".
 */
export function flowArg(job: NewJob): string {
  const lane = job.limited || job.group !== undefined;
  if (!lane && !job.dedupe) return '';
  const dedupe = job.dedupe ? `${job.dedupe.mode},${Math.round(job.dedupe.ttlMs)},${job.dedupe.maxWaitMs === undefined ? '' : Math.round(job.dedupe.maxWaitMs)},${job.dedupe.key}` : '';
  return (lane ? 'L' : '-') + dedupe;
}

/** A group key as a record tag and a key part holds it: without ",", "|" or "%" (percent-encoded). */
export function encodeGroup(group: string): string {
  return group.replace(/[%,|]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function decodeGroup(encoded: string): string {
  return encoded.replace(/%(25|2C|7C)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A job name that a record can hold: a "|" would end it early. */
export function checkJobName(name: string): void {
  if (name.includes('|') || name === '') {
    throw new Error(`RedisDriver: job name ${JSON.stringify(name)} cannot be stored: use a non-empty name without "|".`);
  }
}

/**
 * The trace carrier as tag H, form-encoded (`traceparent=00-…&tracestate=…`):
 * the encoding leaves no "," or "|" that would end the tag or the head. Nothing for an empty carrier.
 */
function encodeTrace(trace: TraceCarrier): string {
  const text = new URLSearchParams(trace).toString();
  return text === '' ? '' : `,H${text}`;
}

function decodeTrace(text: string): TraceCarrier {
  return Object.fromEntries(new URLSearchParams(text));
}

function b36(ms: number): string {
  return Math.round(ms).toString(36);
}

function num(value: string | undefined, fallback = 0): number {
  const parsed = Number(value);
  return value === undefined || value === '' || Number.isNaN(parsed) ? fallback : parsed;
}
