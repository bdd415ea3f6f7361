import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { LifecyclePort, ProducerPort } from '../driver/driver-ports.js';
import type { JobsOutbox } from '../driver/transactional.js';
import { JOBS_LIFECYCLE_PORT, JOBS_OUTBOX, JOBS_PRODUCER_PORT } from './driver-roles.tokens.js';

/**
 * Pairs this app's one `driver.open()` (by JobsStarter, once the app has
 * bootstrapped) with one `close()` after workers and schedulers have drained.
 * A driver this app never opened is not closed: another app may share it.
 * The module's outbox, if any, relays to the driver while it is open.
 */
@Injectable()
export class DriverLifecycle implements OnApplicationShutdown {
  private opened = false;
  private markOpen!: () => void;
  /** Resolves once this app has opened the driver; never, if its bootstrap failed. */
  readonly whenOpen = new Promise<void>((resolve) => (this.markOpen = resolve));

  constructor(
    @Inject(JOBS_LIFECYCLE_PORT) private readonly driver: Pick<LifecyclePort, 'open' | 'close' | 'useLogger'>,
    @Inject(JOBS_PRODUCER_PORT) private readonly producer: ProducerPort,
    @Inject(JOBS_OUTBOX) private readonly outbox: JobsOutbox | null,
  ) {}

  /** True from this app's `open()` until its shutdown. */
  get isOpen(): boolean {
    return this.opened;
  }

  async open(): Promise<void> {
    if (this.opened) return;
    this.driver.useLogger?.(new Logger('JobsDriver'));
    await this.driver.open();
    try {
      await this.outbox?.start(this.producer);
    } catch (error) {
      await this.driver.close();
      throw error;
    }
    this.opened = true;
    this.markOpen();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    try {
      await this.outbox?.stop();
    } finally {
      await this.driver.close();
    }
  }
}
