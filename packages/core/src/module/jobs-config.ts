import { JobsConfigurationError } from '../errors/jobs-configuration.error.js';
import type { JobOptions } from '../interfaces/job-options.interface.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../serialization/json.js';
import { messages } from '../registry/jobs.messages.js';
import { isValidQueueName } from '../registry/option-validators.js';
import { MemoryDriver } from '../driver/memory/memory.driver.js';
import type { TracingConfig } from '../tracing/tracing.interface.js';
import type { JobsMode, JobsModuleOptions } from './jobs-options.interface.js';

const MODES: readonly JobsMode[] = ['all', 'worker', 'producer'];
/** Jobs one fetch leases in one driver call (one Redis script run): more would block Redis for too long. */
export const MAX_FETCH_BATCH_SIZE = 1_000;

/** Testing mode, resolved: see `JobsTestingOptions`. */
export interface TestingConfig {
  /** Epoch ms; undefined: the real time at bootstrap. */
  startAt: number | undefined;
  maxDrainRounds: number;
}

/** Module options with environment and defaults applied, validated once. */
export class JobsConfig {
  readonly mode: JobsMode;
  /** Undefined: consume every queue that has a handler. */
  readonly queues: readonly string[] | undefined;
  readonly defaults: JobOptions;
  readonly shutdownTimeout: number;
  readonly maxPayloadBytes: number;
  readonly leaseMs: number;
  readonly fetchBatchSize: number;
  /** Undefined outside testing mode. */
  readonly testing: TestingConfig | undefined;
  /** Undefined when tracing is off. */
  readonly tracing: TracingConfig | undefined;

  constructor(options: JobsModuleOptions, env: NodeJS.ProcessEnv = process.env) {
    if (!options || typeof options.driver?.enqueue !== 'function') {
      throw new JobsConfigurationError(messages.missingDriver());
    }
    this.mode = resolveMode(options.mode, env.JOBS_MODE);
    this.queues = checkQueues(options.queues, 'JobsModule.forRoot: queues') ?? checkQueues(parseQueueList(env.JOBS_QUEUES), 'JOBS_QUEUES');
    this.defaults = options.defaults ?? {};
    this.shutdownTimeout = positive('shutdownTimeout', options.shutdownTimeout, 10_000, 0);
    this.maxPayloadBytes = positive('maxPayloadBytes', options.maxPayloadBytes, DEFAULT_MAX_PAYLOAD_BYTES, 1);
    this.leaseMs = positive('leaseMs', options.leaseMs, 30_000, 100);
    this.fetchBatchSize = positive('fetchBatchSize', options.fetchBatchSize, 50, 1, MAX_FETCH_BATCH_SIZE);
    this.testing = resolveTesting(options);
    checkOutbox(options.outbox);
    this.tracing = resolveTracing(options.tracing);
  }

  get runsWorkers(): boolean {
    return this.mode !== 'producer';
  }
}

function checkOutbox(outbox: unknown): void {
  if (outbox === undefined || outbox === null) return;
  const methods = ['write', 'start', 'stop', 'lag'] as const;
  if (typeof outbox !== 'object' || methods.some((method) => typeof (outbox as Record<string, unknown>)[method] !== 'function')) {
    throw new JobsConfigurationError(`JobsModule.forRoot: outbox must implement JobsOutbox (write, start, stop, lag), e.g. new PostgresOutbox({ pool }) (got ${typeof outbox === 'object' ? 'an object without them' : typeof outbox}).`);
  }
}

function resolveMode(option: JobsMode | undefined, fromEnv: string | undefined): JobsMode {
  if (option !== undefined) {
    if (!MODES.includes(option)) throw new JobsConfigurationError(messages.badMode('mode option', option));
    return option;
  }
  if (fromEnv === undefined || fromEnv === '') return 'all';
  const mode = fromEnv.trim().toLowerCase() as JobsMode;
  if (!MODES.includes(mode)) throw new JobsConfigurationError(messages.badMode('JOBS_MODE', fromEnv));
  return mode;
}

/** Queue names end up in Redis hash tags: refuse at bootstrap what would break one. */
function checkQueues(queues: readonly string[] | undefined, source: string): readonly string[] | undefined {
  if (queues === undefined) return undefined;
  const bad: unknown = Array.isArray(queues) ? (queues as readonly unknown[]).find((queue) => !isValidQueueName(queue)) : queues;
  if (bad !== undefined) throw new JobsConfigurationError(messages.badQueueList(source, bad));
  return queues;
}

/** Testing mode drives the MemoryDriver's clock and runs; no other driver can step through virtual time. */
function resolveTesting({ testing, driver }: JobsModuleOptions): TestingConfig | undefined {
  if (testing === undefined || testing === false) return undefined;
  if (testing !== true && (typeof testing !== 'object' || testing === null || Array.isArray(testing))) {
    throw new JobsConfigurationError(messages.badModuleOption('testing', 'true, false or { startAt?, maxDrainRounds? }', testing));
  }
  const { startAt, maxDrainRounds } = testing === true ? {} : testing;
  const start = startAt instanceof Date ? startAt.getTime() : startAt;
  if (start !== undefined && (typeof start !== 'number' || !Number.isFinite(start))) {
    throw new JobsConfigurationError(messages.badModuleOption('testing.startAt', 'a valid Date or epoch ms', startAt));
  }
  if (!(driver instanceof MemoryDriver)) throw new JobsConfigurationError(messages.testingNeedsMemoryDriver(driver.kind));
  return { startAt: start, maxDrainRounds: positive('testing.maxDrainRounds', maxDrainRounds, 100, 1) };
}

function resolveTracing(tracing: JobsModuleOptions['tracing']): TracingConfig | undefined {
  if (tracing === undefined || tracing === false) return undefined;
  const expected = "true, false or { parent?: 'link' | 'child' }";
  if (tracing !== true && (typeof tracing !== 'object' || tracing === null || Array.isArray(tracing))) {
    throw new JobsConfigurationError(messages.badModuleOption('tracing', expected, tracing));
  }
  const parent = tracing === true ? undefined : tracing.parent;
  if (parent !== undefined && parent !== 'link' && parent !== 'child') {
    throw new JobsConfigurationError(messages.badModuleOption('tracing.parent', '"link" or "child"', parent));
  }
  return { parent: parent ?? 'link' };
}

function parseQueueList(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((queue) => queue.trim()).filter((queue) => queue !== '');
}

function positive(option: string, value: number | undefined, fallback: number, min: number, max?: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new JobsConfigurationError(messages.badModuleOption(option, range, value));
  }
  return value;
}
