export { Job } from './decorators/job.decorator.js';
export { Cron } from './decorators/cron.decorator.js';
export { Every } from './decorators/every.decorator.js';
export { InjectProducer } from './decorators/inject-producer.decorator.js';
export { OnJobEvent, type OnJobEventOptions } from './decorators/on-job-event.decorator.js';

export { JobsModule } from './module/jobs.module.js';
export type { JobsModuleOptions, JobsMode, JobsTestingOptions, JobsTracingOptions } from './module/jobs-options.interface.js';
export { JOBS_DRIVER, getProducerToken } from './module/jobs.tokens.js';

export type { Producer, JobKey, JobPayload, JobResult, EnqueueItem, EnqueueArgs, ScheduleArgs } from './producer/producer.interface.js';
export type { JobHandle } from './producer/job-handle.interface.js';
export { JobEvents } from './events/job-events.js';
export { JobsAdmin } from './admin/jobs-admin.js';
export type { DependencyInfo, JobErrorInfo, JobInfo, QueueInfo, ScheduleInfo } from './admin/job-info.interface.js';
export type { FlowInfo, FlowUsage, FlowLimitKind } from './admin/flow-report.js';
export { heldBy } from './admin/flow-report.js';
export type { FlowLimits, RateLimit } from './driver/driver-items.js';
export { JobRegistry } from './registry/job.registry.js';
export type { JobDefinition } from './registry/job-definition.js';

export * from './interfaces/index.js';
export * from './errors/index.js';
// Driver-author types (ports, leased jobs, settle items, events) live at '@nest-jobs/core/driver'.
export type { QueueDriver } from './driver/queue-driver.interface.js';
export type { JobsOutbox, OutboxLag } from './driver/transactional.js';
export { JOB_STATES } from './driver/job-record.js';
export type { JobCounts, JobError, JobRecord, JobRef, JobState, RetentionOptions } from './driver/job-record.js';
export type { DependencyOutcome } from './driver/dependency-port.js';
export type { JobEventType } from './driver/driver-event.js';
export { MemoryDriver } from './driver/memory/memory.driver.js';
export { toJson, fromJson, DEFAULT_MAX_PAYLOAD_BYTES, MAX_JSON_DEPTH } from './serialization/json.js';
export { MAX_PRIORITY, isValidQueueName } from './registry/option-validators.js';
