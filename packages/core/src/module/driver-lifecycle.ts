import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { QueueDriver } from '../driver/queue-driver.interface.js';
import { JOBS_DRIVER } from './jobs.tokens.js';

/** Opens the driver before anything enqueues and closes it after workers and schedulers have drained. */
@Injectable()
export class DriverLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(JOBS_DRIVER) private readonly driver: QueueDriver) {}

  async onModuleInit(): Promise<void> {
    await this.driver.open();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.driver.close();
  }
}
