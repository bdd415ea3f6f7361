// '@nest-jobs/core/driver': what a storage backend implements and the records it exchanges with core.
export * from './job-record.js';
export * from './driver-event.js';
export * from './queue-driver.interface.js';
export { isValidQueueName, MAX_PRIORITY } from '../registry/option-validators.js';
export { RandomText } from './random-text.js';
export { canEnqueueInTransaction, type JobsOutbox, type OutboxLag, type TransactionalProducerPort } from './transactional.js';
// Drivers throw subclasses of it on an outage; users catch it from the main entry point.
export { DriverUnavailableError } from '../errors/driver-unavailable.error.js';
export type { DependencyOutcome, DependencyPort, DependencyStatus } from './dependency-port.js';
export { DependencyFailedError } from '../errors/dependency-failed.error.js';
export { MissingDependencyError } from '../errors/missing-dependency.error.js';
