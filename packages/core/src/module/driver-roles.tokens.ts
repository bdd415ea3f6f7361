/**
 * One token per driver role. JobsModule provides them all from the one
 * `JOBS_DRIVER` object; each part of core injects only the role it uses.
 */
export const JOBS_WORKER_PORT = Symbol('nest-jobs:driver:worker');
export const JOBS_PRODUCER_PORT = Symbol('nest-jobs:driver:producer');
export const JOBS_ADMIN_PORT = Symbol('nest-jobs:driver:admin');
export const JOBS_SCHEDULE_PORT = Symbol('nest-jobs:driver:schedule');
export const JOBS_EVENT_FEED = Symbol('nest-jobs:driver:events');
export const JOBS_LIFECYCLE_PORT = Symbol('nest-jobs:driver:lifecycle');
export const JOBS_FLOW_PORT = Symbol('nest-jobs:driver:flow');
export const JOBS_RUNTIME_SCHEDULE_PORT = Symbol('nest-jobs:driver:runtime-schedules');

export const DRIVER_ROLE_TOKENS = [
  JOBS_WORKER_PORT, JOBS_PRODUCER_PORT, JOBS_ADMIN_PORT, JOBS_SCHEDULE_PORT, JOBS_EVENT_FEED, JOBS_LIFECYCLE_PORT, JOBS_FLOW_PORT,
  JOBS_RUNTIME_SCHEDULE_PORT,
] as const;

/** The module's `outbox` option, or null: transactional enqueue for drivers that cannot join the app's transaction. */
export const JOBS_OUTBOX = Symbol('nest-jobs:outbox');
