import { Inject, Injectable } from '@nestjs/common';
import type { EnqueueResult, NewJob } from '../driver/job-record.js';
import { canEnqueueInTransaction, type JobsOutbox } from '../driver/transactional.js';
import type { EventFeed, ProducerPort } from '../driver/driver-ports.js';
import { InvalidJobInputError } from '../errors/invalid-job-input.error.js';
import type { EnqueueOptions } from '../interfaces/job-options.interface.js';
import { JOBS_CLOCK, type JobsClock } from '../module/jobs-clock.js';
import { JobsConfig } from '../module/jobs-config.js';
import { JOBS_EVENT_FEED, JOBS_OUTBOX, JOBS_PRODUCER_PORT } from '../module/driver-roles.tokens.js';
import type { JobDefinition } from '../registry/job-definition.js';
import { JobRegistry } from '../registry/job.registry.js';
import { messages } from '../registry/jobs.messages.js';
import { checkAttempts, checkDuration, checkPriority, failFor } from '../registry/option-validators.js';
import { toJson } from '../serialization/json.js';
import { DriverJobHandle } from './job-handle.js';
import { RandomText } from '../driver/random-text.js';
import { withFlow } from './flow-fields.js';
import { withDependencies } from './dependency-fields.js';
import type { JobsTracing } from '../tracing/tracing.interface.js';
import { JOBS_TRACING } from '../tracing/tracing.token.js';

type HandlerClass = abstract new (...args: never[]) => unknown;

/** Turns typed producer calls into validated driver jobs. Nothing reaches the driver unless all items are valid. */
@Injectable()
export class EnqueueService {
  /** New job ids: 96 random bits as 16 characters (a store keeps the id in every index entry of a job). */
  private readonly ids = new RandomText();

  constructor(
    @Inject(JOBS_PRODUCER_PORT) private readonly driver: ProducerPort,
    @Inject(JOBS_EVENT_FEED) private readonly feed: EventFeed,
    private readonly registry: JobRegistry,
    @Inject(JobsConfig) private readonly config: JobsConfig,
    @Inject(JOBS_CLOCK) private readonly clock: JobsClock,
    @Inject(JOBS_OUTBOX) private readonly outbox: JobsOutbox | null,
    @Inject(JOBS_TRACING) private readonly tracing: JobsTracing | null,
  ) {}

  async enqueue(
    classRef: HandlerClass,
    items: ReadonlyArray<{ job: string; payload?: unknown; options?: EnqueueOptions }>,
  ): Promise<DriverJobHandle<unknown>[]> {
    const now = this.clock.now();
    const definitions = items.map((item) => this.definitionOf(classRef, item.job));
    const jobs = items.map((item, index) => this.prepare(definitions[index]!, item.payload, item.options ?? {}, now));
    const transaction = sharedTransaction(items, definitions[0]?.handler ?? classRef.name);
    if (transaction === undefined) return this.submit(jobs);
    return this.handles(jobs, await this.enqueueInTransaction(transaction, jobs, definitions[0]!.handler));
  }

  /** Enqueues prepared jobs (also used by the scheduler's trigger). */
  async submit(jobs: NewJob[]): Promise<DriverJobHandle<unknown>[]> {
    if (jobs.length === 0) return [];
    return this.handles(jobs, await this.traced(jobs, () => this.driver.enqueue(jobs)));
  }

  /** The module's outbox if there is one, else the driver itself; a driver that can do neither is refused. */
  private enqueueInTransaction(transaction: object, jobs: NewJob[], handler: string): Promise<EnqueueResult[]> {
    const { outbox, driver } = this;
    if (outbox) return this.traced(jobs, () => outbox.write(transaction, jobs));
    if (canEnqueueInTransaction(driver)) return this.traced(jobs, () => driver.enqueueInTransaction(transaction, jobs));
    const kind = (this.driver as { kind?: unknown }).kind;
    throw new InvalidJobInputError(messages.transactionUnsupported(handler, typeof kind === 'string' ? kind : 'configured'));
  }

  /** A send span per job around the write, when tracing is on. */
  private traced(jobs: NewJob[], write: () => Promise<EnqueueResult[]>): Promise<EnqueueResult[]> {
    if (!this.tracing) return write();
    return this.tracing.send(jobs, write, (all, index) => (all[index]?.created ? undefined : { 'nest_jobs.job.duplicate': true }));
  }

  private handles(jobs: NewJob[], results: EnqueueResult[]): DriverJobHandle<unknown>[] {
    return results.map((result, index) => {
      const job = jobs[index]!;
      return new DriverJobHandle(this.driver, this.feed, result.id, job.queue, job.name, result.created);
    });
  }

  /** A driver job for a definition, validated; `jobId` and timing from options. */
  prepare(definition: JobDefinition, payload: unknown, options: EnqueueOptions, now = this.clock.now()): NewJob {
    const subject = `Enqueue of job "${definition.handler}"`;
    const fail = failFor(subject, InvalidJobInputError);
    if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
    checkDuration('delay', options.delay, fail);
    checkPriority(options.priority, fail);
    checkAttempts(options.attempts, fail);
    const id = options.jobId ?? this.ids.next();
    if (typeof id !== 'string' || id.length === 0 || id.length > 512) fail('jobId', 'a string of 1–512 characters', id);
    const runAt = runAtOf(options, now, fail);
    const job: NewJob = {
      id,
      queue: definition.queue,
      name: definition.name,
      payload: toJson(payload, `payload of job "${definition.handler}"`, this.config.maxPayloadBytes),
      priority: options.priority ?? definition.priority,
      maxAttempts: options.attempts ?? definition.attempts,
      runAt,
      enqueuedAt: now,
    };
    const flowed = definition.flow ? withFlow(job, definition.flow, payload, options.jobId, now, fail) : job;
    return options.dependsOn === undefined && options.onDependencyFailure === undefined ? flowed : withDependencies(flowed, options, fail);
  }

  definitionOf(classRef: HandlerClass, key: string): JobDefinition {
    const definition = this.registry.getByMethod(classRef, key);
    if (!definition) throw new InvalidJobInputError(messages.unknownJob(classRef.name, String(key)));
    if (definition.kind !== 'job') throw new InvalidJobInputError(messages.scheduleNotJob(definition.handler));
    return definition;
  }
}

/** The one transaction of a call's items, or undefined; items naming different ones are refused. */
function sharedTransaction(items: ReadonlyArray<{ options?: EnqueueOptions }>, handler: string): object | undefined {
  const transaction = items[0]?.options?.transaction;
  if (transaction !== undefined && (typeof transaction !== 'object' || transaction === null)) {
    failFor(`Enqueue of job "${handler}"`, InvalidJobInputError)('transaction', 'a database client or transaction object', transaction);
  }
  if (items.some((item) => item.options?.transaction !== transaction)) throw new InvalidJobInputError(messages.mixedTransactions(handler));
  return transaction;
}

function runAtOf(options: EnqueueOptions, now: number, fail: ReturnType<typeof failFor>): number {
  if (options.runAt !== undefined) {
    const runAt = options.runAt instanceof Date ? options.runAt.getTime() : options.runAt;
    if (typeof runAt !== 'number' || !Number.isFinite(runAt)) fail('runAt', 'a valid Date or epoch ms', options.runAt);
    return Math.max(runAt, now);
  }
  return now + (options.delay ?? 0);
}
