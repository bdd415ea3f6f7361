import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { JOBS_DRIVER, JobsAdmin, type QueueDriver, type QueueInfo } from '@nest-jobs/core';

export interface Health {
  status: 'ok';
  driver: string;
  queues: QueueInfo[];
}

@Controller('health')
export class HealthController {
  constructor(
    private readonly admin: JobsAdmin,
    @Inject(JOBS_DRIVER) private readonly driver: QueueDriver,
  ) {}

  @Get()
  async health(): Promise<Health> {
    try {
      return { status: 'ok', driver: this.driver.kind, queues: await this.admin.queues() };
    } catch (error) {
      throw new ServiceUnavailableException(`Queue driver unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
