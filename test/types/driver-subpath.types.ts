// Compile-time contract of the driver SPI: `tsc -p test/types/tsconfig.json --noEmit`
// (part of `npm run typecheck`). Every `@ts-expect-error` must stay an error.
import { MemoryDriver, type JobsModuleOptions, type QueueDriver } from '@nest-jobs/core';
import type {
  AdminPort, EventFeed, LeasedJob, LifecyclePort, ProducerPort, QueueDriver as SpiQueueDriver, SchedulePort, WorkerPort,
} from '@nest-jobs/core/driver';
// @ts-expect-error driver-author types are not in the root export list
import type { LeasedJob as RootLeasedJob } from '@nest-jobs/core';
// @ts-expect-error nor are the role ports
import type { WorkerPort as RootWorkerPort } from '@nest-jobs/core';

// The root's QueueDriver (what JobsModule takes) and the subpath's are one type: every role at once.
const driver: SpiQueueDriver = new MemoryDriver();
const _options: JobsModuleOptions = { driver };
const _roles: [WorkerPort, ProducerPort, AdminPort, SchedulePort, EventFeed, LifecyclePort] = [driver, driver, driver, driver, driver, driver];
const _asRoot: QueueDriver = driver;

// A port is narrower than the driver: a worker port alone is no QueueDriver.
declare const workerOnly: WorkerPort;
// @ts-expect-error a worker port lacks the admin, producer, schedule, feed and lifecycle methods
const _notADriver: QueueDriver = workerOnly;

// Admin has removeAllDead next to retryAllDead.
const _removeAll: (queue: string) => Promise<number> = driver.removeAllDead.bind(driver);
declare const leased: LeasedJob;
const _token: string = leased.token;

export type Unused = [RootLeasedJob, RootWorkerPort];
