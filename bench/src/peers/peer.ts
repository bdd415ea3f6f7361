/** The small JSON payload every benchmark job carries. */
export interface BenchPayload {
  /** Sequence number within a run: counts each job exactly once. */
  i: number;
  /** `performance.now()` at enqueue (latency scenario; same process). */
  sentAt: number;
  user: string;
  email: string;
}

export function benchPayload(i: number): BenchPayload {
  return { i, sentAt: performance.now(), user: `user-${i}`, email: `user-${i}@example.com` };
}

/** Called at the start of each job's (no-op) handler. */
export type JobListener = (payload: BenchPayload) => void;

/** Worker concurrencies the scenarios use (nest-jobs fixes concurrency per @Job, so per handler class). */
export type Concurrency = 1 | 50;

/** A worker connected and ready, that consumes only once `start()` is called. */
export interface BenchWorker {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** One library's queue as the scenarios drive it: a producer plus workers on demand. */
export interface BenchQueue {
  enqueue(payload: BenchPayload): Promise<void>;
  enqueueBulk(payloads: BenchPayload[]): Promise<void>;
  prepareWorker(onJob: JobListener): Promise<BenchWorker>;
  /** Jobs the store records as completed. */
  completedCount(): Promise<number>;
  close(): Promise<void>;
}

/** The server a suite runs on: a redis:// or postgres:// URL, and its address. */
export interface ServerTarget {
  url: string;
  host: string;
  port: number;
}

/** One library under test. */
export interface Peer {
  readonly name: string;
  readonly version: string;
  /** Not a peer but a bound (the in-process memory driver): shown, left out of "best peer". */
  readonly ceiling?: boolean;
  /** Scenario ids that mean nothing for this library (the memory driver has no store to measure). */
  readonly skips?: readonly string[];
  /** A producer for a queue whose workers will run `concurrency` jobs at once. */
  openQueue(target: ServerTarget, concurrency: Concurrency): Promise<BenchQueue>;
}
