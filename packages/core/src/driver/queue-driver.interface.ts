import type { AdminPort, EventFeed, FlowPort, LifecyclePort, ProducerPort, SchedulePort, WorkerPort } from './driver-ports.js';
import type { RuntimeSchedulePort } from './runtime-schedule-port.js';

export type {
  CompleteItem, FailItem, FetchOptions, FlowLimits, FlowStatus, LaneStatus, LeaseRef, ListOptions, RateLimit, ScheduleRef, ScheduleState,
  TickOutcome, TickRequest,
} from './driver-items.js';
export type { AdminPort, EventFeed, FlowPort, JobCanceller, JobReader, LifecyclePort, ProducerPort, SchedulePort, WorkerPort } from './driver-ports.js';
export type { RuntimeSchedulePort, StoredSchedule, StoredSchedules } from './runtime-schedule-port.js';

/**
 * The one seam between nest-jobs and a storage backend: every role port in
 * one object. Everything above it is driver-agnostic, and each part of core
 * sees only the port it uses; the conformance suite in `@nest-jobs/core/conformance`
 * pins down the semantics every implementation must share.
 *
 * Rules every driver follows:
 * - Each method is atomic per job: a job is in exactly one state at any time.
 * - Batch methods return one outcome per input item, in input order.
 * - Fetch order: higher priority first, FIFO (by enqueue order) among equals.
 * - `fetch` counts a try (`attempt + 1`), issues a fresh token, makes the job
 *   active and emits `active`. It also moves due delayed jobs to waiting and
 *   recovers expired leases (bounded work per call): an expired job goes back
 *   to waiting, or to dead when its tries are used up (error "lease expired").
 * - A paused queue's `fetch` returns nothing; enqueue still works.
 * - Enqueue with an existing id changes nothing and returns `created: false`.
 * - A job enqueued with `dependsOn` is `blocked` (events `enqueued`, `blocked`) until every dependency
 *   ended; then `unblocked` and waiting (or delayed), or dead (DependencyFailedError) when one did not
 *   complete and `onDependencyFailure` is `fail`. A dependency id that does not exist is refused
 *   (MissingDependencyError) before anything of the call is written.
 * - A `limited` job waits in its lane (name, or name and group); fetch takes turns between
 *   lanes with room under their limits and the queue's other jobs, so no lane blocks another.
 */
export interface QueueDriver extends LifecyclePort, WorkerPort, ProducerPort, AdminPort, SchedulePort, RuntimeSchedulePort, FlowPort, EventFeed {}
