import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { LifecyclePort } from '../driver/driver-ports.js';
import { JOBS_LIFECYCLE_PORT } from './driver-roles.tokens.js';

/**
 * Pairs this app's one `driver.open()` (by JobsStarter, once the app has
 * bootstrapped) with one `close()` after workers and schedulers have drained.
 * A driver this app never opened is not closed: another app may share it.
 */
@Injectable()
export class DriverLifecycle implements OnApplicationShutdown {
  private opened = false;
  private markOpen!: () => void;
  /** Resolves once this app has opened the driver; never, if its bootstrap failed. */
  readonly whenOpen = new Promise<void>((resolve) => (this.markOpen = resolve));

  constructor(@Inject(JOBS_LIFECYCLE_PORT) private readonly driver: Pick<LifecyclePort, 'open' | 'close' | 'useLogger'>) {}

  /** True from this app's `open()` until its shutdown. */
  get isOpen(): boolean {
    return this.opened;
  }

  async open(): Promise<void> {
    if (this.opened) return;
    this.driver.useLogger?.(new Logger('JobsDriver'));
    await this.driver.open();
    this.opened = true;
    this.markOpen();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    await this.driver.close();
  }
}
